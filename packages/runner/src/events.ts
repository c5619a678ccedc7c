/**
 * Event records and the run's event log. The log is the record of truth: every fired, confirmed,
 * rejected or failed event is appended (and flushed to disk) before any sink sees it, so a crash
 * after that point can lose a delivery, never the event.
 */
import { open, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ensureDirectory } from './directories.js';

/** `fired`: a trigger fired; then, after its escalations: `confirmed`, `rejected`, or `failed` (an escalation could not answer). */
export type EventStatus = 'fired' | 'confirmed' | 'rejected' | 'failed';

export interface StreamInfo {
  name: string;
  id: string;
}

/** The frame a watch saw on one stream, pinned to stream time. */
export interface PinnedFrame {
  stream: StreamInfo;
  /** An absolute reference to that frame: `ovs://streams/<id>?frame_index=N`. */
  ref: string;
  frame_index: number | null;
  /** Stream clock (ms since the stream's first frame). */
  timestamp_ms: number | null;
  /** How it was learned: the backend's `ovs_resolved`, the index the call asked for, or stream status around the call. */
  source: 'resolved' | 'requested' | 'status';
}

export interface Vote {
  model: string;
  labels: Record<string, { present: boolean; confidence: number | null }>;
}

export interface EscalationRecord {
  model: string;
  confirmed: boolean;
  confidence: number | null;
  description: string;
  tokens: number;
  latency_ms: number;
  /** The references the escalation was asked about (absolute anchors). */
  evidence: string[];
  /** Set when the window after the event could not be waited for in full. */
  note?: string;
  /** Set when the escalation could not be asked or its answer could not be read. */
  error?: string;
}

export interface EventRecord {
  id: string;
  /** ISO time of this record. */
  time: string;
  status: EventStatus;
  rule: { file?: string; line?: number; column?: number };
  watch: string;
  trigger: string;
  stream: StreamInfo;
  /** Every stream the watch looks at (one for most watches). */
  streams: StreamInfo[];
  label: string;
  labels: string[];
  confidence: number | null;
  model: string;
  votes: Vote[];
  frames: PinnedFrame[];
  escalations: EscalationRecord[];
  /** Tokens spent on this event so far: the firing tick plus escalations. */
  tokens: number;
  /** From the tick that fired to this record. */
  latency_ms: number;
}

/** Appends JSON lines to a file, one write and one fsync per record, in order. */
export class JsonlAppender {
  #handle: Promise<FileHandle> | undefined;
  #queue: Promise<void> = Promise.resolve();
  #created = false;
  #appended = false;

  /** `removeIfUnused`: a file this appender created and never wrote to is deleted on close (file sinks and the dead-letter file are opened early only to check their paths). */
  constructor(
    readonly file: string,
    private readonly removeIfUnused = false,
  ) {}

  /** Opens the file now, so a bad path is reported before the run starts. */
  async open(): Promise<void> {
    this.#handle ??= (async () => {
      await ensureDirectory(path.dirname(path.resolve(this.file)));
      try {
        // 'ax' fails when the file exists: then it is appended to and never removed.
        const handle = await open(this.file, 'ax');
        this.#created = true;
        return handle;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        return open(this.file, 'a');
      }
    })();
    await this.#handle;
  }

  append(record: unknown): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    this.#appended = true;
    const write = this.#queue.then(async () => {
      await this.open();
      const handle = await this.#handle!;
      await handle.write(line);
      await handle.datasync();
    });
    this.#queue = write.catch(() => {});
    return write;
  }

  async close(): Promise<void> {
    await this.#queue;
    const handle = this.#handle;
    this.#handle = undefined;
    if (!handle) return;
    await (await handle).close();
    if (this.removeIfUnused && this.#created && !this.#appended) await unlink(this.file).catch(() => {});
  }
}
