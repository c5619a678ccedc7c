/**
 * Chat completions through the official openai client, pointed at any Overshoot-compatible
 * backend. The client's own retries are off: ours honour `retry-after`, count attempts and run on
 * the injected clock; each attempt has its own timeout.
 */
import OpenAI from 'openai';
import { OvsResolvedEntrySchema, type OvsResolvedEntry } from '@ovs/protocol';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { InFlight } from '../in-flight.js';
import { parseRetryAfter, withRetry, type RetryPolicy } from '../retry.js';
import { BackendError, classifyBackendError, readErrorBody } from './http-error.js';
import type { Fetch } from './transport.js';

/** The body of one chat completion request (OpenAI shape plus `video_url` parts). */
export interface ChatRequest {
  model: string;
  messages: unknown[];
  response_format?: unknown;
  [param: string]: unknown;
}

export interface ChatResult {
  content: string | null;
  tokens: number;
  /** The `ovs_resolved` extension: the frames each reference resolved to (absent on the hosted service). */
  resolved: OvsResolvedEntry[] | undefined;
  attempts: number;
}

export interface ChatClientOptions {
  baseUrl: string;
  apiKey?: string;
  clock: Clock;
  retry: RetryPolicy;
  timeoutMs: number;
  /** The run's transport to the backend. */
  fetch: Fetch;
  /** Cancels every call in flight (and every backoff wait) when it aborts. */
  signal?: AbortSignal;
  /** Counts each attempt while it is out (for `RunHandle.idle()`). */
  inFlight?: InFlight;
}

const ResolvedList = z.array(OvsResolvedEntrySchema);

/**
 * The hosted service wraps errors as `{detail:{error:{...}}}`; the openai client only reads
 * `{error:{...}}` and would drop the message and code. Rewrite error bodies to its shape.
 */
const adaptErrorBodies = (fetch: Fetch): Fetch => async (input, init) => {
  const response = await fetch(input, init);
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: keep the text as the message
  }
  const { message, code } = readErrorBody(json);
  const headers = new Headers(response.headers);
  headers.set('content-type', 'application/json');
  headers.delete('content-length');
  return new Response(JSON.stringify({ error: { message: message ?? `HTTP ${response.status}`, code: code ?? null } }), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
};

function toBackendError(error: unknown, timedOut: boolean, timeoutMs: number, clock: Clock): BackendError {
  if (error instanceof BackendError) return error;
  if (timedOut) return new BackendError('timeout', `no answer within ${timeoutMs} ms`);
  if (error instanceof OpenAI.APIUserAbortError) return new BackendError('aborted', 'cancelled');
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = (error as { cause?: unknown }).cause;
    return new BackendError('network', cause instanceof Error ? cause.message : error.message);
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    const body = error.error as { message?: string; code?: string | null } | undefined;
    return new BackendError(
      'http',
      `HTTP ${error.status}${body?.message ? `: ${body.message}` : ''}`,
      error.status,
      body?.code ?? undefined,
      parseRetryAfter(error.headers?.get('retry-after'), clock.now()),
    );
  }
  // A 200 whose body is not a chat completion (garbage JSON, truncated body): worth retrying.
  return new BackendError('network', `unreadable response: ${error instanceof Error ? error.message : String(error)}`);
}

export class ChatClient {
  readonly #client: OpenAI;
  /**
   * Attempts in flight. One listener on the run's signal aborts them all: a listener per call
   * on a shared signal would make every call pay for the hundreds of others in flight.
   */
  readonly #live = new Set<AbortController>();

  constructor(private readonly options: ChatClientOptions) {
    options.signal?.addEventListener('abort', () => {
      for (const controller of this.#live) controller.abort();
    }, { once: true });
    this.#client = new OpenAI({
      baseURL: options.baseUrl,
      // The embedded server and local backends need no key; the client insists on one.
      apiKey: options.apiKey ?? 'no-key',
      maxRetries: 0,
      // Our per-attempt timeout runs on the injected clock; this is only a real-time backstop.
      timeout: options.timeoutMs + 60_000,
      fetch: adaptErrorBodies(options.fetch),
    });
  }

  async complete(
    request: ChatRequest,
    opts: { onRetry?: (error: unknown, attempt: number, delayMs: number) => void; deadline?: number } = {},
  ): Promise<ChatResult> {
    const { clock, retry, signal } = this.options;
    let attempts = 0;
    return withRetry(
      async () => {
        attempts++;
        const { inFlight } = this.options;
        const result = await (inFlight ? inFlight.track(() => this.#attempt(request)) : this.#attempt(request));
        return { ...result, attempts };
      },
      {
        policy: retry,
        clock,
        classify: classifyBackendError,
        ...(signal ? { signal } : {}),
        ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
        ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
      },
    );
  }

  async #attempt(request: ChatRequest): Promise<Omit<ChatResult, 'attempts'>> {
    const { clock, timeoutMs, signal } = this.options;
    if (signal?.aborted) throw new BackendError('aborted', 'cancelled');
    const controller = new AbortController();
    this.#live.add(controller);
    let timedOut = false;
    const timer = clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const completion = (await this.#client.chat.completions.create(request as never, {
        signal: controller.signal,
        maxRetries: 0,
      })) as unknown;
      if (timedOut) throw new BackendError('timeout', `no answer within ${timeoutMs} ms`);
      const body = completion as { choices?: Array<{ message?: { content?: unknown } }>; usage?: { total_tokens?: unknown }; ovs_resolved?: unknown };
      if (typeof body !== 'object' || body === null || !Array.isArray(body.choices)) {
        throw new BackendError('network', 'unreadable response: not a chat completion');
      }
      const content = body.choices[0]?.message?.content;
      const tokens = typeof body.usage?.total_tokens === 'number' ? body.usage.total_tokens : 0;
      const resolved = ResolvedList.safeParse(body.ovs_resolved);
      return {
        content: typeof content === 'string' ? content : null,
        tokens,
        resolved: resolved.success ? resolved.data : undefined,
      };
    } catch (error) {
      throw toBackendError(error, timedOut, timeoutMs, clock);
    } finally {
      timer.cancel();
      this.#live.delete(controller);
    }
  }
}
