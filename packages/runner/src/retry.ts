/**
 * Retries with exponential backoff and jitter, for model calls, stream requests and sink
 * deliveries alike. A failure says whether it is worth retrying (429, 5xx, network errors,
 * timeouts) and may carry the server's `retry-after`, which is honoured.
 */
import type { Clock } from './clock.js';

export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** First backoff step. */
  minDelayMs: number;
  /** Backoff never grows beyond this. */
  maxDelayMs: number;
  /** A `retry-after` longer than this is capped to it. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 4,
  minDelayMs: 250,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
};

export interface RetryVerdict {
  retry: boolean;
  /** From a `retry-after` header: wait at least this long before the next attempt. */
  retryAfterMs?: number;
}

/**
 * The wait before retry number `attempt` (0-based): "equal jitter" — half the exponential step
 * plus a random half, so concurrent clients spread out yet never retry instantly.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** attempt);
  return Math.round(step / 2 + random() * (step / 2));
}

/** Parses `retry-after` (seconds or an HTTP date) into ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** HTTP statuses worth another attempt: throttling, timeouts and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export interface RetryOptions {
  policy: RetryPolicy;
  clock: Clock;
  classify(error: unknown): RetryVerdict;
  signal?: AbortSignal;
  /** Clock time after which no retry starts: a retry that would land later is not made and the last failure stands. */
  deadline?: number;
  /** Called before each wait, e.g. to count and log retries. */
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  random?: () => number;
}

/** Runs `attempt(n)` until it succeeds, fails for good, runs out of retries or the signal aborts. */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, clock, signal } = options;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const verdict = options.classify(error);
      if (!verdict.retry || n >= policy.retries || signal?.aborted) throw error;
      const delay =
        verdict.retryAfterMs !== undefined
          ? Math.min(verdict.retryAfterMs, policy.maxRetryAfterMs)
          : backoffDelay(policy, n, options.random);
      if (options.deadline !== undefined && clock.now() + delay > options.deadline) throw error;
      options.onRetry?.(error, n + 1, delay);
      await clock.sleep(delay, signal);
    }
  }
}
