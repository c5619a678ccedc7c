/** `ovs serve`: the Overshoot-compatible server on this machine, until SIGINT or SIGTERM. */
import { Option } from 'commander';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../context.js';
import { parsePort } from '../options.js';

interface ServeFlags {
  config?: string;
  host?: string;
  port?: number;
  mediaRoot?: string;
  upstream?: string[];
  builtinModels: boolean;
  logLevel: string;
}

export function registerServe(program: Command, ctx: CommandContext): void {
  program
    .command('serve')
    .summary('run the Overshoot-compatible server (streams, ovs:// resolution, chat completions)')
    .description(
      'Run the server the hosted service describes, on this machine: streams pulled from files, RTSP, HLS or MJPEG (ffmpeg) or pushed as JPEG frames, ring buffers of recent frames, ovs:// references resolved as the seeds specify, OpenAI-compatible chat completions answered by the builtin CPU models (builtin/motion, builtin/detect) or routed to OpenAI-compatible vision servers (vLLM, Ollama, llama.cpp, OpenAI). Stops cleanly on SIGINT or SIGTERM. API keys come from the config file or OVS_API_KEYS (comma-separated); without a key it only listens on loopback. See docs/server.md.',
    )
    .option('-c, --config <file>', 'JSON config file (see docs/server.md); flags override it')
    .option('--host <host>', 'address to listen on (default 127.0.0.1; anything else needs an API key)')
    .option('-p, --port <port>', 'port to listen on (default 8080; 0 picks a free one)', parsePort)
    .option('--media-root <dir>', 'directory that file sources are confined to (file sources are refused without it)')
    .option(
      '--upstream <ID=MODEL@BASE_URL>',
      'route model ID to an OpenAI-compatible server, e.g. qwen=Qwen/Qwen2.5-VL-7B-Instruct@http://127.0.0.1:8000/v1 (repeatable; keys go in the config file)',
      // No default value: commander would show "(default: [])" in the help.
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--no-builtin-models', 'do not serve builtin/motion and builtin/detect')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
    .addHelpText(
      'after',
      `
Examples:
  $ ovs serve --media-root ./media
  $ ovs serve --port 9000 --upstream qwen=Qwen/Qwen2.5-VL-7B-Instruct@http://127.0.0.1:8000/v1
  $ OVS_API_KEYS=change-me-please ovs serve --host 0.0.0.0 --config ovs-server.json

Exit status: 0 after a clean stop, 1 for a configuration that cannot be used, 2 for a usage error.`,
    )
    .action(async (flags: ServeFlags) => {
      const server = await import('@ovs/server');
      let config;
      try {
        const fromFile = flags.config ? await server.loadConfigFile(flags.config) : {};
        const upstreams = { ...fromFile.upstreams, ...Object.fromEntries((flags.upstream ?? []).map((u) => server.parseUpstreamFlag(u))) };
        const envKeys = server.apiKeysFromEnv(ctx.io.env);
        config = server.parseServerConfig(
          {
            ...fromFile,
            host: flags.host ?? fromFile.host ?? '127.0.0.1',
            port: flags.port ?? fromFile.port ?? 8080,
            ...(flags.mediaRoot === undefined ? {} : { mediaRoot: flags.mediaRoot }),
            ...(Object.keys(upstreams).length ? { upstreams } : {}),
            ...(envKeys.length ? { apiKeys: [...(fromFile.apiKeys ?? []), ...envKeys] } : {}),
            ...(flags.builtinModels ? {} : { builtinModels: false }),
          },
          'server configuration',
        );
      } catch (error) {
        if (!(error instanceof server.ConfigError)) throw error;
        ctx.io.stderr.write(`ovs serve: ${error.message}\n`);
        ctx.exitCode = ExitCode.failure;
        return;
      }
      let running;
      try {
        running = await server.createServer({ ...config, logger: server.createLogger(flags.logLevel as Parameters<typeof server.createLogger>[0]) });
      } catch (error) {
        if (!(error instanceof server.ConfigError) && !isListenError(error)) throw error;
        ctx.io.stderr.write(`ovs serve: ${(error as Error).message}\n`);
        ctx.exitCode = ExitCode.failure;
        return;
      }
      ctx.io.stderr.write(`ovs serve: listening on ${running.url} (models: ${running.models.join(', ') || 'none'}); Ctrl-C stops\n`);
      const signal = await new Promise<string>((resolve) => {
        const stopListening = ctx.io.onStopSignal((name) => {
          stopListening();
          resolve(name);
        });
      });
      ctx.io.stderr.write(`ovs serve: ${signal}: stopping\n`);
      await running.close();
    });
}

/** The port is taken or the address is not ours: the user's to fix, not a bug. */
function isListenError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES';
}
