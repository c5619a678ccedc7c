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
import { withRetry, type RetryPolicy } from '../retry.js';
import { classifyBackendError } from './http-error.js';
import { requestJson, type HttpOptions } from './http.js';

/**
 * Stream status as read by the runner: only `id` and `state` are required (as in the hosted
 * service's OpenAPI description); every other field may be missing, and an end reason the
 * protocol does not list yet is accepted.
 */
export const LenientStatusSchema = StreamStatusSchema.partial()
  .required({ id: true, state: true })
  .extend({
    end_reason: z.string().nullish(),
    /** Our server's pulled-source telemetry (why a source gives no frames); other backends omit it. Malformed: ignored. */
    ingest: z
      .object({ state: z.string(), attempts: z.number().nullish(), last_error: z.string().nullish() })
      .nullish()
      .catch(undefined),
  });
export type LenientStatus = z.infer<typeof LenientStatusSchema>;

export interface StreamsApiOptions extends HttpOptions {
  retry: RetryPolicy;
}

export class StreamsApi {
  constructor(private readonly options: StreamsApiOptions) {}

  /** A 422 (the backend cannot open the source) is final; 429 and 5xx are retried. */
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
    return withRetry(() => requestJson(this.options, method, path, schema, body), {
      policy: retry,
      clock,
      classify: classifyBackendError,
      ...(signal ? { signal } : {}),
    });
  }
}
