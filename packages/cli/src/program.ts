/**
 * The `ovs` command line: commander setup, one module per command under ./commands, and the
 * mapping of every outcome to an exit code (0 ok, 1 problems in the input, 2 usage error,
 * 70 internal error). Commands import their libraries lazily, so each pays only for itself.
 */
import { Command, CommanderError } from 'commander';
import { registerCheck } from './commands/check.js';
import { registerCompile } from './commands/compile.js';
import { registerFmt } from './commands/fmt.js';
import { registerGraph } from './commands/graph.js';
import { registerPlan } from './commands/plan.js';
import { registerRun } from './commands/run.js';
import { registerServe } from './commands/serve.js';
import { registerTest } from './commands/test.js';
import type { CommandContext } from './context.js';
import { ExitCode } from './context.js';
import type { CliIo } from './io.js';
import { VERSION } from './version.js';

/** Every command, in the order `ovs --help` lists them; a new command is one module and one line here. */
const COMMANDS: ReadonlyArray<(program: Command, ctx: CommandContext) => void> = [
  registerCheck,
  registerFmt,
  registerCompile,
  registerGraph,
  registerPlan,
  registerRun,
  registerTest,
  registerServe,
];

export function createProgram(ctx: CommandContext): Command {
  const program = new Command('ovs')
    .description(
      'Watch live video with vision-language models: check, format, compile, draw and price .ovs pipelines, run them on live streams, backtest them on recorded clips, and serve an Overshoot-compatible backend.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    // Settings below are copied to each command as it is added.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
      outputError: (text, write) => write(`ovs: ${text.replace(/^error: /, '')}`),
    })
    .showSuggestionAfterError(true);
  for (const register of COMMANDS) register(program, ctx);
  program.showHelpAfterError('(run "ovs --help" for the list of commands)');
  for (const command of program.commands) command.showHelpAfterError(`(run "ovs ${command.name()} --help" for usage)`);
  program.addHelpText(
    'after',
    `
Examples:
  $ ovs check examples/*.ovs
  $ ovs fmt --write pipeline.ovs
  $ ovs plan examples/oneliner.ovs
  $ ovs graph --format dot examples/fall-detection.ovs | dot -Tsvg > fall.svg
  $ ovs run examples/oneliner.ovs --stream A=file:clip.mp4
  $ ovs test examples/motion-detect.ovs --clip cam=door.mp4 --labels cam=door.labels
  $ ovs serve --port 8080

Exit status: 0 success, 1 problems in the input (errors, unreadable or unformatted files),
2 usage error, 70 internal error (set OVS_DEBUG=1 for its stack trace).
Documentation: docs/cli.md (commands) and docs/language.md (the .ovs language).`,
  );
  return program;
}

/** Runs `ovs` with arguments (without the node and script paths); resolves to the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const ctx: CommandContext = { io, exitCode: ExitCode.ok };
  try {
    await createProgram(ctx).parseAsync([...args], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; anything else commander rejects is a usage error.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    return internalError(error, io);
  }
}

/** A bug: one line for people, the stack only when asked for with OVS_DEBUG=1. */
export function internalError(error: unknown, io: CliIo): number {
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`ovs: internal error: ${message.split('\n')[0]}\n`);
  if (io.env['OVS_DEBUG'] === '1' && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  else io.stderr.write('(set OVS_DEBUG=1 to see the stack trace; please report it)\n');
  return ExitCode.internal;
}
