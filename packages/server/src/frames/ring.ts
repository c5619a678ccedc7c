/**
 * The retained frames of one stream, oldest first.
 *
 * Two clocks: `receivedAtMs` is the wall clock (Unix ms) when a frame arrived; `timestampMs`
 * is the stream clock, ms since the stream's first frame, never decreasing. Frames carry a
 * lifetime `index` (0-based, contiguous), so lookup by index is O(1) and lookup by stream time
 * is a binary search. Eviction only ever drops the oldest frame, which keeps indices contiguous.
 */
import type { StreamStatus } from '@ovs/protocol';
import type { BudgetMember, FrameBudget } from './budget.js';

export interface Frame {
  /** Lifetime index: 0 for the stream's first frame. */
  readonly index: number;
  /** Stream clock: ms since the first frame. */
  readonly timestampMs: number;
  /** Wall clock (Unix ms) when the frame arrived. */
  readonly receivedAtMs: number;
  readonly jpeg: Buffer;
  readonly width: number;
  readonly height: number;
}

export interface FrameInput {
  readonly jpeg: Buffer;
  readonly width: number;
  readonly height: number;
  /**
   * When the frame was captured, in ms on any clock that is consistent within the stream
   * (Unix ms from a camera, or a presentation timestamp). Without it, arrival time is used.
   */
  readonly captureTimestampMs?: number;
  /** Arrival wall clock; defaults to the ring's clock. */
  readonly receivedAtMs?: number;
}

export interface FrameRingOptions {
  /** Frames older than this (stream clock, behind the newest frame) are evicted. Default 600 s. */
  readonly retentionMs?: number;
  /** Cap on this stream's JPEG bytes. Default 256 MiB. */
  readonly maxBytes?: number;
  /** A cap shared with other streams. */
  readonly budget?: FrameBudget;
  /** Window over which `recentFps` counts frames. Default 2 s. */
  readonly fpsWindowMs?: number;
  /** Wall clock; injectable for tests. */
  readonly now?: () => number;
}

/** The frame telemetry fields of `GET /v1/streams/{id}`. */
export type RingStatus = Pick<
  StreamStatus,
  | 'stream_time_ms'
  | 'first_frame_at_ms'
  | 'last_frame_at_ms'
  | 'last_frame_index'
  | 'first_available_frame_at_ms'
  | 'first_available_frame_index'
  | 'recent_fps'
  | 'retained_frame_count'
  | 'evicted_frame_count'
>;

export const DEFAULT_RETENTION_MS = 600_000;
export const DEFAULT_STREAM_MAX_BYTES = 256 * 1024 * 1024;
const DEFAULT_FPS_WINDOW_MS = 2_000;
/** Below this many dead slots the array is not worth compacting. */
const COMPACT_MIN_HEAD = 1024;
const MAX_RECENT_ARRIVALS = 10_000;

export class FrameRing {
  readonly retentionMs: number;
  readonly maxBytes: number;
  private readonly fpsWindowMs: number;
  private readonly now: () => number;
  private readonly budget: FrameBudget | undefined;
  private readonly member: BudgetMember;

  /** Slots before `head` are evicted (cleared); retained frames are `slots[head..]`. */
  private slots: Array<Frame | undefined> = [];
  private head = 0;
  private retainedBytes = 0;
  private evicted = 0;
  private nextIndex = 0;
  private firstFrameAtMs: number | null = null;
  /** Stream-clock origins: stream time = clock reading - origin, per kind of clock. */
  private wallOrigin = 0;
  private captureOrigin: number | undefined;
  private disposed = false;
  /** Arrival times (wall clock) within the fps window, oldest first: fps is not tied to retention. */
  private recentArrivals: number[] = [];

