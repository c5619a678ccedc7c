import type { Logger } from 'pino';
import { ffmpegArgs, type IngestOutput } from './ffmpeg-args.js';
import { describeExit, FfmpegRun, type FfmpegExit } from './ffmpeg-process.js';
import { readJpegSize } from './jpeg.js';
import { redactUrl, type IngestSource } from './source-spec.js';

export interface IngestedFrame {
  readonly jpeg: Buffer;
  readonly width: number;
  readonly height: number;
  /** Media time of the frame with `asap` pacing; undefined with `realtime` (stamp on arrival). */
  readonly mediaTimeMs: number | undefined;
}

export interface PulledSourceOptions {
  readonly source: IngestSource;
  readonly output: IngestOutput;
  readonly ffmpegPath: string;
  /** Reconnect delays: the first retry waits `minMs`, doubling up to `maxMs`. */
  readonly backoff: { readonly minMs: number; readonly maxMs: number };
  /** A connected source that delivers no frame for this long is restarted. */
  readonly stallTimeoutMs: number;
  /** How long ffmpeg gets to quit after SIGTERM before SIGKILL. */
  readonly stopGraceMs: number;
  readonly now: () => number;
  readonly logger: Logger;
  readonly onFrame: (frame: IngestedFrame) => void;
  /** The source finished for good (a file played to its end without `loop`). */
  readonly onEnd: (reason: 'source_ended') => void;
}

/** What a stream needs of the thing feeding it frames (a PulledSource, or a SegmentedFile for replays). */
export interface FrameSource {
  start(): void;
  /** Stops for good; resolves once no ffmpeg child of this source is left. */
  stop(): Promise<void>;
  /** Stops delivering frames until `resume()` (ffmpeg blocks once its pipe is full). */
  pause(): void;
  resume(): void;
  status(): PulledSourceStatus;
}

export type PulledSourceState = 'connecting' | 'streaming' | 'retrying' | 'ended' | 'stopped';

export interface PulledSourceStatus {
  readonly type: IngestSource['type'];
  readonly url: string;
  readonly state: PulledSourceState;
  readonly loop: boolean;
  readonly pace: IngestSource['pace'];
  /** Connection attempts so far (the first one included). */
  readonly attempts: number;
  readonly last_error: string | null;
  readonly next_retry_at_ms: number | null;
}

/**
 * Pulls one source through ffmpeg for the life of a stream: restarts ffmpeg with exponential
 * backoff when the source cannot be opened, drops or stalls, and ends the stream when a
 * non-looping file reaches its end. At most one ffmpeg child exists at a time.
 */
export class PulledSource implements FrameSource {
  private state: PulledSourceState = 'connecting';
  private run: FfmpegRun | undefined;
  private attempts = 0;
  private failuresInARow = 0;
  private lastError: string | null = null;
  private nextRetryAt: number | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private framesThisRun = 0;
  private stalled = false;
  private paused = false;

  constructor(private readonly options: PulledSourceOptions) {}

  start(): void {
    this.connect();
  }

  status(): PulledSourceStatus {
    const { source } = this.options;
    return {
      type: source.type,
      url: source.type === 'file' ? source.location : redactUrl(source.location),
      state: this.state,
      loop: source.loop,
      pace: source.pace,
      attempts: this.attempts,
      last_error: this.lastError,
      next_retry_at_ms: this.nextRetryAt,
    };
  }

  /** The running ffmpeg child's pid, if one is running. */
  get pid(): number | undefined {
    return this.run?.pid;
  }

  /** Stops reading frames until `resume()` (ffmpeg blocks once its pipe is full); a pause is not a stall. */
  pause(): void {
    this.paused = true;
    clearTimeout(this.stallTimer);
    this.run?.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.run) return;
    this.run.resume();
    this.armStallTimer(this.run);
  }

  /** Stops for good; resolves once no ffmpeg child of this source is left. */
  async stop(): Promise<void> {
    if (this.state !== 'ended') this.state = 'stopped';
    this.nextRetryAt = null;
    clearTimeout(this.retryTimer);
    clearTimeout(this.stallTimer);
    await this.run?.stop(this.options.stopGraceMs);
  }

  private get finished(): boolean {
    return this.state === 'stopped' || this.state === 'ended';
  }

  private connect(): void {
    if (this.finished) return;
    this.state = 'connecting';
    this.nextRetryAt = null;
    this.attempts += 1;
    this.framesThisRun = 0;
    this.stalled = false;
    const { source, output } = this.options;
    const run = new FfmpegRun({
      ffmpegPath: this.options.ffmpegPath,
      args: ffmpegArgs(source, output),
      withMediaTime: source.pace === 'asap',
      onFrame: (jpeg, mediaTimeMs) => this.frame(run, jpeg, mediaTimeMs),
    });
    this.run = run;
    if (this.paused) run.pause();
    this.armStallTimer(run);
    void run.exited.then((exit) => this.exited(run, exit));
  }

  private frame(run: FfmpegRun, jpeg: Buffer, mediaTimeMs: number | undefined): void {
    if (this.run !== run || this.finished) return;
    const size = readJpegSize(jpeg);
    if (!size) return; // ffmpeg wrote something that is not a usable JPEG; skip it
    if (this.framesThisRun === 0) {
      this.state = 'streaming';
      this.failuresInARow = 0;
      this.lastError = null;
    }
    this.framesThisRun += 1;
    this.armStallTimer(run);
    this.options.onFrame({ jpeg, width: size.width, height: size.height, mediaTimeMs });
  }

  private armStallTimer(run: FfmpegRun): void {
    clearTimeout(this.stallTimer);
    if (this.paused) return;
    this.stallTimer = setTimeout(() => {
      if (this.run !== run || this.finished) return;
      this.stalled = true;
      void run.stop(this.options.stopGraceMs);
    }, this.options.stallTimeoutMs);
    this.stallTimer.unref();
  }

  private exited(run: FfmpegRun, exit: FfmpegExit): void {
    clearTimeout(this.stallTimer);
    if (this.run !== run || this.finished) return;
    const { source } = this.options;
    const cleanEnd = exit.code === 0 && !this.stalled && this.framesThisRun > 0;
    if (source.type === 'file' && !source.loop && cleanEnd) {
      this.state = 'ended';
      this.options.onEnd('source_ended');
      return;
    }
    this.lastError = this.describeFailure(run, exit);
    this.failuresInARow += 1;
    const delay = Math.min(this.options.backoff.maxMs, this.options.backoff.minMs * 2 ** (this.failuresInARow - 1));
    this.state = 'retrying';
    this.nextRetryAt = this.options.now() + delay;
    this.options.logger.warn({ source: this.status().url, error: this.lastError, retryInMs: delay }, 'stream source failed; reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.retryTimer.unref();
  }

  private describeFailure(run: FfmpegRun, exit: FfmpegExit): string {
    if (exit.spawnError) return exit.spawnError;
    if (this.stalled) return `no frame for ${this.options.stallTimeoutMs} ms; restarting the source`;
    if (exit.code === 0 && this.framesThisRun > 0) return 'the source ended';
    return describeExit(run, exit, this.framesThisRun);
  }
}
