import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.js';
import { VirtualClock } from './clock.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('InFlight', () => {
  it('is idle only once every request has settled and what its answer started has run', async () => {
    const inFlight = new InFlight();
    const first = deferred();
    const second = deferred();
    const log: string[] = [];
    // An answer that starts another request a few promise turns later (as a call's answer starts an escalation).
    void inFlight.track(() => first.promise).then(async () => {
      await Promise.resolve();
      await Promise.resolve();
      void inFlight.track(() => second.promise).then(() => log.push('second answered'));
    });
    let idle = false;
    const waiting = inFlight.idle().then(() => (idle = true));
    first.resolve();
    await new Promise((r) => setTimeout(r, 20));
    expect(idle).toBe(false);
    expect(inFlight.count).toBe(1);
    second.resolve();
    await waiting;
    expect(log).toEqual(['second answered']);
    expect(inFlight.count).toBe(0);
  });

  it('a failed request counts out as well', async () => {
    const inFlight = new InFlight();
    await expect(inFlight.track(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await inFlight.idle();
    expect(inFlight.count).toBe(0);
  });
});

describe('VirtualClock.nextTimerAt', () => {
  it('is the due time of the earliest timer still waiting', async () => {
    const clock = new VirtualClock(0);
    expect(clock.nextTimerAt).toBeUndefined();
    const late = clock.setTimeout(() => {}, 500);
    const early = clock.setTimeout(() => {}, 200);
    expect(clock.nextTimerAt).toBe(200);
    early.cancel();
    expect(clock.nextTimerAt).toBe(500);
    await clock.advanceTo(500);
    expect(clock.nextTimerAt).toBeUndefined();
    late.cancel();
  });
});