  constructor(options: FrameRingOptions = {}) {
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_STREAM_MAX_BYTES;
    this.fpsWindowMs = options.fpsWindowMs ?? DEFAULT_FPS_WINDOW_MS;
    this.now = options.now ?? Date.now;
    if (!(this.retentionMs > 0)) throw new RangeError(`FrameRing: retentionMs must be > 0, got ${this.retentionMs}`);
    if (!(this.maxBytes > 0)) throw new RangeError(`FrameRing: maxBytes must be > 0, got ${this.maxBytes}`);
    this.budget = options.budget;
    this.member = {
      bytes: () => this.retainedBytes,
      frameCount: () => this.size,
      oldestReceivedAtMs: () => this.oldest?.receivedAtMs ?? Number.POSITIVE_INFINITY,
      evictOldest: () => this.evictOldest(),
    };
    this.budget?.join(this.member);
  }

  /** Number of retained frames. */
  get size(): number {
    return this.slots.length - this.head;
  }

  get bytes(): number {
    return this.retainedBytes;
  }

  get evictedCount(): number {
    return this.evicted;
  }

  get oldest(): Frame | undefined {
    return this.slots[this.head];
  }

  get newest(): Frame | undefined {
    return this.size === 0 ? undefined : this.slots[this.slots.length - 1];
  }

  /** The frame with this lifetime index, if retained. */
  get(index: number): Frame | undefined {
    const oldest = this.oldest;
    if (oldest === undefined || !Number.isInteger(index) || index < oldest.index) return undefined;
    return this.slots[this.head + (index - oldest.index)];
  }

  /** The first retained frame at or after stream time `t` (the earliest of equal timestamps). */
  firstAtOrAfter(t: number): Frame | undefined {
    return this.slots[this.lowerBound(t)];
  }

  /** The last retained frame at or before stream time `t` (the latest of equal timestamps). */
  lastAtOrBefore(t: number): Frame | undefined {
    const position = this.upperBound(t) - 1;
    return position >= this.head ? this.slots[position] : undefined;
  }

  /** Stream time at wall-clock `nowMs`: the newest frame's time plus the wall time since it arrived. */
  streamTimeAt(nowMs: number): number {
    const newest = this.newest;
    if (newest === undefined) return 0;
    return newest.timestampMs + Math.max(0, Math.round(nowMs - newest.receivedAtMs));
  }

  /** Frames that arrived per second over the last `fpsWindowMs`; falls to 0 when frames stop. */
  recentFps(nowMs: number = this.now()): number {
    if (this.firstFrameAtMs === null) return 0;
    const window = Math.min(this.fpsWindowMs, nowMs - this.firstFrameAtMs);
    if (window <= 0) return 0;
    const count = this.recentArrivals.filter((t) => t > nowMs - window && t <= nowMs).length;
    return Math.round((count / (window / 1000)) * 100) / 100;
  }

  push(input: FrameInput): Frame {
    if (this.disposed) throw new Error('FrameRing: push after dispose');
    const receivedAtMs = Math.round(input.receivedAtMs ?? this.now());
    const frame: Frame = {
      index: this.nextIndex,
      timestampMs: this.streamClock(input.captureTimestampMs, receivedAtMs),
      receivedAtMs,
      jpeg: ownBuffer(input.jpeg),
      width: input.width,
      height: input.height,
    };
    this.nextIndex += 1;
    this.firstFrameAtMs ??= receivedAtMs;
    this.slots.push(frame);
    this.noteArrival(receivedAtMs);
    this.retainedBytes += frame.jpeg.byteLength;
    this.budget?.added(frame.jpeg.byteLength);

    const horizon = frame.timestampMs - this.retentionMs;
    while (this.size > 1 && (this.oldest!.timestampMs < horizon || this.retainedBytes > this.maxBytes)) this.evictOldest();
    this.budget?.enforce();
    return frame;
  }

