/**
 * The replay: a pipeline run over recorded clips, with the results a live run would have given on
 * the same frames.
 *
 * An embedded server (in this process) ingests each clip as fast as ffmpeg decodes it, keeping
 * the frames the pipeline needs (`fps`), and shows each frame only once its clock — the runner's
 * VirtualClock — has reached the frame's media time. The driver moves that clock from one moment
 * the pipeline acts (a tick, a poll, an escalation's wait) to the next, and only when (1) no
 * request is in flight (the runner is idle: model latency takes no media time) and (2) every clip
 * is decoded up to that moment (or has ended). So at media time t a watch sees the frame a live
 * stream would have shown at t, an escalation waiting for frames after an event waits exactly
 * until they exist, and a source ends when its last frame has been shown.
 *
 * `1x` is the live path instead: the real clock, each clip played at its own rate.
 */
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PipelineIr } from '@ovs/ir';
import { indexGraph } from '@ovs/ir';
import { RealClock, run, VirtualClock, type EventRecord, type RunHandle, type RunIssue, type RunSummary } from '@ovs/runner';
import { ConfigError, createServer, probeClip, type OvsServer, type ReplayControl, type ResponseCache, type ResponseCacheStats, type UpstreamConfig } from '@ovs/server';
import { replayFps, type Speed } from './settings.js';

export interface ReplayOptions {
  /** Stream name -> clip file; every stream of the pipeline needs one. */
  readonly clips: Readonly<Record<string, string>>;
  /** Model name -> model id for this replay, e.g. `{ gemma: 'builtin/motion' }`. */
  readonly modelMap?: Readonly<Record<string, string>>;
  /** Default `max`. */
  readonly speed?: Speed;
  /** Frames per second kept from the clips; default `replayFps(ir)`. */
  readonly fps?: number;
  /**
   * OpenAI-compatible vision servers the replay's embedded server routes model ids to (as
   * `ovs serve --upstream` or its config file's `upstreams`); the builtin models are always there.
   */
  readonly upstreams?: Readonly<Record<string, UpstreamConfig>>;
  /** Answers seen before come from it (no model call); without it every call is made. */
  readonly cache?: ResponseCache;
  /** Relative clip paths are read against it (default the working directory). */
  readonly cwd?: string;
  /** Aborting stops the replay early (gracefully): the result covers what was replayed. */
  readonly signal?: AbortSignal;
  /** Progress for people: setup steps and the run's status lines. */
  readonly onStatus?: (message: string) => void;
  /** `1x`: how long (real time) to wait for the models to load before starting (default 120 s). */
  readonly modelReadyTimeoutMs?: number;
}

export interface ClipResult {
  readonly stream: string;
  readonly file: string;
  /** Media replayed: the clip's length (less when the replay was interrupted). */
  readonly durationMs: number;
  readonly frames: number;
  readonly width: number | null;
  readonly height: number | null;
  /** Clock time (ms) of the clip's first frame: stream time 0. */
  readonly originMs: number;
}

export interface ReplayResult {
  readonly ir: PipelineIr;
  /** The pipeline file, or `pipeline` for an IR without one. */
  readonly name: string;
  readonly speed: Speed;
  readonly fps: number;
  readonly clips: readonly ClipResult[];
  /** The longest clip: how much footage time the run covered. */
  readonly durationMs: number;
  /** Real time the whole replay took, server start and model loading included. */
  readonly wallMs: number;
  /** Stopped by `signal` before the clips ended: the results cover only what was replayed. */
  readonly interrupted: boolean;
  /** The last record of every event (its final status), in the order the events fired. */
  readonly events: readonly EventRecord[];
  /** Calls each watch made, by model name. */
  readonly watchCalls: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly summary: RunSummary;
  /** Problems the run survived (a failing model, an unreadable answer...). */
  readonly issues: readonly RunIssue[];
  /** This replay's response cache lookups by model id, or null without a cache. */
  readonly cache: Readonly<Record<string, ResponseCacheStats>> | null;
}

/** A replay that cannot start or go on; the message says what to fix. */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

