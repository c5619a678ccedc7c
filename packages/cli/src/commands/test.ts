/** `ovs test PIPELINE --clip A=video.mp4`: backtest a pipeline on recorded video, scored against labels. */
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { PipelineIr } from '@ovs/ir';
import type { Labels, PipelineReport, ResponseCache, Speed } from '@ovs/replay';
import type { UpstreamConfig } from '@ovs/server';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../context.js';
import { loadPipeline } from '../load.js';
import { collectModelMap } from '../options.js';

interface TestFlags {
  clip?: Record<string, string>;
  labels?: Record<string, string>;
  vs?: string;
  speed: string;
  fps?: number;
  model?: Record<string, string>;
  json?: boolean;
  minRecall?: number;
  maxFalsePerHour?: number;
  tolerance?: number;
  cache: boolean;
  cacheDir?: string;
  upstream: string[];
  config?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `NAME=FILE`, repeatable: collects files by stream name. */
function collectNamedFile(value: string, previous: Readonly<Record<string, string>> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  const name = value.slice(0, eq);
  const file = value.slice(eq + 1);
  if (eq <= 0 || !NAME.test(name) || file === '') throw new InvalidArgumentError('expected NAME=FILE, where NAME is a stream of the pipeline, e.g. cam=clip.mp4');
  if (name in previous) throw new InvalidArgumentError(`"${name}" is given twice`);
  return { ...previous, [name]: file };
}

function parseFraction(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x >= 0 && x <= 1)) throw new InvalidArgumentError('expected a number from 0 to 1, e.g. 0.9');
  return x;
}

function parseNonNegative(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x >= 0) || !Number.isFinite(x)) throw new InvalidArgumentError('expected a number >= 0');
  return x;
}

function parseFps(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x > 0 && x <= 120)) throw new InvalidArgumentError('expected frames per second above 0 and at most 120, e.g. 5');
  return x;
}

/** Where cached answers live unless --cache-dir says: $OVS_CACHE_DIR, else the user's cache directory. */
function defaultCacheDir(env: CommandContext['io']['env']): string {
  if (env['OVS_CACHE_DIR']) return env['OVS_CACHE_DIR'];
  const base = env['XDG_CACHE_HOME'] || path.join(env['HOME'] || os.homedir(), '.cache');
  return path.join(base, 'ovs', 'responses');
}

