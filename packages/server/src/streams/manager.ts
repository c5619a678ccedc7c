/**
 * Every stream of the server: creation (validating and starting a pulled source), lookup,
 * leases, deletion, and shutdown. Ended streams are remembered for a while so their final
 * status can still be read, then forgotten (404).
 */
import { randomUUID } from 'node:crypto';
import type { CreateStreamRequest, StreamSource } from '@ovs/protocol';
import type { Logger } from 'pino';
import { FrameBudget, FrameRing, type FrameInput } from '../frames/index.js';
import { MediaPathError, resolveMediaPath } from '../ingest/media-root.js';
import { PulledSource, type FrameSource, type PulledSourceOptions } from '../ingest/pulled-source.js';
import { SegmentedFile } from '../ingest/segmented-file.js';
import { ffprobeBeside, planSegments, probeClip, type PlannedSegment } from '../ingest/segments.js';
import { NETWORK_SCHEMES, redactUrl, type IngestSource } from '../ingest/source-spec.js';
import type { Metrics } from '../metrics.js';
import { ClockGate } from './clock-gate.js';
import { Stream } from './stream.js';

export interface StreamManagerOptions {
  readonly retentionMs: number;
  readonly streamBytes: number;
  readonly totalBytes: number;
  readonly leaseMs: number;
  readonly mediaRoot: string | undefined;
  /** How every pulled source runs ffmpeg (see PulledSourceOptions). */
  readonly ingest: Pick<PulledSourceOptions, 'output' | 'ffmpegPath' | 'backoff' | 'stallTimeoutMs' | 'stopGraceMs'>;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * Replays: `asap` files are decoded in up to `parallelism` segments at once (see segments.ts),
   * and their frames join their stream as `now` reaches their media time (see clock-gate.ts), at
   * most `bufferBytes` decoded ahead. Undefined: they are decoded whole and join as decoded.
   */
  readonly replay?: { readonly bufferBytes: number; readonly parallelism: number };
}

/** A source the server cannot pull; the message says why and how to fix it (a 422). */
export class SourceError extends Error {
  override readonly name = 'SourceError';
}

/** How many ended streams keep their final status readable. */
const ENDED_REMEMBERED = 1000;

export class StreamManager {
  private readonly streams = new Map<string, Stream>();
  /** Ended streams in the order they ended; the oldest are forgotten first. */
  private readonly ended: Stream[] = [];
  /** Clock gates of replayed streams, by stream id. */
  private readonly gates = new Map<string, ClockGate>();
  private readonly budget: FrameBudget;
  private closing = false;

  constructor(private readonly options: StreamManagerOptions) {
    this.budget = new FrameBudget(options.totalBytes);
  }

  get retainedBytes(): number {
    return this.budget.usedBytes;
  }

  async create(request: CreateStreamRequest): Promise<Stream> {
    if (this.closing) throw new SourceError('the server is shutting down');
    const ingest = request.source ? await this.ingestSource(request.source) : undefined;
    const segments = ingest ? await this.replaySegments(ingest) : undefined;
    const { now } = this.options;
    const stream = new Stream({
      id: randomUUID(),
      ring: new FrameRing({ retentionMs: this.options.retentionMs, maxBytes: this.options.streamBytes, budget: this.budget, now }),
      createdAtMs: now(),
      leaseMs: this.options.leaseMs,
      now,
      source: request.source && publicSource(request.source),
      onEnd: (s) => this.noteEnded(s),
    });
    this.streams.set(stream.id, stream);
    if (ingest) {
      const { ingest: settings, logger, metrics, replay } = this.options;
      const add = (frame: FrameInput) => {
        stream.addFrame(frame);
        metrics.inc('ovs_frames_ingested_total', { origin: 'pull' });
      };
      const streamLogger = logger.child({ stream: stream.id });
      let puller: FrameSource;
      if (replay && segments) {
        const gate = new ClockGate({
          originMs: stream.createdAtMs,
          now,
          maxBufferedBytes: replay.bufferBytes,
          addFrame: add,
          ended: () => void stream.end('source_ended'),
          pause: () => puller.pause(),
          resume: () => puller.resume(),
        });
        puller = new SegmentedFile({
          source: ingest,
          segments,
          ...settings,
          maxWaitingBytes: replay.bufferBytes / segments.length,
          logger: streamLogger,
          onFrame: (frame) => gate.frame(frame),
          onEnd: () => gate.sourceEnded(),
          onFailure: (message) => gate.sourceFailed(message),
        });
        stream.attach(puller, gate);
        this.gates.set(stream.id, gate);
      } else {
        puller = new PulledSource({
          source: ingest,
          ...settings,
          now,
          logger: streamLogger,
          onFrame: (frame) => add({ jpeg: frame.jpeg, width: frame.width, height: frame.height, captureTimestampMs: frame.mediaTimeMs }),
          onEnd: () => void stream.end('source_ended'),
        });
        stream.attach(puller);
      }
    }
    this.options.logger.info({ stream: stream.id, source: stream.source ?? null }, 'stream created');
    return stream;
  }