const DAY_MS = 86_400_000;
/** How long checking that a clip has a decodable video frame may take. */
const PROBE_TIMEOUT_MS = 30_000;
const MODEL_POLL_MS = 50;

export async function replay(ir: PipelineIr, options: ReplayOptions): Promise<ReplayResult> {
  const started = performance.now();
  const speed = options.speed ?? { kind: 'max' };
  const fps = options.fps ?? replayFps(ir);
  if (!(fps > 0 && fps <= 120)) throw new ReplayError(`fps must be above 0 and at most 120 (got ${fps})`);
  const clips = await checkClips(ir, options.clips, path.resolve(options.cwd ?? process.cwd()), fps);
  const say = options.onStatus ?? (() => {});

  const live = speed.kind === 'live';
  const clock = live ? new RealClock() : new VirtualClock();
  let server: OvsServer;
  try {
    server = await createServer({
      host: '127.0.0.1',
      port: 0,
      mediaRoot: commonDirectory(clips.map((c) => c.file)),
      now: () => clock.now(),
      replay: !live,
      ingest: { maxFps: fps },
      // The replay decides when streams end; a lease must never end them meanwhile.
      leaseMs: DAY_MS,
      ...(options.upstreams ? { upstreams: { ...options.upstreams } } : {}),
      ...(options.cache ? { responseCache: options.cache } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new ReplayError(error.message);
    throw error;
  }
  const cacheBefore = options.cache?.stats();
  try {
    const streamIds: Record<string, string> = {};
    for (const clip of clips) {
      streamIds[clip.stream] = await createStream(server, clip.file, live ? 'realtime' : 'asap');
      say(`stream ${clip.stream}: ${path.basename(clip.file)} at ${fps} fps`);
    }
    // A replay's server waits for a model still loading within the call; the live path cannot.
    if (live) await modelsReady(server, usedModelIds(ir, options.modelMap ?? {}), options.modelReadyTimeoutMs ?? 120_000, say);

    const handle = run(ir, {
      backend: { url: `${server.url}/v1`, fetch: server.fetch },
      bindings: streamIds,
      modelMap: { ...options.modelMap },
      clock,
      stdout: false,
      captureSinks: true,
      env: {},
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const finals = new Map<string, EventRecord>();
    const watchCalls: Record<string, Record<string, number>> = {};
    const issues: RunIssue[] = [];
    handle.on('event', (record) => finals.set(record.id, record));
    handle.on('answer', (answer) => {
      const calls = (watchCalls[answer.watch] ??= {});
      calls[answer.modelName] = (calls[answer.modelName] ?? 0) + 1;
    });
    handle.on('error', (issue) => issues.push(issue));
    handle.on('status', (status) => say(status.message));

    await handle.ready;
    if (clock instanceof VirtualClock) {
      await drive(handle, clock, server.replay!, clips.map((c) => ({ name: c.stream, id: streamIds[c.stream]! })), speed);
    }
    const summary = await handle.done;
    const results = await Promise.all(clips.map((clip) => clipResult(server, clip, streamIds[clip.stream]!, fps)));
    const cacheAfter = options.cache?.stats();
    return {
      ir,
      name: ir.source?.file ?? 'pipeline',
      speed,
      fps,
      clips: results,
      durationMs: Math.max(0, ...results.map((c) => c.durationMs)),
      wallMs: performance.now() - started,
      interrupted: summary.reason === 'aborted',
      events: [...finals.values()],
      watchCalls,
      summary,
      issues,
      cache: cacheAfter ? statsSince(cacheBefore ?? {}, cacheAfter) : null,
    };
  } finally {
    await server.close();
  }
}

interface Clip {
  readonly stream: string;
  readonly file: string;
  /** The file's length, when ffprobe could tell. */
  readonly durationS: number | undefined;
}

/** Throws a ReplayError unless every stream of the pipeline has a clip and every clip names one of its streams. */
export function checkClipNames(ir: PipelineIr, clips: Readonly<Record<string, string>>): void {
  const streams = indexGraph(ir).streams.map((s) => s.name);
  const file = ir.source?.file ? `${ir.source.file}: ` : '';
  const unknown = Object.keys(clips).filter((name) => !streams.includes(name));
  if (unknown.length > 0) throw new ReplayError(`${file}clip ${unknown.join(', ')}: the pipeline has no stream of that name (its streams: ${streams.join(', ') || '(none)'})`);
  const missing = streams.filter((name) => clips[name] === undefined);
  if (missing.length > 0) throw new ReplayError(`${file}stream ${missing.join(', ')} has no clip to replay: give one for each stream (--clip ${missing[0]}=FILE)`);
}

/** Every stream has a clip, every clip names a stream, every clip is a video file with a frame to keep at `fps`. */
async function checkClips(ir: PipelineIr, given: Readonly<Record<string, string>>, cwd: string, fps: number): Promise<Clip[]> {
  checkClipNames(ir, given);
  const streams = indexGraph(ir).streams.map((s) => s.name);
  return Promise.all(
    streams.map(async (name) => {
      const file = path.resolve(cwd, given[name]!);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw new ReplayError(`clip ${name}: ${given[name]} ${info ? 'is not a file' : 'does not exist'}`);
      const facts = await probeClip('ffprobe', file);
      if (facts?.videoStreams === 0) throw new ReplayError(`clip ${name}: ${given[name]} has no video stream (only ${facts.format} audio or data): give a video file`);
      const problem = await firstFrameProblem(file);
      if (problem !== undefined) throw new ReplayError(`clip ${name} could not be decoded: ${problem}`);
      // With `fps` kept frames a second, the first is the last frame before 0.5 / fps.
      if (facts && facts.durationS * fps < 0.5) {
        throw new ReplayError(`clip ${name}: ${given[name]} lasts ${facts.durationS} s, too short to keep a frame at ${fps} fps: raise --fps to at least ${Math.ceil(0.5 / facts.durationS)}`);
      }
      return { stream: name, file: realpathSync(file), durationS: facts?.durationS };
    }),
  );
}

/** Why ffmpeg cannot decode a first video frame of `file`, or undefined when it can. */
function firstFrameProblem(file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-map', '0:v:0', '-frames:v', '1', '-f', 'null', '-'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'ffmpeg is not installed' : error.message);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const last = stderr.trim().split('\n').filter(Boolean).at(-1)?.replace(file, path.basename(file));
      if (signal) resolve(`ffmpeg found no video frame within ${PROBE_TIMEOUT_MS / 1000} s`);
      else resolve(code === 0 ? undefined : (last ?? `ffmpeg exited with code ${code}`));
    });
  });
}

/** The deepest directory holding every clip: the embedded server's media root. */
function commonDirectory(files: readonly string[]): string {
  let common = path.dirname(files[0]!);
  for (const file of files.slice(1)) {
    while (!file.startsWith(common.endsWith(path.sep) ? common : common + path.sep)) {
      const parent = path.dirname(common);
      if (parent === common) break;
      common = parent;
    }
  }
  return common;
}

async function createStream(server: OvsServer, file: string, pace: 'realtime' | 'asap'): Promise<string> {
  const response = await fetch(`${server.url}/v1/streams`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ source: { type: 'file', url: file, pace } }),
  });
  const body = (await response.json()) as { id?: string; detail?: unknown };
  if (response.status !== 201 || typeof body.id !== 'string') throw new ReplayError(`cannot open ${file}: ${JSON.stringify(body.detail ?? body)}`);
  return body.id;
}