export function registerTest(program: Command, ctx: CommandContext): void {
  program
    .command('test')
    .summary('backtest a pipeline on recorded video: precision, recall, delay and cost')
    .description(
      'Replay recorded clips through the whole pipeline (watches, triggers, escalations; sinks captured, not delivered) on a virtual clock driven by media time, as fast as the clips decode: the results are those a live run would have given on the same frames. With labels (the events that truly happen), score it per label: true and false positives, misses, precision, recall, detection delay, false alarms per hour; and say what it costs per model per hour of footage. Answers are cached on disk, so re-running an unchanged pipeline costs no model call. --vs replays a second pipeline over the same clips, side by side. See docs/testing.md.',
    )
    .argument('<pipeline>', 'the .ovs file')
    .option('--clip <NAME=FILE>', 'replay FILE as stream NAME (repeatable; every stream of the pipeline needs one)', collectNamedFile)
    .option('--labels <NAME=FILE>', "the labels of stream NAME's clip: JSON or text, see docs/testing.md (repeatable)", collectNamedFile)
    .option('--vs <file>', 'another .ovs pipeline to replay over the same clips and compare')
    .option('--speed <speed>', 'max (as fast as possible), 1x (real time: the live path) or Nx (N times real time)', 'max')
    .option('--fps <n>', "frames per second kept from the clips (default: what the pipeline looks at, at least 1)", parseFps)
    .option('--model <name=id>', 'remap a model for the replay, e.g. gemma=builtin/motion (repeatable)', collectModelMap)
    .option('--tolerance <seconds>', 'how long after a labeled end an alert still matches it (default: the labels file, else 1)', parseNonNegative)
    .option('--min-recall <x>', 'fail (exit 1) when the recall over every label is below x (0..1)', parseFraction)
    .option('--max-false-per-hour <y>', 'fail (exit 1) when there are more than y false alarms per hour of footage', parseNonNegative)
    .option(
      '--upstream <ID=MODEL@BASE_URL>',
      'route model ID to an OpenAI-compatible vision server, as ovs serve does (repeatable; keys go in --config)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('-c, --config <file>', "an ovs serve config file: its upstreams (and their keys) serve the replay's models")
    .option('--json', 'print the report as JSON')
    .option('--no-cache', 'call the models for every request (the response cache is on by default)')
    .option('--cache-dir <dir>', 'where cached answers are kept (default $OVS_CACHE_DIR, else $XDG_CACHE_HOME/ovs/responses, else ~/.cache/ovs/responses)')
    .addHelpText(
      'after',
      `
Examples:
  $ ovs test examples/motion-detect.ovs --clip cam=door.mp4 --labels cam=door.labels
  $ ovs test door.ovs --clip cam=door.mp4 --labels cam=door.json --vs cheaper.ovs
  $ ovs test door.ovs --clip cam=door.mp4 --labels cam=door.json --min-recall 0.9 --max-false-per-hour 2 --json

Exit status: 0 when the replay ran and every gate passed, 1 when a gate failed (the message says
which), the pipeline has errors, or a clip or labels file cannot be used; 2 for a usage error;
130 when a signal (Ctrl-C) stopped the replay early (the report then covers only what was
replayed, and says so).`,
    )
    .action(async (pipelinePath: string, flags: TestFlags) => {
      const fail = (message: string) => {
        ctx.io.stderr.write(`ovs test: ${message}\n`);
        ctx.exitCode = ExitCode.failure;
      };
      const replayLib = await import('@ovs/replay');
      const speed = replayLib.parseSpeed(flags.speed);
      if (!speed) return usage(ctx, `--speed ${flags.speed}: expected ${replayLib.SPEED_FORMS}`);
      const clips = flags.clip ?? {};
      if (Object.keys(clips).length === 0) return usage(ctx, 'give the clip to replay for each stream: --clip NAME=FILE');
      const unknownLabels = Object.keys(flags.labels ?? {}).filter((name) => !(name in clips));
      if (unknownLabels.length > 0) return usage(ctx, `--labels ${unknownLabels.join(', ')}: no --clip of that name (labels belong to a clip)`);

      if (flags.vs !== undefined && path.resolve(flags.vs) === path.resolve(pipelinePath)) {
        return usage(ctx, `--vs ${flags.vs} is the pipeline itself: give another pipeline to compare with`);
      }
      const pipelines: Array<{ file: string; ir: PipelineIr }> = [];
      for (const file of flags.vs === undefined ? [pipelinePath] : [pipelinePath, flags.vs]) {
        const loaded = await loadPipeline(file, ctx);
        if (!loaded) return;
        pipelines.push({ file, ir: loaded.ir });
      }
      // With --vs, the pipelines may watch different streams: each replays the clips of its own.
      const streamsOf = (ir: PipelineIr) => ir.nodes.flatMap((n) => (n.type === 'stream' ? [n.name] : []));
      const clipsOf = (ir: PipelineIr) => (pipelines.length === 1 ? clips : Object.fromEntries(Object.entries(clips).filter(([name]) => streamsOf(ir).includes(name))));
      const unclaimed = Object.keys(clips).filter((name) => !pipelines.some((p) => streamsOf(p.ir).includes(name)));
      if (pipelines.length > 1 && unclaimed.length > 0) {
        return fail(`clip ${unclaimed.join(', ')}: no pipeline has a stream of that name (${pipelines.map((p) => `${p.file}: ${streamsOf(p.ir).join(', ') || '(none)'}`).join('; ')})`);
      }
      try {
        // Every pipeline's streams and the clips match, before anything is replayed.
        for (const pipeline of pipelines) replayLib.checkClipNames(pipeline.ir, clipsOf(pipeline.ir));
      } catch (error) {
        if (error instanceof replayLib.ReplayError) return fail(error.message);
        throw error;
      }
      const modelMap = flags.model ?? {};
      const unused = Object.keys(modelMap).filter((name) => !pipelines.some((p) => p.ir.nodes.some((n) => n.type === 'model' && n.name === name)));
      if (unused.length > 0) return usage(ctx, `--model ${unused.join(', ')}: no pipeline uses a model of that name`);

      const labels: Record<string, Labels> = {};
      try {
        for (const [name, file] of Object.entries(flags.labels ?? {})) labels[name] = await replayLib.readLabels(file);
      } catch (error) {
        if (error instanceof replayLib.LabelsError) return fail(error.message);
        throw error;
      }

      const server = await import('@ovs/server');
      let upstreams: Record<string, UpstreamConfig>;
      try {
        const fromFile = flags.config ? await server.loadConfigFile(flags.config) : {};
        upstreams = { ...fromFile.upstreams, ...Object.fromEntries(flags.upstream.map((u) => server.parseUpstreamFlag(u))) };
      } catch (error) {
        if (error instanceof server.ConfigError) return fail(error.message);
        throw error;
      }

      if (flags.cacheDir?.trim() === '') return usage(ctx, '--cache-dir needs a directory (or leave it out for the default)');
      let cache: ResponseCache | undefined;
      try {
        cache = flags.cache ? await replayLib.openResponseCache(path.resolve(flags.cacheDir ?? defaultCacheDir(ctx.io.env))) : undefined;
      } catch (error) {
        if (error instanceof replayLib.ReplayError) return fail(error.message);
        throw error;
      }
      const abort = new AbortController();
      const stopListening = ctx.io.onStopSignal(() => abort.abort());
      const progress = !flags.json && ctx.io.stderr.isTTY === true;
      const reports: PipelineReport[] = [];
      try {
        for (const pipeline of pipelines) {
          if (abort.signal.aborted) break;
          const result = await replayLib.replay(pipeline.ir, {
            clips: clipsOf(pipeline.ir),
            modelMap: Object.fromEntries(Object.entries(modelMap).filter(([name]) => pipeline.ir.nodes.some((n) => n.type === 'model' && n.name === name))),
            speed: speed as Speed,
            ...(flags.fps === undefined ? {} : { fps: flags.fps }),
            ...(cache ? { cache } : {}),
            ...(Object.keys(upstreams).length > 0 ? { upstreams } : {}),
            signal: abort.signal,
            ...(progress ? { onStatus: (message: string) => ctx.io.stderr.write(`ovs test: ${pipeline.file}: ${message}\n`) } : {}),
          });
          reports.push(replayLib.buildReport(result, labels, flags.tolerance === undefined ? undefined : flags.tolerance * 1000));
        }
      } catch (error) {
        const runner = await import('@ovs/runner');
        if (error instanceof replayLib.ReplayError || error instanceof runner.RunError) return fail(error.message);
        throw error;
      } finally {
        stopListening();
      }

      // Stopped by a signal: the figures cover part of the footage, and no gate may pass on them.
      const interrupted = abort.signal.aborted;
      const gates = interrupted ? [] : replayLib.checkGates(reports[0]!, {
        ...(flags.minRecall === undefined ? {} : { minRecall: flags.minRecall }),
        ...(flags.maxFalsePerHour === undefined ? {} : { maxFalsePerHour: flags.maxFalsePerHour }),
      });
      const ok = !interrupted && gates.every((g) => g.ok);
      if (flags.json) ctx.io.stdout.write(`${JSON.stringify({ pipelines: reports, gates, interrupted, ok }, null, 2)}\n`);
      else if (reports.length > 0) ctx.io.stdout.write(replayLib.renderReport(reports, gates));
      for (const gate of gates.filter((g) => !g.ok)) ctx.io.stderr.write(`ovs test: gate failed: ${gate.message}\n`);
      if (interrupted) {
        const missing = pipelines.length - reports.length;
        ctx.io.stderr.write(`ovs test: interrupted: the report covers only what was replayed before the signal${missing > 0 ? ` (${pipelines.slice(-missing).map((p) => p.file).join(', ')} not replayed)` : ''}; the gates are not checked\n`);
        ctx.exitCode = ExitCode.interrupted;
      } else if (!ok) ctx.exitCode = ExitCode.failure;
    });
}

function usage(ctx: CommandContext, message: string): void {
  ctx.io.stderr.write(`ovs test: ${message}\n(run "ovs test --help" for usage)\n`);
  ctx.exitCode = ExitCode.usage;
}
