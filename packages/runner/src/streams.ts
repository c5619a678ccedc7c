/**
 * The run's streams on the backend: declared sources are created (`POST /streams` with the
 * source) and kept alive (a keepalive every third of the lease) until the run ends, then
 * deleted; declared ids are verified (`GET /streams/{id}`). Status is polled so the run knows
 * when a finite source has ended, and fetched on demand (concurrent requests for one stream share
 * one GET) to pin frames when the backend does not report them.
 */
import type { StreamSource } from '@ovs/protocol';
import type { StreamPlan } from './bindings.js';
import type { Clock, Timer } from './clock.js';
import { BackendError } from './backend/http-error.js';
import type { StreamsApi, LenientStatus } from './backend/streams-api.js';
import { describeError, RunError } from './errors.js';
import { redactUrl } from './redact.js';

/**
 * The shortest gap between two status polls across all streams (at most 50 a second). Polling
 * every stream each `pollMs` would make 3,000 streams cost 1,500 requests a second — more than
 * the model calls they exist for, and against the same per-key rate limit — so beyond
 * `pollMs / MIN_POLL_GAP_MS` streams (100 at the default 2 s) each stream is polled less often.
 */
export const MIN_POLL_GAP_MS = 20;

/**
 * Stream requests in flight at once while opening. All at once, 3,000 streams would open 3,000
 * connections (which then linger in the HTTP client's pool and slow every later call) and trip
 * the backend's rate limit.
 */
export const OPEN_CONCURRENCY = 32;

/** A stream with no (new) frame for this long is reported; then again after twice as long each time, at least every NO_FRAME_REPORT_MAX_MS. */
export const NO_FRAME_REPORT_MS = 10_000;
const NO_FRAME_REPORT_MAX_MS = 300_000;
/** A file source that failed this many attempts before its first frame is given up on: the file will not change. */
const FILE_SOURCE_ATTEMPTS = 2;

/** When a stream's newest frame last changed, and when its silence is next reported. */
interface FrameProgress {
  lastIndex: number | null;
  sinceMs: number;
  reportAfterMs: number;
}

type Ingest = NonNullable<LenientStatus['ingest']>;

function describeIngest(ingest: Ingest): string {
  const attempt = ingest.attempts ? `, attempt ${ingest.attempts}` : '';
  return ingest.last_error ? `${ingest.last_error} (${ingest.state}${attempt})` : `the source is ${ingest.state}${attempt}`;
}

export interface BoundStream {
  readonly name: string;
  readonly id: string;
  /** True when this run created it (and so deletes it at the end). */
  readonly created: boolean;
  readonly source?: StreamSource;
  state: 'active' | 'ended';
  /** The latest status fetched. */
  status?: LenientStatus;
  /** Why the run gave up on it (a source that never produced a frame); set before it is marked ended. */
  problem?: string;
}

export interface StreamManagerOptions {
  api: StreamsApi;
  /** Used for the deletes at the end: few retries, and not cancelled with the run's calls. */
  closeApi: StreamsApi;
  clock: Clock;
  /** How often to poll every stream's status for its end. */
  pollMs: number;
  onEnded(stream: BoundStream): void;
  onIssue(stream: BoundStream, message: string): void;
}

/** Stream-clock time of the newest frame, from status (ms since the first frame). */
export function newestFrameTimestamp(status: LenientStatus | undefined): number | null {
  if (!status) return null;
  const { last_frame_at_ms: last, first_frame_at_ms: first } = status;
  if (typeof last === 'number' && typeof first === 'number') return Math.max(0, last - first);
  return null;
}

export class StreamManager {
  readonly #byNode = new Map<string, BoundStream>();
  readonly #inflight = new Map<string, Promise<LenientStatus>>();
  readonly #fetchedAt = new Map<string, number>();
  readonly #timers: Timer[] = [];
  readonly #progress = new Map<BoundStream, FrameProgress>();
  #closed = false;

  constructor(private readonly options: StreamManagerOptions) {}

