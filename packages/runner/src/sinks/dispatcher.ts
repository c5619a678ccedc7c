/**
 * Delivers event records to sinks in the background: retries with backoff and jitter (honouring
 * `retry-after`), and what still fails — or is still undelivered when the run stops — goes to the
 * dead-letter file with the reason. Together with the event log this means no event is lost:
 * each one is delivered, or dead-lettered, or (if even that write fails) reported.
 */
import type { Clock } from '../clock.js';
import { describeError } from '../errors.js';
import type { EventRecord } from '../events.js';
import { JsonlAppender } from '../events.js';
import { withRetry, type RetryPolicy } from '../retry.js';
import { CapturedSink } from './captured.js';
import { SinkError, type Sink } from './sink.js';

export interface DeadLetter {
  time: string;
  sink: string;
  kind: Sink['kind'];
  target: string;
  error: string;
  attempts: number;
  event: EventRecord;
}

export interface SinkStats {
  delivered: number;
  deadLettered: number;
  retries: number;
  pending: number;
}

export interface DispatcherOptions {
  clock: Clock;
  retry: RetryPolicy;
  deadLetterFile: string;
  /** Told about every record that could not be delivered (after it is dead-lettered or not). */
  onUndelivered?(letter: DeadLetter, deadLettered: boolean): void;
}

export class Dispatcher {
  readonly #sinks = new Map<string, Sink>();
  readonly #stats = new Map<string, SinkStats>();
  readonly #pending = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  readonly #deadLetters: JsonlAppender;

  constructor(
    sinks: Iterable<Sink>,
    private readonly options: DispatcherOptions,
  ) {
    for (const sink of sinks) {
      this.#sinks.set(sink.name, sink);
      this.#stats.set(sink.name, { delivered: 0, deadLettered: 0, retries: 0, pending: 0 });
    }
    this.#deadLetters = new JsonlAppender(options.deadLetterFile, true);
  }

  /**
   * Opens every sink that can be checked locally, and the dead-letter file when some sink can
   * fail, so a bad path is reported before the run starts. Throws an Error naming what failed.
   */
  async open(): Promise<void> {
    const sinks = [...this.#sinks.values()];
    for (const sink of sinks) {
      if (!sink.open) continue;
      try {
        await sink.open();
      } catch (error) {
        throw new Error(`cannot open ${sink.kind} sink ${sink.name} (${sink.target}): ${describeError(error)}`);
      }
    }
    // Only a stdout sink (or captured ones): nothing will ever be dead-lettered.
    if (sinks.every((s) => s.kind === 'stdout' || s instanceof CapturedSink)) return;
    try {
      await this.#deadLetters.open();
    } catch (error) {
      throw new Error(`cannot open the dead-letter file ${this.#deadLetters.file}: ${describeError(error)}`);
    }
  }

  get deadLetterFile(): string {
    return this.#deadLetters.file;
  }

  stats(): Record<string, SinkStats> {
    return Object.fromEntries([...this.#stats].map(([name, s]) => [name, { ...s }]));
  }

  /** Queues a delivery; never throws, never rejects. */
  send(sinkName: string, record: EventRecord): void {
    const sink = this.#sinks.get(sinkName);
    const stats = this.#stats.get(sinkName);
    if (!sink || !stats) throw new Error(`no sink named ${sinkName}`);
    stats.pending++;
    const task = this.#deliver(sink, stats, record).finally(() => {
      stats.pending--;
      this.#pending.delete(task);
    });
    this.#pending.add(task);
  }

  async #deliver(sink: Sink, stats: SinkStats, record: EventRecord): Promise<void> {
    let attempts = 0;
    const signal = this.#abort.signal;
    try {
      await withRetry(
        () => {
          attempts++;
          return sink.deliver(record, signal);
        },
        {
          policy: this.options.retry,
          clock: this.options.clock,
          signal,
          classify: (error) =>
            error instanceof SinkError
              ? { retry: error.retryable, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) }
              : { retry: true },
          onRetry: () => void stats.retries++,
        },
      );
      stats.delivered++;
    } catch (error) {
      const reason = signal.aborted ? `undelivered when the run stopped (last error: ${describeError(error)})` : describeError(error);
      await this.#deadLetter({ time: new Date(this.options.clock.now()).toISOString(), sink: sink.name, kind: sink.kind, target: sink.target, error: reason, attempts, event: record }, stats);
    }
  }

  async #deadLetter(letter: DeadLetter, stats: SinkStats): Promise<void> {
    let written = false;
    try {
      await this.#deadLetters.append(letter);
      stats.deadLettered++;
      written = true;
    } catch {
      // Reported below; the event itself is already in the event log.
    }
    this.options.onUndelivered?.(letter, written);
  }

  /**
   * Waits up to `graceMs` for deliveries in flight (retries included); then cancels the rest,
   * which are dead-lettered. Resolves when every record is delivered or dead-lettered.
   */
  async flush(graceMs: number): Promise<void> {
    if (this.#pending.size > 0 && graceMs > 0) {
      let timer: { cancel(): void } | undefined;
      const grace = new Promise<void>((resolve) => (timer = this.options.clock.setTimeout(resolve, graceMs)));
      await Promise.race([Promise.allSettled([...this.#pending]), grace]);
      timer?.cancel();
    }
    if (this.#pending.size > 0) {
      this.#abort.abort();
      await Promise.allSettled([...this.#pending]);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#sinks.values()].map((s) => s.close()));
    await this.#deadLetters.close().catch(() => {});
  }
}
