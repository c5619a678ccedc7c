/** A webhook sink: POST the event as JSON; 2xx is delivered, 429/5xx/network errors are retried. */
import type { Clock } from '../clock.js';
import type { EventRecord } from '../events.js';
import { isRetryableStatus, parseRetryAfter } from '../retry.js';
import { redactUrl, SinkError, type Sink } from './sink.js';

export class WebhookSink implements Sink {
  readonly kind = 'webhook' as const;
  readonly target: string;

  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {
    this.target = redactUrl(url);
  }

  async deliver(record: EventRecord, signal: AbortSignal): Promise<void> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `${record.id}:${record.status}` },
        body: JSON.stringify(record),
        signal: controller.signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) {
        throw new SinkError(
          `${this.target} answered HTTP ${response.status}`,
          isRetryableStatus(response.status),
          parseRetryAfter(response.headers.get('retry-after'), this.clock.now()),
        );
      }
    } catch (error) {
      if (error instanceof SinkError) throw error;
      if (timedOut) throw new SinkError(`${this.target} did not answer within ${this.timeoutMs} ms`, true);
      if (signal.aborted) throw new SinkError(`delivery to ${this.target} cancelled`, false);
      const cause = (error as { cause?: unknown }).cause;
      throw new SinkError(`${this.target}: ${cause instanceof Error ? cause.message : (error as Error).message}`, true);
    } finally {
      timer.cancel();
      signal.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {}
}