  /**
   * Creates and verifies every stream, OPEN_CONCURRENCY at a time; on the first failure stops,
   * deletes what it created and throws a RunError.
   */
  async open(plans: readonly StreamPlan[]): Promise<void> {
    let failure: { error: unknown } | undefined;
    let next = 0;
    const worker = async () => {
      while (failure === undefined && next < plans.length) {
        const plan = plans[next++]!;
        try {
          await this.#openOne(plan);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, plans.length) }, worker));
    if (failure) {
      await this.close();
      throw failure.error;
    }
  }

  async #openOne(plan: StreamPlan): Promise<void> {
    const name = plan.node.name;
    const { api } = this.options;
    if (plan.kind === 'id') {
      let status: LenientStatus;
      try {
        status = await api.get(plan.streamId);
      } catch (error) {
        if (error instanceof BackendError && error.status === 404) {
          throw new RunError('stream_not_found', `stream ${name}: the backend has no stream "${plan.streamId}" (it may have expired or been deleted); check the id, or bind ${name} to another stream or source`);
        }
        throw new RunError('stream_setup_failed', `stream ${name}: cannot check stream "${plan.streamId}": ${describeError(error)}`, { cause: error });
      }
      if (status.state === 'ended') {
        throw new RunError('stream_not_found', `stream ${name}: stream "${plan.streamId}" has ended; bind ${name} to a live stream or a source`);
      }
      const stream: BoundStream = { name, id: plan.streamId, created: false, state: 'active', status };
      this.#byNode.set(plan.node.id, stream);
      this.#watchProgress(stream);
      return;
    }
    let created;
    try {
      created = await api.create(plan.source);
    } catch (error) {
      throw new RunError('stream_setup_failed', `stream ${name}: the backend could not open the ${plan.source.type} source "${redactUrl(plan.source.url)}": ${describeError(error)}`, { cause: error });
    }
    const stream: BoundStream = { name, id: created.id, created: true, source: plan.source, state: 'active' };
    this.#byNode.set(plan.node.id, stream);
    this.#watchProgress(stream);
    if (this.#closed) return;
    const every = Math.max(1000, Math.floor((created.ttl_seconds * 1000) / 3));
    this.#repeat(every, () => this.#keepalive(stream));
  }

  /**
   * Starts watching every stream for its end: each every `pollMs` (longer with many streams, see
   * MIN_POLL_GAP_MS), their first polls spread evenly over that interval rather than all at once.
   */
  startPolling(): void {
    const streams = [...this.#byNode.values()];
    const every = Math.max(this.options.pollMs, streams.length * MIN_POLL_GAP_MS);
    streams.forEach((stream, i) => this.#repeat(every, () => this.#poll(stream), ((i + 1) * every) / streams.length));
  }

  get(nodeId: string): BoundStream {
    const stream = this.#byNode.get(nodeId);
    if (!stream) throw new Error(`stream node ${nodeId} is not bound`);
    return stream;
  }

  all(): BoundStream[] {
    return [...this.#byNode.values()];
  }

  /**
   * Status of one stream, at most `maxAgeMs` old (0: fetched now). Callers asking at the same
   * time share one request, so a thousand watches pinning frames of one stream cost one GET.
   */
  status(stream: BoundStream, maxAgeMs = 0): Promise<LenientStatus> {
    const fetched = this.#fetchedAt.get(stream.id);
    if (maxAgeMs > 0 && stream.status && fetched !== undefined && this.options.clock.now() - fetched <= maxAgeMs) {
      return Promise.resolve(stream.status);
    }
    let pending = this.#inflight.get(stream.id);
    if (!pending) {
      pending = this.options.api.get(stream.id).finally(() => this.#inflight.delete(stream.id));
      this.#inflight.set(stream.id, pending);
    }
    return pending.then((status) => {
      stream.status = status;
      this.#fetchedAt.set(stream.id, this.options.clock.now());
      this.#checkProgress(stream, status);
      if (status.state === 'ended') this.#markEnded(stream);
      return status;
    });
  }

  #watchProgress(stream: BoundStream): void {
    this.#progress.set(stream, { lastIndex: stream.status?.last_frame_index ?? null, sinceMs: this.options.clock.now(), reportAfterMs: NO_FRAME_REPORT_MS });
  }

  /**
   * Reports a stream that has given no frame yet, or (for a pulled source) no new frame, for a
   * while, with the backend's reason when it says one; gives up on a source that cannot produce
   * any (a file that failed twice, or a source that ended without a frame).
   */
  #checkProgress(stream: BoundStream, status: LenientStatus): void {
    const progress = this.#progress.get(stream);
    if (!progress || stream.state === 'ended') return;
    const now = this.options.clock.now();
    const index = status.last_frame_index ?? null;
    if (index !== null && index !== progress.lastIndex) {
      this.#progress.set(stream, { lastIndex: index, sinceMs: now, reportAfterMs: NO_FRAME_REPORT_MS });
      return;
    }
    const ingest = status.ingest ?? undefined;
    if (index === null && stream.source) {
      const source = `the ${stream.source.type} source "${redactUrl(stream.source.url)}"`;
      if (status.state === 'ended') {
        stream.problem = `${source} ended without producing a frame${ingest?.last_error ? `: ${ingest.last_error}` : ''}`;
        return;
      }
      if (stream.source.type === 'file' && ingest?.last_error && (ingest.attempts ?? 0) >= FILE_SOURCE_ATTEMPTS) {
        stream.problem = `${source} produced no frame: ${ingest.last_error}; is it a video file ffmpeg can read?`;
        this.#markEnded(stream);
        return;
      }
    }
    // A stream that ended is not silent, it is over. A pushed stream may pause at its pusher's
    // will; a pulled source (ingest telemetry) should not.
    if (status.state === 'ended' || (index !== null && !ingest)) return;
    const quietMs = now - progress.sinceMs;
    if (quietMs < progress.reportAfterMs) return;
    progress.reportAfterMs = Math.min(quietMs * 2, quietMs + NO_FRAME_REPORT_MAX_MS);
    const what = index === null ? `no frames yet after ${Math.round(quietMs / 1000)} s` : `no new frame for ${Math.round(quietMs / 1000)} s`;
    this.options.onIssue(stream, ingest ? `${what}: ${describeIngest(ingest)}` : what);
  }

  #repeat(everyMs: number, work: () => Promise<void>, firstMs = everyMs): void {
    const { clock } = this.options;
    let waitMs = firstMs;
    const loop = () => {
      if (this.#closed) return;
      const timer = clock.setTimeout(() => {
        this.#timers.splice(this.#timers.indexOf(timer), 1);
        void work().then(loop, loop);
      }, waitMs);
      waitMs = everyMs;
      this.#timers.push(timer);
    };
    loop();
  }

  async #keepalive(stream: BoundStream): Promise<void> {
    if (stream.state === 'ended') return;
    try {
      await this.options.api.keepalive(stream.id);
    } catch (error) {
      if (error instanceof BackendError && error.status === 404) this.#markEnded(stream);
      else this.options.onIssue(stream, `keepalive failed: ${describeError(error)}`);
    }
  }

  async #poll(stream: BoundStream): Promise<void> {
    if (stream.state === 'ended') return;
    try {
      await this.status(stream);
    } catch (error) {
      if (error instanceof BackendError && error.status === 404) this.#markEnded(stream);
      else this.options.onIssue(stream, `status check failed: ${describeError(error)}`);
    }
  }

  #markEnded(stream: BoundStream): void {
    if (stream.state === 'ended') return;
    stream.state = 'ended';
    this.options.onEnded(stream);
  }

  /** Stops keepalive and polling, and deletes the streams this run created (best effort). */
  async close(): Promise<string[]> {
    this.#closed = true;
    for (const timer of this.#timers.splice(0)) timer.cancel();
    const problems: string[] = [];
    await Promise.all(
      [...this.#byNode.values()]
        .filter((s) => s.created)
        .map(async (s) => {
          try {
            await this.options.closeApi.delete(s.id);
          } catch (error) {
            if (!(error instanceof BackendError && error.status === 404)) problems.push(`stream ${s.name} (${s.id}): delete failed: ${describeError(error)}`);
          }
        }),
    );
    return problems;
  }
}
