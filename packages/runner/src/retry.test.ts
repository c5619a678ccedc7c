import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.js';
import { backoffDelay, parseRetryAfter, withRetry, type RetryPolicy } from './retry.js';

const policy: RetryPolicy = { retries: 3, minDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

describe('retry', () => {
  it('backs off exponentially with jitter inside [step/2, step], capped', () => {
    expect(backoffDelay(policy, 0, () => 0)).toBe(50);
    expect(backoffDelay(policy, 0, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 1)).toBe(800);
    expect(backoffDelay(policy, 10, () => 1)).toBe(1000);
  });

  it('reads retry-after as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter('0.5', 0)).toBe(500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 7_000)).toBe(3000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });

  it('honours retry-after and stops retrying what is not retryable', async () => {
    const clock = new VirtualClock();
    const waits: number[] = [];
    let attempts = 0;
    const result = withRetry(
      async () => {
        attempts++;
        if (attempts < 3) throw Object.assign(new Error('busy'), { retryAfterMs: 2000 });
        return 'ok';
      },
      {
        policy,
        clock,
        classify: (e) => ({ retry: true, retryAfterMs: (e as { retryAfterMs?: number }).retryAfterMs }),
        onRetry: (_e, _n, delay) => waits.push(delay),
      },
    );
    await clock.advance(4000);
    await expect(result).resolves.toBe('ok');
    expect(waits).toEqual([2000, 2000]);

    let fatal = 0;
    await expect(
      withRetry(async () => { fatal++; throw new Error('bad request'); }, { policy, clock, classify: () => ({ retry: false }) }),
    ).rejects.toThrow('bad request');
    expect(fatal).toBe(1);
  });

  it('makes no retry that would land after the deadline: the last failure stands', async () => {
    const clock = new VirtualClock();
    let attempts = 0;
    const result = withRetry(
      async () => {
        attempts++;
        throw Object.assign(new Error('busy'), { retryAfterMs: attempts === 1 ? 500 : 7000 });
      },
      { policy, clock, deadline: clock.now() + 2000, classify: (e) => ({ retry: true, retryAfterMs: (e as { retryAfterMs?: number }).retryAfterMs }) },
    );
    result.catch(() => {});
    await clock.advance(600);
    await expect(result).rejects.toThrow('busy');
    expect(attempts).toBe(2);
  });

  it('gives up after the configured retries', async () => {
    const clock = new VirtualClock();
    let attempts = 0;
    const result = withRetry(async () => { attempts++; throw new Error('down'); }, { policy, clock, classify: () => ({ retry: true }) });
    result.catch(() => {});
    await clock.advance(10_000);
    await expect(result).rejects.toThrow('down');
    expect(attempts).toBe(4);
  });
});
