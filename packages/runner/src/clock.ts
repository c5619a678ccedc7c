/**
 * Time for the runner. Everything that waits (ticks, cooldowns, timeouts, backoff, keepalive,
 * polling) goes through a Clock, so a VirtualClock can drive a whole run without sleeping.
 */
import { MinHeap } from './heap.js';

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Wall-clock time in ms since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms` (>= 0). */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      timer.cancel();
      reject(signal!.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const handle = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
}

interface VirtualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Lets pending promise continuations (and already-completed I/O callbacks) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock that only moves when told to. `advance(ms)` runs every timer that falls due, in time
 * order (ties in creation order), letting promise chains settle after each one, so a test can
 * drive hours of schedule in milliseconds.
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #pending = 0;
  readonly #timers = new MinHeap<VirtualTimer>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));

  /** Starts at `startMs` (default 2026-01-01T00:00:00Z). */
  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const timer: VirtualTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#timers.push(timer);
    this.#pending++;
    return {
      cancel: () => {
        if (timer.cancelled) return;
        timer.cancelled = true;
        this.#pending--;
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  /** Timers still waiting (cancelled and fired ones excluded). */
  get pendingTimers(): number {
    return this.#pending;
  }

  /** When the next timer falls due, or undefined when none is waiting (for replays that jump from timer to timer). */
  get nextTimerAt(): number | undefined {
    this.#dropCancelled();
    return this.#timers.peek()?.at;
  }

  /** Moves time forward by `ms`, running due timers in order. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      this.#dropCancelled();
      const next = this.#timers.peek();
      if (!next || next.at > target) break;
      this.#timers.pop();
      next.cancelled = true;
      this.#pending--;
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      await settle();
    }
    this.#now = Math.max(this.#now, target);
    await settle();
  }

  #dropCancelled(): void {
    while (this.#timers.peek()?.cancelled) this.#timers.pop();
  }
}
