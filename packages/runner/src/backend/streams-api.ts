/** The backend's stream endpoints (`/streams`), with per-request timeouts and retries. */
import {
  CreateStreamResponseSchema,
  KeepaliveResponseSchema,
  StreamStatusSchema,
  type CreateStreamResponse,
  type KeepaliveResponse,
  type StreamSource,
} from '@ovs/protocol';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { parseRetryAfter, withRetry, type RetryPolicy } from '../retry.js';
import { BackendError, classifyBackendError, readErrorBody } from './http-error.js';

/**
 * Stream status as read by the runner: only `id` and `state` are required (as in the hosted
 * service's OpenAPI description); every other field may be missing, and an end reason the
 * protocol does not list yet is accepted.
 */
export const LenientStatusSchema = StreamStatusSchema.partial()
  .required({ id: true, state: true })
  .extend({ end_reason: z.string().nullish() });
export type LenientStatus = z.infer<typeof LenientStatusSchema>;

export interface StreamsApiOptions {
  baseUrl: string;
  apiKey?: string;
  clock: Clock;
  retry: RetryPolicy;
  timeoutMs: number;
  /** Aborts every request when the run is torn down. */
  signal?: AbortSignal;
}

export class StreamsApi {
  constructor(private readonly options: StreamsApiOptions) {}

  /** Creating a source is not retried on 5xx alone: a 422 (unreachable source) is final. */
  create(source: StreamSource): Promise<CreateStreamResponse> {
    return this.#request('POST', '/streams', CreateStreamResponseSchema, { source });
  }

  get(id: string): Promise<LenientStatus> {
    return this.#request('GET', `/streams/${encodeURIComponent(id)}`, LenientStatusSchema);
  }

  keepalive(id: string): Promise<KeepaliveResponse> {
    return this.#request('POST', `/streams/${encodeURIComponent(id)}/keepalive`, KeepaliveResponseSchema);
  }

  async delete(id: string): Promise<void> {
    await this.#request('DELETE', `/streams/${encodeURIComponent(id)}`, undefined);
  }

  #request<T>(method: string, path: string, schema: z.ZodType<T> | undefined, body?: unknown): Promise<T> {
    const { clock, retry, signal } = this.options;
    return withRetry(() => this.#once(method, path, schema, body), {
      policy: retry,
      clock,
      classify: classifyBackendError,
      ...(signal ? { signal } : {}),
    });
  }

  async #once<T>(method: string, path: string, schema: z.ZodType<T> | undefined, body?: unknown): Promise<T> {
    const { baseUrl, apiKey, clock, timeoutMs, signal } = this.options;
    const controller = new AbortController();
    let timedOut = false;
    const timer = clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const what = `${method} ${path}`;
    try {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}${path}`, {
          method,
          headers: {
            accept: 'application/json',
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: controller.signal,
        });
      } catch (error) {
        if (timedOut) throw new BackendError('timeout', `${what}: no answer within ${timeoutMs} ms`);
        if (signal?.aborted) throw new BackendError('aborted', `${what}: cancelled`);
        const cause = (error as { cause?: unknown }).cause;
        throw new BackendError('network', `${what}: ${cause instanceof Error ? cause.message : (error as Error).message}`);
      }
      const text = await response.text().catch(() => '');
      if (timedOut) throw new BackendError('timeout', `${what}: no answer within ${timeoutMs} ms`);
      let json: unknown = undefined;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = text;
      }
      if (!response.ok) {
        const { message, code } = readErrorBody(json);
        throw new BackendError(
          'http',
          `${what}: HTTP ${response.status}${message ? `: ${message}` : ''}`,
          response.status,
          code,
          parseRetryAfter(response.headers.get('retry-after'), clock.now()),
        );
      }
      if (!schema) return undefined as T;
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new BackendError('http', `${what}: the backend answered an unexpected shape (${parsed.error.issues[0]?.message ?? 'invalid'})`, response.status);
      }
      return parsed.data;
    } finally {
      timer.cancel();
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
