/** `ovs run FILE`: run a pipeline against a backend (the embedded server by default). */
import { InvalidArgumentError, type Command } from 'commander';
import type { PipelineIr } from '@ovs/ir';
import type { RunHandle, RunMetrics, RunSummary } from '@ovs/runner';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../context.js';
import { loadPipeline } from '../load.js';
import { collectModelMap, collectStreamBinding, parseDurationOption } from '../options.js';
import { StatusBoard } from '../status-board.js';

interface RunFlags {
  stream?: Record<string, string>;
  model?: Record<string, string>;
  backend?: string;
  for?: number;
  events?: string;
  json?: boolean;
}

/** How often the live status is redrawn on a terminal. */
const STATUS_EVERY_MS = 500;

/** The event log when --events is not given, in the working directory. */
export const DEFAULT_EVENTS_FILE = 'ovs-events.jsonl';

/** --backend must be an http(s) URL: anything else is a usage error, before anything runs. */
function parseBackendUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL; expected a base URL like http://127.0.0.1:8080/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`expected an http(s) URL like http://127.0.0.1:8080/v1, got ${url.protocol} URL`);
  return value;
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function registerRun(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .summary('run a pipeline against live streams (the embedded server by default)')
    .description(
      'Run a .ovs pipeline: every watch calls its models on time within the limits, triggers fire, escalations confirm over pinned windows of past frames, and events go to the event log, standard output and the sinks. The backend is --backend (or OVS_BACKEND), else the hosted service when OVERSHOOT_API_KEY or OVS_API_KEY is set, else the server embedded in this process, which needs nothing else running. Ends by itself when every finite source has ended, after --for, or on SIGINT/SIGTERM (calls in flight get a grace period, sinks are flushed, created streams deleted; a second signal cuts the grace short).',
    )
    .argument('<file>', 'the .ovs file')
    .option(
      '--stream <name=value>',
      'bind a stream parameter: a stream id, ovs://streams/<id>, file:PATH, rtsp://..., https://...m3u8 or http(s)://... MJPEG (repeatable)',
      collectStreamBinding,
    )
    .option('--model <name=id>', 'remap a model for this run, e.g. gemma=builtin/motion (repeatable)', collectModelMap)
    .option('--backend <url>', 'an Overshoot-compatible API base URL, e.g. http://127.0.0.1:8080/v1 (key from OVS_API_KEY)', parseBackendUrl)
    .option('--for <duration>', 'stop after this long, e.g. 60s or 5m', parseDurationOption)
    .option('--events <file>', `append every event record to this JSONL file (written before any sink sees the event; default ${DEFAULT_EVENTS_FILE} in the working directory)`)
    .option('--json', 'events as JSON lines on stdout; status and the summary as JSON lines on stderr')
    .addHelpText(
      'after',
      `
Examples:
  $ ovs run examples/oneliner.ovs --stream A=file:clip.mp4 --model gemma=builtin/motion --model qwen=builtin/detect
  $ ovs run fall.ovs --stream A=rtsp://127.0.0.1:8554/cam --for 10m --events fall.jsonl
  $ OVS_API_KEY=... ovs run door.ovs --backend https://api.overshoot.ai/v1

Exit status: 0 when the run ends (sources ended, --for elapsed, or stopped by a signal), 1 when the
file has errors or the run cannot start (the message says what to fix), 2 for a usage error, 130
when a second signal cut the stop short.`,
    )
    .action(async (path: string, flags: RunFlags) => {
      const loaded = await loadPipeline(path, ctx);
      if (!loaded) return;
      const runner = await import('@ovs/runner');
      const terminal = !flags.json && ctx.io.stderr.isTTY === true && ctx.io.stdout.isTTY === true;
      const board = terminal ? new StatusBoard(ctx.io.stderr) : undefined;
      const log = (kind: string, message: string, data?: object) =>
        ctx.io.stderr.write(flags.json ? `${JSON.stringify({ type: kind, message, ...data })}\n` : `ovs run: ${message}\n`);
      let handle: RunHandle;
      try {
        handle = runner.run(loaded.ir, {
          bindings: flags.stream ?? {},
          modelMap: flags.model ?? {},
          ...(flags.backend === undefined ? {} : { backend: { url: flags.backend } }),
          ...(flags.for === undefined ? {} : { duration: flags.for }),
          eventsFile: flags.events ?? DEFAULT_EVENTS_FILE,
          stdout: { write: (line: string) => (board ? board.print(ctx.io.stdout, line) : ctx.io.stdout.write(line)) },
          stdoutFormat: flags.json ? 'json' : 'text',
          env: ctx.io.env,
        });
      } catch (error) {
        return cannotRun(error, runner.RunError, ctx, log);
      }
      handle.on('status', (s) => (board ? board.print(ctx.io.stderr, `ovs run: ${s.message}\n`) : log('status', s.message, { kind: s.kind })));
      handle.on('error', (issue) => (board ? board.print(ctx.io.stderr, `ovs run: ${issue.message}\n`) : log('issue', issue.message, { scope: issue.scope })));

      let signals = 0;
      const stopListening = ctx.io.onStopSignal((signal) => {
        signals += 1;
        if (signals === 1) {
          log('status', `${signal}: stopping (calls in flight may finish; ${signal} again to cut that short)`);
          void handle.stop().catch(() => {});
        } else {
          stopListening();
          log('status', `${signal} again: cancelling what is still in flight`);
          void handle.stop({ graceMs: 0 }).catch(() => {});
        }
      });
      const redraw = board ? setInterval(() => board.draw(statusLines(handle.metrics(), loaded.ir)), STATUS_EVERY_MS) : undefined;
      try {
        await handle.ready;
        const summary = await handle.done;
        board?.clear();
        if (flags.json) log('summary', `run ${summary.reason}`, { summary });
        else ctx.io.stderr.write(summaryText(summary));
        if (signals > 1) ctx.exitCode = ExitCode.interrupted;
      } catch (error) {
        board?.clear();
        cannotRun(error, runner.RunError, ctx, log);
      } finally {
        if (redraw) clearInterval(redraw);
        stopListening();
      }
    });
}

