/**
 * One stream: its frame ring, its lease, where its frames come from (pushed by clients or
 * pulled by ffmpeg), and its lifecycle. `ended` is terminal; the telemetry is snapshotted at
 * the end so `GET /v1/streams/{id}` keeps answering the final values.
 */
import type { EndReason, StreamSource, StreamStatus } from '@ovs/protocol';
import { FrameRing, type Frame, type FrameInput, type RingStatus } from '../frames/index.js';
import type { FrameSource, PulledSourceStatus } from '../ingest/pulled-source.js';
import type { ClockGate } from './clock-gate.js';

export interface StreamInit {
  readonly id: string;
  readonly ring: FrameRing;
  readonly createdAtMs: number;
  readonly leaseMs: number;
  readonly now: () => number;
  /** What the client asked to pull (URL credentials masked), or undefined for a pushed stream. */
  readonly source?: StreamSource;
  /** Called once when the stream ends, whatever the reason. */
  readonly onEnd: (stream: Stream) => void;
}

/** `GET /v1/streams/{id}`: the hosted fields, plus how the source is doing and the bytes held. */
export type StreamStatusBody = StreamStatus & {
  readonly ingest: Omit<PulledSourceStatus, 'type' | 'url' | 'loop' | 'pace'> | null;
  readonly retained_bytes: number;
};

export class Stream {
  readonly id: string;
  readonly createdAtMs: number;
  readonly source: StreamSource | undefined;
  private readonly ring: FrameRing;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private readonly onEnd: (stream: Stream) => void;
  private puller: FrameSource | undefined;
  private gate: ClockGate | undefined;
  private expiresAtMs: number;
  private leaseTimer: NodeJS.Timeout | undefined;
  private endedAtMs: number | null = null;
  /** The wall-clock moment the stream clock stopped at, once ended. */
  private stoppedAtMs: number | null = null;
  private endReason: EndReason | null = null;
  private final: { ring: RingStatus; bytes: number } | undefined;
  private framesReadable = true;

  constructor(init: StreamInit) {
    this.id = init.id;
    this.ring = init.ring;
    this.createdAtMs = init.createdAtMs;
    this.leaseMs = init.leaseMs;
    this.now = init.now;
    this.source = init.source;
    this.onEnd = init.onEnd;
    this.expiresAtMs = this.createdAtMs + this.leaseMs;
    this.armLease();
  }

  get state(): 'active' | 'ended' {
    return this.endedAtMs === null ? 'active' : 'ended';
  }

  get ttlSeconds(): number {
    return Math.round(this.leaseMs / 1000);
  }

  get leaseExpiresAtMs(): number {
    return this.expiresAtMs;
  }

  get reasonEnded(): EndReason | null {
    return this.endReason;
  }

  /**
   * Starts pulling; the stream owns the puller from now on and stops it when it ends. With a
   * clock gate (replays), frames join the stream as the clock reaches them, checked on every read.
   */
  attach(puller: FrameSource, gate?: ClockGate): void {
    this.puller = puller;
    this.gate = gate;
    puller.start();
  }

  /**
   * The ring to resolve references against, or undefined once its frames are gone. A stream
   * whose file source ended keeps its frames (at the end's clock) until its lease runs out or
   * it is deleted, so the last moments of a clip can still be asked about.
   */
  frames(): { ring: FrameRing; nowMs: number } | undefined {
    this.gate?.release();
    return this.framesReadable ? { ring: this.ring, nowMs: this.clock() } : undefined;
  }

  addFrame(input: FrameInput): Frame {
    return this.ring.push(input);
  }

  /** Renews the lease; returns false when the stream has ended. */
  keepalive(): boolean {
    if (this.state === 'ended') return false;
    this.expiresAtMs = this.now() + this.leaseMs;
    this.armLease();
    return true;
  }

  streamTimeMs(): number {
    this.gate?.release();
    return this.ring.streamTimeAt(this.clock());
  }

  status(): StreamStatusBody {
    this.gate?.release();
    const ring = this.final?.ring ?? this.ring.status(this.clock());
    const ingest = this.puller?.status();
    return {
      id: this.id,
      state: this.state,
      ...ring,
      created_at_ms: this.createdAtMs,
      expires_at_ms: this.state === 'active' ? this.expiresAtMs : null,
      ttl_seconds: this.ttlSeconds,
      ended_at_ms: this.endedAtMs,
      end_reason: this.endReason,
      audio: false,
      source: this.source ?? null,
      ingest: ingest ? { state: ingest.state, attempts: ingest.attempts, last_error: ingest.last_error, next_retry_at_ms: ingest.next_retry_at_ms } : null,
      retained_bytes: this.final?.bytes ?? this.ring.bytes,
    };
  }

  /**
   * Ends the stream: stops its source (waiting for ffmpeg to exit) and, unless the source
   * simply ran out, drops its frames. Ending again only drops frames still kept.
   */
  async end(reason: EndReason): Promise<void> {
    if (reason !== 'source_ended') this.gate?.close();
    if (this.endedAtMs === null) {
      this.endedAtMs = this.now();
      this.endReason = reason;
      // A file that played out stops at its last frame; the moments after it are not part of it.
      this.stoppedAtMs = reason === 'source_ended' ? (this.ring.newest?.receivedAtMs ?? this.endedAtMs) : this.endedAtMs;
      clearTimeout(this.leaseTimer);
      this.final = { ring: this.ring.status(this.stoppedAtMs), bytes: this.ring.bytes };
      this.onEnd(this);
      if (reason === 'source_ended') {
        // Frames stay readable until the lease would have expired.
        this.leaseTimer = setTimeout(() => this.dropFrames(), Math.max(0, this.expiresAtMs - this.endedAtMs));
        this.leaseTimer.unref();
      }
    }
    if (reason !== 'source_ended') this.dropFrames();
    await this.puller?.stop();
  }

  /** The stream clock's "now": the wall clock while active, frozen once ended. */
  private clock(): number {
    return this.stoppedAtMs ?? this.now();
  }

  private dropFrames(): void {
    clearTimeout(this.leaseTimer);
    this.framesReadable = false;
    this.ring.dispose();
  }

  private armLease(): void {
    clearTimeout(this.leaseTimer);
    this.leaseTimer = setTimeout(() => void this.end('expired'), Math.max(0, this.expiresAtMs - this.now()));
    this.leaseTimer.unref();
  }
}
