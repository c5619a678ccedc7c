/** One JSON request to the backend's REST endpoints, with a timeout on the injected clock and errors classified for retries. */
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { InFlight } from '../in-flight.js';
import { describeError } from '../errors.js';
import { parseRetryAfter } from '../retry.js';
import { BackendError, readErrorBody } from './http-error.js';
import type { Fetch } from './transport.js';

export interface HttpOptions {
  baseUrl: string;
  apiKey?: string;
  clock: Clock;
  timeoutMs: number;
  /** The run's transport to the backend. */
  fetch: Fetch;
  /** Cancels the request (e.g. when the run is torn down). */
  signal?: AbortSignal;
  /** Counts the request while it is out (for `RunHandle.idle()`). */
  inFlight?: InFlight;
}

export function requestJson<T>(options: HttpOptions, method: string, path: string, schema: z.ZodType<T> | undefined, body?: unknown): Promise<T> {
  const send = () => sendJson(options, method, path, schema, body);
  return options.inFlight ? options.inFlight.track(send) : send();
}

async function sendJson<T>(options: HttpOptions, method: string, path: string, schema: z.ZodType<T> | undefined, body?: unknown): Promise<T> {
  const { baseUrl, apiKey, clock, timeoutMs, signal, fetch } = options;
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
      throw new BackendError('network', `${what}: ${describeError(error)}`);
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
