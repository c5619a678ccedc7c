/**
 * A replayed file decoded as several segments at once (see segments.ts), one ffmpeg each, its
 * frames delivered in order as if one ffmpeg had decoded the whole file: the first unfinished
 * segment's frames go straight on; later segments' frames wait in memory (their ffmpeg paused
 * when too many bytes wait) until every segment before them has ended.
 *
 * A segment decodes the file continuously from where it starts, so every slot it gives is right;
 * the next one is right from a moment after its first frame (its keyframe) on. So a segment goes
 * on past its own last slot until the next one has shown where it starts, and stops once past
 * both; the next one's frames are then delivered from the slot after the last one delivered.
 * A failing segment fails the source: a replay does not retry.
 */
import type { Logger } from 'pino';
import { ffmpegArgs, type IngestOutput } from './ffmpeg-args.js';
import { describeExit, FfmpegRun, type FfmpegExit } from './ffmpeg-process.js';
import { readJpegSize } from './jpeg.js';
import type { FrameSource, IngestedFrame, PulledSourceState, PulledSourceStatus } from './pulled-source.js';
import type { PlannedSegment } from './segments.js';
import type { IngestSource } from './source-spec.js';

export interface SegmentedFileOptions {
  /** A file with `asap` pacing. */
  readonly source: IngestSource;
  readonly output: IngestOutput;
  readonly segments: readonly PlannedSegment[];
  readonly ffmpegPath: string;
  readonly stopGraceMs: number;
  /** Bytes of frames a segment not yet being delivered may hold before its ffmpeg is paused. */
  readonly maxWaitingBytes: number;
  readonly logger: Logger;
  readonly onFrame: (frame: IngestedFrame) => void;
  readonly onEnd: (reason: 'source_ended') => void;
  readonly onFailure: (message: string) => void;
}

interface SegmentRun {
  readonly segment: PlannedSegment;
  readonly run: FfmpegRun;
  readonly waiting: IngestedFrame[];
  waitingBytes: number;
  /** Frames kept (up to the segment's last slot). */
  frames: number;
  /** The slot of its first frame and of its latest one (undefined before any). */
  firstSeenSlot: number | undefined;
  lastSeenSlot: number | undefined;
  /** It gave a frame past its limit (see #limitOf): it was stopped, its part complete. */
  complete: boolean;
  exit: FfmpegExit | undefined;
}

/**
 * How long after a segment's first frame it is trusted: frames shown before its keyframe (open
 * GOPs) reference pictures it never decoded.
 */
const SETTLE_S = 1;

export class SegmentedFile implements FrameSource {
  #runs: SegmentRun[] = [];
  /** The segment being delivered: every one before it has ended and been delivered. */
  #head = 0;
  /** Paused by the consumer (the clock gate's buffer is full). */
  #paused = false;
  /** The slot of the last frame delivered (segments overlap: the next one goes on from here). */
  #lastSlot = Number.NEGATIVE_INFINITY;
  #state: PulledSourceState = 'connecting';
  #lastError: string | null = null;
  #delivering = false;

  constructor(private readonly options: SegmentedFileOptions) {}

