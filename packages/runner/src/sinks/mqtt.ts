/** An MQTT sink: publish the event as JSON with QoS 1 to the topic of `mqtt://host:port/topic`. */
import mqtt, { type MqttClient } from 'mqtt';
import type { Clock } from '../clock.js';
import type { EventRecord } from '../events.js';
import { redactUrl, SinkError, type Sink } from './sink.js';

export class MqttSink implements Sink {
  readonly kind = 'mqtt' as const;
  readonly target: string;
  readonly #broker: string;
  readonly #topic: string;
  readonly #username: string | undefined;
  readonly #password: string | undefined;
  #client: MqttClient | undefined;
  #lastError: string | undefined;

  constructor(
    readonly name: string,
    url: string,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {
    const u = new URL(url);
    if (u.protocol !== 'mqtt:' && u.protocol !== 'mqtts:') throw new Error(`"${redactUrl(url)}" is not an mqtt:// or mqtts:// URL`);
    this.#topic = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (this.#topic === '') throw new Error(`the MQTT URL needs a topic, e.g. mqtt://host:1883/alerts`);
    this.#broker = `${u.protocol}//${u.host}`;
    this.#username = u.username ? decodeURIComponent(u.username) : undefined;
    this.#password = u.password ? decodeURIComponent(u.password) : undefined;
    this.target = `${this.#broker}/${this.#topic}`;
  }

  /** One client per sink, connected lazily; mqtt.js reconnects by itself and queues QoS 1 messages meanwhile. */
  #connect(): MqttClient {
    if (!this.#client) {
      this.#client = mqtt.connect(this.#broker, {
        reconnectPeriod: 1000,
        connectTimeout: this.timeoutMs,
        ...(this.#username !== undefined ? { username: this.#username } : {}),
        ...(this.#password !== undefined ? { password: this.#password } : {}),
      });
      // Without a listener an 'error' event would throw; the failure surfaces through publish timeouts.
      this.#client.on('error', (error) => void (this.#lastError = error.message));
    }
    return this.#client;
  }

  async deliver(record: EventRecord, signal: AbortSignal): Promise<void> {
    const client = this.#connect();
    let timer: { cancel(): void } | undefined;
    let onAbort: (() => void) | undefined;
    const failed = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(
        () => reject(new SinkError(`${this.target}: no acknowledgement within ${this.timeoutMs} ms${this.#lastError ? ` (${this.#lastError})` : ''}`, true)),
        this.timeoutMs,
      );
      onAbort = () => reject(new SinkError(`delivery to ${this.target} cancelled`, false));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([client.publishAsync(this.#topic, JSON.stringify(record), { qos: 1 }), failed]);
    } catch (error) {
      if (error instanceof SinkError) throw error;
      throw new SinkError(`${this.target}: ${(error as Error).message}`, true);
    } finally {
      timer?.cancel();
      if (onAbort) signal.removeEventListener('abort', onAbort);
      failed.catch(() => {});
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    if (!client.connected) {
      await client.endAsync(true).catch(() => {});
      return;
    }
    // Give queued messages a moment, then force the socket closed.
    await Promise.race([client.endAsync().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
    if (!client.disconnected) await client.endAsync(true).catch(() => {});
  }
}
