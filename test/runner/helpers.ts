/** Shared helpers for the runner's end-to-end tests. */
import { check, Source } from '@ovs/lang';
import type { PipelineIr } from '@ovs/ir';
import type { VirtualClock } from '@ovs/runner';

/** Compiles .ovs text to its IR, failing the test with the diagnostics if it does not check. */
export function compileOvs(text: string, file = 'test.ovs'): PipelineIr {
  const result = check(new Source(text, file));
  if (!result.ir) throw new Error(`does not compile:\n${result.diagnostics.map((d) => d.message).join('\n')}`);
  return result.ir;
}

const realPause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Moves a virtual clock forward in steps, letting real I/O (HTTP to the fake backend) complete
 * between steps, until `done()` holds. Fails after `maxSteps`.
 */
export async function drive(clock: VirtualClock, done: () => boolean, what: string, { stepMs = 100, maxSteps = 2000, pauseMs = 2 } = {}): Promise<void> {
  for (let i = 0; i < maxSteps; i++) {
    if (done()) return;
    await clock.advance(stepMs);
    await realPause(pauseMs);
  }
  if (!done()) throw new Error(`gave up driving the clock waiting for ${what}`);
}

/** Waits in real time (the virtual clock standing still) until `done()` holds. */
export async function settle(done: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await realPause(2);
  }
}

/** Collects everything a handle emits. */
export function record<H extends { on(name: any, fn: (v: any) => void): unknown }>(handle: H) {
  const seen = { events: [] as any[], answers: [] as any[], errors: [] as any[], status: [] as any[] };
  handle.on('event', (e: any) => seen.events.push(e));
  handle.on('answer', (a: any) => seen.answers.push(a));
  handle.on('error', (e: any) => seen.errors.push(e));
  handle.on('status', (s: any) => seen.status.push(s));
  return seen;
}
