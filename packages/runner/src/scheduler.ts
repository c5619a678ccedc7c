/**
 * Periodic ticks for thousands of watches on one timer: a min-heap of next tick times driven
 * by the injected Clock. Each job ticks at `start + offset + k * period`, where the offset is a
 * deterministic hash of its id spread over the period (at most its first 10 s), so jobs of one
 * period do not all fire in the same millisecond and a run is reproducible. A tick whose previous run is still in flight is
 * skipped and counted, never queued.
 */
import type { Clock, Timer } from './clock.js';
import { MinHeap } from './heap.js';

export interface ScheduledJob {
  readonly id: string;
  readonly periodMs: number;
  /** When present, ticks at times it rejects are passed over (counted as `outside`). */
  readonly active?: (epochMs: number) => boolean;
  /** One tick's work; `scheduledAt` is the aligned tick time (not when it actually ran). */
  run(scheduledAt: number): Promise<void>;
}

export interface JobStats {
  ticks: number;
  /** Ticks not run because the previous one was still in flight (or the process fell behind). */
  skipped: number;
  /** Ticks passed over by the job's time-of-day schedule. */
  outside: number;
  inFlight: boolean;
}

export interface SchedulerHooks {
  /** Called for every tick that runs, with its lateness (actual - scheduled). */
  onTick?(jobId: string, scheduledAt: number, latenessMs: number): void;
  /** A job's run rejected: the scheduler never lets that become an unhandled rejection. */
  onError?(jobId: string, error: unknown): void;
}

interface Entry {
  readonly job: ScheduledJob;
  readonly stats: JobStats;
  next: number;
  removed: boolean;
  running?: Promise<void>;
}

/**
 * Spreading a long period's first ticks over all of it would leave a `every 5m` watch silent for
 * up to five minutes after start; 10 s is spread enough (a thousand watches: ~100 per second).
 */
export const MAX_SPREAD_MS = 10_000;

/** Where in its period a job ticks: FNV-1a (32 bits) of its id, a stable and well-spread hash. */
export function spreadOffset(id: string, periodMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % Math.min(periodMs, MAX_SPREAD_MS);
}

export class Scheduler {
  readonly #clock: Clock;
  readonly #hooks: SchedulerHooks;
  readonly #entries = new Map<string, Entry>();
  readonly #heap = new MinHeap<Entry>((a, b) => a.next < b.next);
  #timer: Timer | undefined;
  #armedFor = Infinity;
  #startedAt: number | undefined;
  #stopped = false;

  constructor(clock: Clock, hooks: SchedulerHooks = {}) {
    this.#clock = clock;
    this.#hooks = hooks;
  }

  add(job: ScheduledJob): JobStats {
    if (this.#entries.has(job.id)) throw new Error(`job "${job.id}" is already scheduled`);
    if (!(job.periodMs > 0)) throw new Error(`job "${job.id}" needs a positive period`);
    const entry: Entry = {
      job,
      stats: { ticks: 0, skipped: 0, outside: 0, inFlight: false },
      next: Infinity,
      removed: false,
    };
    this.#entries.set(job.id, entry);
    if (this.#startedAt !== undefined) this.#place(entry, this.#clock.now());
    return entry.stats;
  }

  /** Starts ticking; every job's first tick falls within one period of now. */
  start(): void {
    if (this.#startedAt !== undefined || this.#stopped) return;
    const now = this.#clock.now();
    this.#startedAt = now;
    for (const entry of this.#entries.values()) this.#place(entry, now, false);
    this.#arm();
  }

  /** Stops a job's future ticks (its run in flight, if any, continues). */
  remove(jobId: string): void {
    const entry = this.#entries.get(jobId);
    if (entry) entry.removed = true;
  }

  /** Stops every future tick. Runs in flight continue; await `idle()` for them. */
  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  stats(jobId: string): JobStats | undefined {
    return this.#entries.get(jobId)?.stats;
  }

  /** Resolves when every run in flight now has settled. */
  async idle(): Promise<void> {
    const running = [...this.#entries.values()].map((e) => e.running).filter((p) => p !== undefined);
    await Promise.allSettled(running);
  }

  #place(entry: Entry, now: number, arm = true): void {
    entry.next = now + spreadOffset(entry.job.id, entry.job.periodMs);
    this.#heap.push(entry);
    if (arm && entry.next < this.#armedFor) this.#arm();
  }

  #arm(): void {
    if (this.#stopped) return;
    const first = this.#heap.peek();
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#armedFor = first?.next ?? Infinity;
    if (!first) return;
    this.#timer = this.#clock.setTimeout(() => this.#fire(), first.next - this.#clock.now());
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    if (this.#stopped) return;
    const now = this.#clock.now();
    const due: Entry[] = [];
    while ((this.#heap.peek()?.next ?? Infinity) <= now) due.push(this.#heap.pop()!);
    for (const entry of due) {
      if (entry.removed) continue;
      const period = entry.job.periodMs;
      // Fell behind by whole periods (a stalled process): those ticks are skipped, not replayed.
      const behind = Math.floor((now - entry.next) / period);
      if (behind > 0) {
        entry.stats.skipped += behind;
        entry.next += behind * period;
      }
      this.#tick(entry, entry.next, now);
      entry.next += period;
      this.#heap.push(entry);
    }
    this.#arm();
  }

  #tick(entry: Entry, scheduledAt: number, now: number): void {
    const { job, stats } = entry;
    if (stats.inFlight) {
      stats.skipped++;
      return;
    }
    if (job.active && !job.active(now)) {
      stats.outside++;
      return;
    }
    stats.ticks++;
    stats.inFlight = true;
    this.#hooks.onTick?.(job.id, scheduledAt, now - scheduledAt);
    let running: Promise<void>;
    try {
      running = Promise.resolve(job.run(scheduledAt));
    } catch (error) {
      running = Promise.reject(error);
    }
    entry.running = running
      .catch((error: unknown) => this.#hooks.onError?.(job.id, error))
      .finally(() => {
        stats.inFlight = false;
        entry.running = undefined;
      });
  }
}