/** The model ids the pipeline calls, after remapping. */
function usedModelIds(ir: PipelineIr, modelMap: Readonly<Record<string, string>>): string[] {
  return [...new Set(indexGraph(ir).models.map((m) => modelMap[m.name] ?? m.model))];
}

/**
 * Waits (real time) until every model the pipeline uses that the server serves is ready, so that
 * loading a model takes no media time. Ids the server does not serve are left to the runner,
 * which reports them before it starts.
 */
async function modelsReady(server: OvsServer, ids: readonly string[], timeoutMs: number, say: (message: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    const list = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: Array<{ id: string; status?: string }> };
    const waiting = list.data.filter((m) => ids.includes(m.id) && m.status !== 'ready').map((m) => m.id);
    if (waiting.length === 0) return;
    if (Date.now() > deadline) throw new ReplayError(`model ${waiting.join(', ')} did not become ready within ${timeoutMs / 1000} s`);
    if (!said) say(`waiting for ${waiting.join(', ')} to load`);
    said = true;
    await sleep(MODEL_POLL_MS);
  }
}

/**
 * Moves the virtual clock from one due timer to the next, each time once the run is idle and
 * every clip is decoded that far (or its decode-ahead buffer is full: then only up to the newest
 * decoded frame, which frees the buffer). `paced` never runs ahead of `factor` x real time.
 */
