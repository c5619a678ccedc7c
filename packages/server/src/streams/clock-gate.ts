/**
 * Replay ingest (server option `replay`): a file pulled with `pace: "asap"` is decoded ahead as
 * fast as ffmpeg can, but each frame joins the stream only once the server's clock has reached
 * its media time. Stream time 0 (the clip's first frame) is the moment the stream was created,
 * so at clock time `origin + t` the stream holds exactly the frames of the clip's first `t` ms:
 * the newest frame, `offset_ms` anchors, status and the end of the source all follow the clock,
 * as on a live stream: the stream ends at the clock time of its last frame. A replay drives the
 * clock (a virtual one) and asks `reach()` how far it may move it, so that what the stream shows
 * at each moment never depends on how fast ffmpeg happens to decode.
 *
 * Frames wait in a bounded buffer: when it is full, ffmpeg is paused (it blocks on its pipe)
 * until the clock has released half of it.
 */
import type { FrameInput } from '../frames/index.js';
import type { IngestedFrame } from '../ingest/pulled-source.js';

export interface ClockGateOptions {
  /** Clock time (ms) of stream time 0: when the stream was created. */
  readonly originMs: number;
  readonly now: () => number;
  /** Bytes of decoded frames held ahead of the clock before ffmpeg is paused. */
  readonly maxBufferedBytes: number;
  /** Where released frames go (the stream's ring). */
  readonly addFrame: (frame: FrameInput) => void;
  /** Called once, when the source has ended and its last frame has been released. */
  readonly ended: () => void;
  readonly pause: () => void;
  readonly resume: () => void;
}

interface Waiting {
  readonly frame: IngestedFrame;
  readonly streamTimeMs: number;
}

/** Below this many released slots the buffer's array is not worth compacting. */
const COMPACT_AT = 1024;

export class ClockGate {
  #waiting: Waiting[] = [];
  #head = 0;
  #bytes = 0;
  #firstMediaMs: number | undefined;
  #decodedMs = Number.NEGATIVE_INFINITY;
  #sourceEnded = false;
  #endReported = false;
  #failure: string | undefined;
  #paused = false;
  #closed = false;
  #wakers: Array<() => void> = [];

  constructor(private readonly options: ClockGateOptions) {}

  /** A frame decoded by ffmpeg (media time required: `asap` pacing stamps it). */
  frame(frame: IngestedFrame): void {
    if (this.#closed) return;
    const media = frame.mediaTimeMs ?? 0;
    this.#firstMediaMs ??= media;
    // Never decreasing, as the ring's stream clock.
    const streamTimeMs = Math.max(this.#decodedMs, Math.round(media - this.#firstMediaMs));
    this.#decodedMs = streamTimeMs;
    this.#waiting.push({ frame, streamTimeMs });
    this.#bytes += frame.jpeg.byteLength;
    this.release();
    // One frame always stays free to wait: the newest must be followed by another (or the end)
    // before the clock may reach it (see `reach`).
    if (this.#bytes >= this.options.maxBufferedBytes && this.#waiting.length - this.#head > 1 && !this.#paused) {
      this.#paused = true;
      this.options.pause();
    }
    this.#wake();
  }

  /** The source played to its end: every frame it has is here. */
  sourceEnded(): void {
    this.#sourceEnded = true;
    this.release();
    this.#wake();
  }

  /** The source failed (ffmpeg could not read the file): a replay of it cannot go on. */
  sourceFailed(message: string): void {
    this.#failure ??= message;
    this.#wake();
  }

  /** Moves every frame the clock has reached into the stream; ends the stream after the last one. */
  release(): void {
    if (this.#closed) return;
    const visibleMs = this.options.now() - this.options.originMs;
    while (this.#head < this.#waiting.length && this.#waiting[this.#head]!.streamTimeMs <= visibleMs) {
      const { frame, streamTimeMs } = this.#waiting[this.#head]!;
      this.#waiting[this.#head] = undefined as unknown as Waiting;
      this.#head += 1;
      this.#bytes -= frame.jpeg.byteLength;
      this.options.addFrame({
        jpeg: frame.jpeg,
        width: frame.width,
        height: frame.height,
        captureTimestampMs: frame.mediaTimeMs,
        // Arrival on the clock exactly at the frame's time: status and "now" follow the clock.
        receivedAtMs: this.options.originMs + streamTimeMs,
      });
    }
    if (this.#head >= COMPACT_AT && this.#head * 2 >= this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    if (this.#paused && this.#bytes <= this.options.maxBufferedBytes / 2) {
      this.#paused = false;
      this.options.resume();
    }
    if (this.#sourceEnded && this.#head === this.#waiting.length && !this.#endReported) {
      this.#endReported = true;
      this.options.ended();
    }
  }

  /**
   * How far a replay may move the clock for this stream, in stream time: every frame up to there
   * has been decoded, and whether the stream ends there is known — so up to just before the newest
   * decoded frame, or anywhere once the source has ended (Infinity). Resolves once that reaches
   * `streamTimeMs`, or earlier when the buffer is full (move the clock there first: it frees the
   * buffer). Rejects when the source failed.
   */
  async reach(streamTimeMs: number): Promise<number> {
    for (;;) {
      this.release();
      if (this.#failure !== undefined) throw new Error(this.#failure);
      if (this.#sourceEnded || this.#closed) return Number.POSITIVE_INFINITY;
      const known = this.#decodedMs - 1;
      if (known >= streamTimeMs || this.#paused) return known;
      await new Promise<void>((resolve) => this.#wakers.push(resolve));
    }
  }

  /** The stream ended another way (deleted, expired): frames still waiting are dropped. */
  close(): void {
    this.#closed = true;
    this.#waiting = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#wake();
  }

  #wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }
}