  start(): void {
    const { source, output, ffmpegPath, segments } = this.options;
    if (segments.length > 1) this.options.logger.info({ segments: segments.length }, 'decoding the file in parallel segments');
    this.#runs = segments.map((segment) => {
      const entry: SegmentRun = {
        segment,
        run: new FfmpegRun({
          ffmpegPath,
          args: ffmpegArgs(source, output, segment),
          withMediaTime: true,
          onFrame: (jpeg, mediaTimeMs) => this.#frame(entry, jpeg, mediaTimeMs),
        }),
        waiting: [],
        waitingBytes: 0,
        frames: 0,
        firstSeenSlot: undefined,
        lastSeenSlot: undefined,
        complete: false,
        exit: undefined,
      };
      void entry.run.exited.then((exit) => {
        entry.exit = exit;
        this.#deliver();
      });
      return entry;
    });
  }

  status(): PulledSourceStatus {
    const { source } = this.options;
    return { type: source.type, url: source.location, state: this.#state, loop: false, pace: source.pace, attempts: 1, last_error: this.#lastError, next_retry_at_ms: null };
  }

  pause(): void {
    this.#paused = true;
    this.#runs[this.#head]?.run.pause();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#deliver();
  }

  async stop(): Promise<void> {
    if (this.#state !== 'ended') this.#state = 'stopped';
    await Promise.all(this.#runs.map((r) => r.run.stop(this.options.stopGraceMs)));
  }

  get #finished(): boolean {
    return this.#state === 'stopped' || this.#state === 'ended';
  }

  #frame(entry: SegmentRun, jpeg: Buffer, mediaTimeMs: number | undefined): void {
    if (this.#finished || entry.complete) return;
    const size = readJpegSize(jpeg);
    if (!size || mediaTimeMs === undefined) return; // not a usable frame; skip it, as PulledSource does
    const slot = this.#slotOf(mediaTimeMs);
    const first = entry.firstSeenSlot === undefined;
    entry.firstSeenSlot ??= slot;
    entry.lastSeenSlot = slot;
    if (slot > this.#limitOf(entry)) return this.#complete(entry);
    entry.frames += 1;
    this.#state = 'streaming';
    entry.waiting.push({ jpeg, width: size.width, height: size.height, mediaTimeMs });
    entry.waitingBytes += jpeg.byteLength;
    // Where this segment starts sets the limit of those before it.
    if (first) for (const earlier of this.#runs.slice(0, this.#runs.indexOf(entry))) this.#enforceLimit(earlier);
    if (entry === this.#runs[this.#head]) this.#deliver();
    else if (entry.waitingBytes > this.options.maxWaitingBytes) entry.run.pause();
  }

  /**
   * The last slot a segment gives: its own last one, or later when the next segment (the first
   * later one with a frame) is trusted only from a later slot; unbounded while that is unknown.
   */
  #limitOf(entry: SegmentRun): number {
    const fps = this.options.output.maxFps;
    if (fps === undefined) return Number.POSITIVE_INFINITY;
    for (const later of this.#runs.slice(this.#runs.indexOf(entry) + 1)) {
      if (later.firstSeenSlot !== undefined) return Math.max(entry.segment.lastSlot, later.firstSeenSlot + Math.ceil(SETTLE_S * fps) - 1);
      if (later.exit === undefined) return Number.POSITIVE_INFINITY;
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Drops what a running segment holds past its limit, and stops it once it has gone past. */
  #enforceLimit(entry: SegmentRun): void {
    if (entry.complete || entry.exit !== undefined) return;
    const limit = this.#limitOf(entry);
    const kept = entry.waiting.filter((f) => this.#slotOf(f.mediaTimeMs!) <= limit);
    for (const dropped of entry.waiting.slice(kept.length)) entry.waitingBytes -= dropped.jpeg.byteLength;
    entry.waiting.splice(kept.length);
    if (entry.lastSeenSlot !== undefined && entry.lastSeenSlot > limit) this.#complete(entry);
  }

  /** Slots come in order: a segment past its limit has given every slot it is for. */
  #complete(entry: SegmentRun): void {
    entry.complete = true;
    void entry.run.stop(this.options.stopGraceMs);
  }

  /** A frame's slot: its time in frame intervals at the output rate (one slot without a rate: the file is decoded whole). */
  #slotOf(mediaTimeMs: number): number {
    const fps = this.options.output.maxFps;
    return fps === undefined ? Number.NEGATIVE_INFINITY : Math.round((mediaTimeMs * fps) / 1000);
  }

  /** Delivers what the head segment has, moving on past segments that ended, until paused or out of frames. */
  #deliver(): void {
    if (this.#delivering || this.#finished) return; // the consumer may pause (or stop) from inside onFrame
    this.#delivering = true;
    try {
      for (;;) {
        const head = this.#runs[this.#head];
        if (!head) return this.#ended();
        while (head.waiting.length > 0 && !this.#paused && !this.#finished) {
          const frame = head.waiting.shift()!;
          head.waitingBytes -= frame.jpeg.byteLength;
          const slot = this.#slotOf(frame.mediaTimeMs!);
          // Slots the segment before already delivered (it decoded up to them, from earlier frames).
          if (slot <= this.#lastSlot && slot !== Number.NEGATIVE_INFINITY) continue;
          this.#lastSlot = slot;
          this.options.onFrame(frame);
        }
        if (this.#paused || this.#finished) return head.run.pause();
        head.run.resume();
        if (head.exit === undefined) return;
        if (head.exit.code !== 0 && !head.complete) return this.#fail(head.run, head.exit, head.frames);
        this.#head += 1;
      }
    } finally {
      this.#delivering = false;
    }
  }

  #ended(): void {
    if (this.#runs.every((r) => r.frames === 0)) {
      const last = this.#runs.at(-1)!;
      return this.#fail(last.run, last.exit!, 0);
    }
    this.#state = 'ended';
    this.options.onEnd('source_ended');
  }

  #fail(run: FfmpegRun, exit: FfmpegExit, frames: number): void {
    this.#lastError = describeExit(run, exit, frames);
    this.#state = 'stopped';
    this.options.logger.warn({ source: this.options.source.location, error: this.#lastError }, 'replayed file failed');
    this.options.onFailure(this.#lastError);
    void Promise.all(this.#runs.map((r) => r.run.stop(this.options.stopGraceMs)));
  }
}