/** A run that could not start: the runner's message says what to fix; anything else is a bug. */
function cannotRun(error: unknown, RunError: abstract new (...args: never[]) => Error, ctx: CommandContext, log: (kind: string, message: string) => void): void {
  if (!(error instanceof RunError)) throw error;
  log('error', error.message);
  ctx.exitCode = ExitCode.failure;
}

/** One line per watch: where it is, what it has done, what it last heard. */
export function statusLines(metrics: RunMetrics, ir: PipelineIr): string[] {
  const lines = Object.values(metrics.watches).map((w) => {
    const loc = ir.nodes.find((n) => n.id === w.id)?.loc;
    const last = w.lastAnswer
      ? Object.entries(w.lastAnswer.present)
          .map(([label, c]) => `${label}${c === null ? '' : ` ${c.toFixed(2)}`}`)
          .join(', ') || 'nothing'
      : '-';
    return [
      `${w.id}${loc ? ` (line ${loc.line})` : ''} ${w.streams.join(', ')}`,
      `ticks ${w.ticks}`,
      `skipped ${w.skipped}`,
      w.inFlight ? 'in flight' : 'idle',
      `last: ${last}`,
      `tokens ${w.tokens}`,
      `events ${w.events}`,
      ...(w.lastError ? [`error: ${w.lastError}`] : []),
    ].join('  ');
  });
  const e = metrics.events;
  lines.push(`events: ${e.fired} fired, ${e.confirmed} confirmed, ${e.rejected} rejected  calls in flight ${metrics.callsInFlight}, queued ${metrics.callsQueued}`);
  return lines;
}

/** What the run did, for people, after it ends. */
export function summaryText(summary: RunSummary): string {
  const reason = { stopped: 'stopped', duration: 'ran for the time asked', ended: 'every source ended', aborted: 'aborted' }[summary.reason];
  const e = summary.events;
  const models = Object.values(summary.metrics.models)
    .map((m) => `  ${m.name} (${m.model}): ${count(m.calls, 'call')}, ${m.failures} failed, ${count(m.tokens, 'token')}, p50 ${Math.round(m.latencyMs.p50)} ms`)
    .join('\n');
  // What a watch did not do, when it matters: one short line per watch.
  const watches = Object.values(summary.metrics.watches).flatMap((w) => {
    const parts = [
      w.skipped ? `${count(w.skipped, 'tick')} skipped (the previous one still in flight)` : '',
      w.noFrames ? `${count(w.noFrames, 'call')} with no frame yet` : '',
      w.cancelled ? `${count(w.cancelled, 'call')} cancelled at stop` : '',
      w.outside ? `${count(w.outside, 'tick')} outside its between span` : '',
    ].filter(Boolean);
    return parts.length > 0 ? [`  ${w.id}: ${parts.join(', ')}`] : [];
  });
  const lines = [
    `ovs run: done after ${(summary.durationMs / 1000).toFixed(1)} s (${reason}): ${e.fired} fired, ${e.confirmed} confirmed, ${e.rejected} rejected, ${e.failed} failed`,
    ...(models ? [models] : []),
    ...watches,
    ...(summary.eventsFile ? [`  event log: ${summary.eventsFile}`] : []),
    ...(summary.deadLettered > 0 ? [`  ${count(summary.deadLettered, 'delivery', 'deliveries')} dead-lettered to ${summary.deadLetterFile}`] : []),
    ...(summary.undelivered > 0 ? [`  ${count(summary.undelivered, 'delivery', 'deliveries')} could not be made nor dead-lettered`] : []),
    ...summary.problems.map((p) => `  problem: ${p}`),
  ];
  return `${lines.join('\n')}\n`;
}