  /**
   * Replays: how far the clock may move for a replayed stream (see `ClockGate.reach`); undefined
   * for a stream that is not replayed.
   */
  reach(id: string, streamTimeMs: number): Promise<number> | undefined {
    return this.gates.get(id)?.reach(streamTimeMs);
  }

  get(id: string): Stream | undefined {
    return this.streams.get(id);
  }

  list(): Stream[] {
    return [...this.streams.values()];
  }

  /** Ends a stream on request; false when it is unknown or already gone for good. */
  async delete(id: string): Promise<boolean> {
    const stream = this.streams.get(id);
    if (!stream || (stream.state === 'ended' && stream.reasonEnded !== 'source_ended')) return false;
    await stream.end('deleted');
    return true;
  }

  /** Ends every stream and waits for every ffmpeg child to exit. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.list().map((s) => s.end('deleted')));
  }

  private noteEnded(stream: Stream): void {
    this.options.logger.info({ stream: stream.id, reason: stream.reasonEnded }, 'stream ended');
    this.ended.push(stream);
    while (this.ended.length > ENDED_REMEMBERED) this.forget(this.ended[0]!);
    // The final status stays readable as long as frames would have been.
    setTimeout(() => this.forget(stream), this.options.retentionMs + this.options.leaseMs).unref();
  }

  private forget(stream: Stream): void {
    this.streams.delete(stream.id);
    this.gates.delete(stream.id);
    const at = this.ended.indexOf(stream);
    if (at !== -1) this.ended.splice(at, 1);
    void stream.end('expired'); // already ended: only drops frames a finished file source still kept
  }

  /** For a replayed file (`asap` on a replay server): the segments to decode it in; else undefined. */
  private async replaySegments(source: IngestSource): Promise<PlannedSegment[] | undefined> {
    const { replay, ingest } = this.options;
    if (!replay || source.type !== 'file' || source.pace !== 'asap') return undefined;
    const clip = replay.parallelism > 1 ? await probeClip(ffprobeBeside(ingest.ffmpegPath), source.location) : undefined;
    return planSegments(clip, ingest.output.maxFps, replay.parallelism);
  }

  /** Checks a requested source and turns it into what ffmpeg is given. */
  private async ingestSource(source: StreamSource): Promise<IngestSource> {
    const pace = source.pace ?? 'realtime';
    const loop = source.loop ?? false;
    if (source.type !== 'file') {
      if (source.loop !== undefined || source.pace !== undefined) {
        throw new SourceError(`loop and pace apply to file sources only; a ${source.type} source is live`);
      }
      let url: URL;
      try {
        url = new URL(source.url);
      } catch {
        throw new SourceError(`source.url ${JSON.stringify(redactUrl(source.url).slice(0, 200))} is not a URL`);
      }
      const schemes = NETWORK_SCHEMES[source.type];
      if (!schemes.includes(url.protocol)) {
        throw new SourceError(`a ${source.type} source needs a ${schemes.map((s) => `${s}//`).join(' or ')} URL, got ${url.protocol}//`);
      }
      return { type: source.type, location: source.url, loop: false, pace: 'realtime' };
    }
    if (loop && pace === 'asap') {
      throw new SourceError('loop with pace "asap" would decode forever as fast as possible: use pace "realtime" to loop, or play once');
    }
    try {
      return { type: 'file', location: await resolveMediaPath(this.options.mediaRoot, source.url), loop, pace };
    } catch (error) {
      if (error instanceof MediaPathError) throw new SourceError(error.message);
      throw error;
    }
  }
}

/** The source as status shows it: credentials masked. */
function publicSource(source: StreamSource): StreamSource {
  return source.type === 'file' ? source : { ...source, url: redactUrl(source.url) };
}