async function drive(handle: RunHandle, clock: VirtualClock, media: ReplayControl, streams: ReadonlyArray<{ name: string; id: string }>, speed: Speed): Promise<void> {
  const originMs = clock.now(); // the streams were created, and the run started, at this moment
  const wallStart = performance.now();
  let finished = false;
  const done = handle.done.then(
    () => void (finished = true),
    () => void (finished = true),
  );
  while (!finished) {
    await Promise.race([handle.idle(), done]);
    if (finished) break;
    const next = clock.nextTimerAt;
    if (next === undefined) {
      // Nothing scheduled: the run is finishing on its own (closing streams, the server).
      await Promise.race([done, sleep(1)]);
      continue;
    }
    let target = next;
    for (const stream of streams) {
      let reach: number;
      try {
        reach = await media.reach(stream.id, next - originMs);
      } catch (error) {
        void handle.stop({ graceMs: 0 });
        await Promise.race([done, sleep(10_000)]);
        throw new ReplayError(`clip ${stream.name} could not be decoded: ${(error as Error).message}`);
      }
      target = Math.min(target, originMs + reach);
    }
    if (speed.kind === 'paced') {
      const dueAt = wallStart + (target - originMs) / speed.factor;
      const wait = dueAt - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await clock.advanceTo(Math.max(target, clock.now()));
  }
}

async function clipResult(server: OvsServer, clip: Clip, streamId: string, fps: number): Promise<ClipResult> {
  const status = (await (await fetch(`${server.url}/v1/streams/${streamId}`)).json()) as {
    first_frame_at_ms?: number | null;
    last_frame_index?: number | null;
  };
  const first = status.first_frame_at_ms ?? null;
  if (first === null || status.last_frame_index == null) {
    // Stopped before its first frame was shown.
    return { stream: clip.stream, file: clip.file, durationMs: 0, frames: 0, width: null, height: null, originMs: 0 };
  }
  const resolved = await fetch(`${server.url}/v1/resolve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `ovs://streams/${streamId}?frame_index=-1` }),
  });
  const frame = resolved.ok ? ((await resolved.json()) as { frames: Array<{ width: number; height: number }> }).frames[0] : undefined;
  // Ingest keeps exactly `fps` frames a second of media (the live path stamps them on arrival, a
  // little off): the frames shown span this much, up to a frame interval past the file's end.
  const shownMs = Math.round(((status.last_frame_index + 1) * 1000) / fps);
  return {
    stream: clip.stream,
    file: clip.file,
    durationMs: clip.durationS === undefined ? shownMs : Math.min(shownMs, Math.round(clip.durationS * 1000)),
    frames: status.last_frame_index + 1,
    width: frame?.width ?? null,
    height: frame?.height ?? null,
    originMs: first,
  };
}

function statsSince(before: Record<string, ResponseCacheStats>, after: Record<string, ResponseCacheStats>): Record<string, ResponseCacheStats> {
  const result: Record<string, ResponseCacheStats> = {};
  for (const [model, now] of Object.entries(after)) {
    const then = before[model] ?? { hits: 0, misses: 0, unreadable: 0, writeErrors: 0 };
    const diff = { hits: now.hits - then.hits, misses: now.misses - then.misses, unreadable: now.unreadable - then.unreadable, writeErrors: now.writeErrors - then.writeErrors };
    if (diff.hits + diff.misses > 0) result[model] = diff;
  }
  return result;
}
