/** A failed request to the backend, classified for retries and described without secrets. */
import { isRetryableStatus, type RetryVerdict } from '../retry.js';

export type FailureKind = 'http' | 'network' | 'timeout' | 'aborted';

export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
    /** The backend's error code (`segment_empty`, `stream_not_found`, ...), when it gave one. */
    readonly code?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export function classifyBackendError(error: unknown): RetryVerdict {
  if (!(error instanceof BackendError)) return { retry: false };
  switch (error.kind) {
    case 'network':
    case 'timeout':
      return { retry: true };
    case 'aborted':
      return { retry: false };
    case 'http':
      return {
        retry: error.status !== undefined && isRetryableStatus(error.status),
        ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      };
  }
}

/** Network failures worth naming plainly, by their system error code. */
const NETWORK_REASONS: Array<[RegExp, string]> = [
  [/ECONNREFUSED/, 'connection refused'],
  [/ENOTFOUND|EAI_AGAIN/, 'host not found'],
  [/ECONNRESET|socket hang up/, 'connection reset'],
  [/EHOSTUNREACH|ENETUNREACH/, 'host unreachable'],
  [/ETIMEDOUT/, 'connection timed out'],
];

/**
 * When `error` means the backend itself is unusable — it cannot be reached, it refuses the key,
 * or nothing at `baseUrl` is an API (a 404 on a URL without /v1) — says so with how to fix it;
 * undefined for any other failure.
 */
export function backendProblem(error: unknown, baseUrl: string): string | undefined {
  if (!(error instanceof BackendError)) return undefined;
  if (error.kind === 'network' || error.kind === 'timeout') {
    const reason = error.kind === 'timeout' ? 'no answer' : (NETWORK_REASONS.find(([pattern]) => pattern.test(error.message))?.[1] ?? error.message);
    return `cannot reach the backend at ${baseUrl} (${reason}): is it running?`;
  }
  if (error.kind !== 'http') return undefined;
  if (error.status === 401 || error.status === 403) return `the backend refused the request (${error.status}): set OVS_API_KEY to a key the backend at ${baseUrl} accepts`;
  if (error.status === 404 && !/\/v1(beta)?$/.test(baseUrl)) return `the backend at ${baseUrl} answered 404 (${error.message}): did you mean ${baseUrl}/v1?`;
  return undefined;
}

/** The message and code inside any of the hosted service's error bodies. */
export function readErrorBody(body: unknown): { message?: string; code?: string } {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' && body ? { message: body.slice(0, 300) } : {};
  const b = body as Record<string, any>;
  const inner = b.detail?.error ?? b.error;
  if (typeof inner === 'object' && inner !== null) {
    return {
      ...(typeof inner.message === 'string' ? { message: inner.message } : {}),
      ...(typeof inner.code === 'string' ? { code: inner.code } : {}),
    };
  }
  if (typeof b.detail === 'string') return { message: b.detail };
  if (typeof b.message === 'string') return { message: b.message, ...(typeof b.error === 'string' ? { code: b.error } : {}) };
  return {};
}
