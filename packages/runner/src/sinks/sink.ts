/** What every sink offers the dispatcher: one delivery attempt at a time, and a clean close. */
import type { EventRecord } from '../events.js';

export interface Sink {
  readonly name: string;
  readonly kind: 'stdout' | 'file' | 'webhook' | 'mqtt';
  /** Where it delivers, with credentials and query strings removed (for logs and dead letters). */
  readonly target: string;
  /** One attempt; throws a SinkError on failure (the dispatcher retries). */
  deliver(record: EventRecord, signal: AbortSignal): Promise<void>;
  /** Checks the target before the run starts where that is cheap and local (file sinks create/open their file). */
  open?(): Promise<void>;
  close(): Promise<void>;
}

export class SinkError extends Error {
  override readonly name = 'SinkError';
  constructor(
    message: string,
    /** False when trying again cannot help (e.g. HTTP 400, 404). */
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export { redactUrl } from '../redact.js';
