import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.js';
import { Scheduler, spreadOffset } from './scheduler.js';

describe('Scheduler on a virtual clock', () => {
  it('ticks every period, aligned to the start plus the job offset, without drift', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const scheduler = new Scheduler(clock);
    const seen: number[] = [];
    scheduler.add({ id: 'w1', periodMs: 2000, run: async (at) => void seen.push(at) });
    scheduler.start();
    await clock.advance(10_000);
    const offset = spreadOffset('w1', 2000);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    seen.forEach((at, k) => expect(at).toBe(start + offset + k * 2000));
    expect(scheduler.stats('w1')).toMatchObject({ ticks: seen.length, skipped: 0 });
    scheduler.stop();
  });

  it('spreads a thousand watches of one period over the period', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const scheduler = new Scheduler(clock);
    const firstTick = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const id = `watch-${i}`;
      scheduler.add({ id, periodMs: 1000, run: async (at) => void (firstTick.has(id) || firstTick.set(id, at)) });
    }
    scheduler.start();
    await clock.advance(999);
    expect(firstTick.size).toBe(1000);
    const perMs = new Map<number, number>();
    for (const at of firstTick.values()) perMs.set(at - start, (perMs.get(at - start) ?? 0) + 1);
    // 1000 jobs over 1000 ms: many distinct ms, and no ms gets a crowd.
    expect(perMs.size).toBeGreaterThan(500);
    expect(Math.max(...perMs.values())).toBeLessThanOrEqual(8);
    scheduler.stop();
  });

  it('skips and counts a tick whose previous run is still in flight (no backlog)', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    let release: (() => void) | undefined;
    let runs = 0;
    scheduler.add({
      id: 'slow',
      periodMs: 1000,
      run: () => {
        runs++;
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    scheduler.start();
    await clock.advance(999); // the first tick
    expect(runs).toBe(1);
    await clock.advance(3000); // three more ticks while the first is in flight
    expect(runs).toBe(1);
    expect(scheduler.stats('slow')).toMatchObject({ ticks: 1, skipped: 3, inFlight: true });
    release!();
    await clock.advance(1000);
    expect(runs).toBe(2);
    expect(scheduler.stats('slow')!.skipped).toBe(3);
    release!();
    scheduler.stop();
    await scheduler.idle();
  });

  it('passes over ticks outside the schedule and never ticks after stop', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    let runs = 0;
    let allowed = false;
    scheduler.add({ id: 'night', periodMs: 100, active: () => allowed, run: async () => void runs++ });
    scheduler.start();
    await clock.advance(1000);
    expect(runs).toBe(0);
    expect(scheduler.stats('night')!.outside).toBeGreaterThanOrEqual(9);
    allowed = true;
    await clock.advance(1000);
    expect(runs).toBe(10);
    scheduler.stop();
    await clock.advance(1000);
    expect(runs).toBe(10);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a failing run is reported, not thrown, and the job keeps ticking', async () => {
    const clock = new VirtualClock();
    const errors: unknown[] = [];
    const scheduler = new Scheduler(clock, { onError: (_id, e) => errors.push(e) });
    let runs = 0;
    scheduler.add({ id: 'bad', periodMs: 100, run: async () => { runs++; throw new Error('boom'); } });
    scheduler.start();
    await clock.advance(500);
    expect(runs).toBe(5);
    expect(errors).toHaveLength(5);
    scheduler.stop();
  });

  it('starts a long-period job within its first 10 s', () => {
    for (let i = 0; i < 100; i++) expect(spreadOffset(`w${i}`, 300_000)).toBeLessThan(10_000);
  });

  it('removing a job stops its ticks; jobs added after start begin within a period', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const runs = { a: 0, b: 0 };
    scheduler.add({ id: 'a', periodMs: 100, run: async () => void runs.a++ });
    scheduler.start();
    await clock.advance(300);
    scheduler.remove('a');
    scheduler.add({ id: 'b', periodMs: 100, run: async () => void runs.b++ });
    await clock.advance(300);
    expect(runs.a).toBe(3);
    expect(runs.b).toBe(3);
    scheduler.stop();
  });
});