  /**
   * The `*_at_ms` fields are on one clock: the first frame's arrival plus stream time, so that
   * `last_frame_at_ms - first_frame_at_ms` is the newest frame's `timestamp_ms` (the seeds'
   * "ms since first_frame_at_ms") even when capture timestamps run apart from arrivals.
   */
  status(nowMs: number = this.now()): RingStatus {
    const oldest = this.oldest;
    const newest = this.newest;
    const first = this.firstFrameAtMs;
    return {
      stream_time_ms: this.streamTimeAt(nowMs),
      first_frame_at_ms: first,
      last_frame_at_ms: first !== null && newest !== undefined ? first + newest.timestampMs : null,
      last_frame_index: newest?.index ?? null,
      first_available_frame_at_ms: first !== null && oldest !== undefined ? first + oldest.timestampMs : null,
      first_available_frame_index: oldest?.index ?? null,
      recent_fps: this.recentFps(nowMs),
      retained_frame_count: this.size,
      evicted_frame_count: this.evicted,
    };
  }

  /** Drops every frame and leaves the shared budget; the ring accepts no more frames. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.budget?.released(this.retainedBytes);
    this.budget?.leave(this.member);
    this.slots = [];
    this.head = 0;
    this.retainedBytes = 0;
    this.recentArrivals = [];
  }

  /** Stream time of a new frame: from its capture clock when given, else from arrival; never decreasing. */
  private streamClock(captureTimestampMs: number | undefined, receivedAtMs: number): number {
    const capture = captureTimestampMs !== undefined && Number.isFinite(captureTimestampMs) ? captureTimestampMs : undefined;
    // The newest frame is never evicted, so an empty ring means this is the first frame.
    const previous = this.newest;
    if (previous === undefined) {
      this.wallOrigin = receivedAtMs;
      this.captureOrigin = capture;
      return 0;
    }
    let t: number;
    if (capture !== undefined) {
      // The first capture timestamp after arrival-clocked frames is aligned to the arrival clock.
      this.captureOrigin ??= capture - (receivedAtMs - this.wallOrigin);
      t = capture - this.captureOrigin;
    } else {
      t = receivedAtMs - this.wallOrigin;
    }
    return Math.max(previous.timestampMs, Math.round(t));
  }

  private noteArrival(receivedAtMs: number): void {
    let stale = this.recentArrivals.findIndex((t) => t > receivedAtMs - this.fpsWindowMs);
    if (stale === -1) stale = this.recentArrivals.length;
    // Bounded even if the wall clock stalls or steps back.
    stale = Math.max(stale, this.recentArrivals.length + 1 - MAX_RECENT_ARRIVALS);
    if (stale > 0) this.recentArrivals.splice(0, stale);
    this.recentArrivals.push(receivedAtMs);
  }

  private evictOldest(): void {
    const oldest = this.slots[this.head];
    if (oldest === undefined) return;
    this.slots[this.head] = undefined;
    this.head += 1;
    this.evicted += 1;
    this.retainedBytes -= oldest.jpeg.byteLength;
    this.budget?.released(oldest.jpeg.byteLength);
    // Amortised O(1): copy the live tail only once the dead prefix is as long as it.
    if (this.head >= COMPACT_MIN_HEAD && this.head * 2 >= this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
  }

  /** First slot position whose frame has timestampMs >= t (slots.length if none). */
  private lowerBound(t: number): number {
    let lo = this.head;
    let hi = this.slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.slots[mid]!.timestampMs < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First slot position whose frame has timestampMs > t (slots.length if none). */
  private upperBound(t: number): number {
    let lo = this.head;
    let hi = this.slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.slots[mid]!.timestampMs <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * A Buffer that owns its memory. Frames cut out of a larger pipe chunk (or from Node's small
 * buffer pool) would otherwise keep the whole chunk alive and make the byte caps lie.
 */
function ownBuffer(jpeg: Buffer): Buffer {
  if (jpeg.byteOffset === 0 && jpeg.byteLength === jpeg.buffer.byteLength) return jpeg;
  const copy = Buffer.allocUnsafeSlow(jpeg.byteLength); // unpooled: its own ArrayBuffer
  jpeg.copy(copy);
  return copy;
}
