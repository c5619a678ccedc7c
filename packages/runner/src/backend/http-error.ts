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
