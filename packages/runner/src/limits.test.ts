import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.js';
import { Budgets } from './budgets.js';
import { CallLimits, Priority, PriorityGate } from './limits.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('PriorityGate', () => {
  it('never runs more than its concurrency at once', async () => {
    const gate = new PriorityGate(3);
    let running = 0;
    let peak = 0;
    const jobs = Array.from({ length: 20 }, () =>
      gate.run(Priority.Routine, async () => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
      }),
    );
    await Promise.all(jobs);
    expect(peak).toBe(3);
  });

  it('gives the next free slot to an escalation ahead of every waiting routine call', async () => {
    const gate = new PriorityGate(2);
    const order: string[] = [];
    const holds = [deferred(), deferred()];
    const busy = holds.map((h, i) => gate.run(Priority.Routine, async () => { order.push(`busy${i}`); await h.promise; }));
    const routine = Array.from({ length: 50 }, (_, i) => gate.run(Priority.Routine, async () => void order.push(`r${i}`)));
    await tick();
    const escalation = gate.run(Priority.Escalation, async () => void order.push('escalation'));
    holds[0]!.resolve();
    await escalation;
    // The escalation ran as soon as one slot freed, before all 50 queued routine calls.
    expect(order.indexOf('escalation')).toBe(2);
    holds[1]!.resolve();
    await Promise.all([...busy, ...routine]);
  });

  it('passes a job failure to its caller and keeps going', async () => {
    const gate = new PriorityGate(1);
    await expect(gate.run(Priority.Routine, async () => { throw new Error('nope'); })).rejects.toThrow('nope');
    await expect(gate.run(Priority.Routine, async () => 7)).resolves.toBe(7);
  });
});

describe('CallLimits', () => {
  it('applies the per-model limit inside the pipeline limit', async () => {
    const limits = new CallLimits({ pipeline: 4, models: { qwen: 1 } });
    let qwenRunning = 0;
    let qwenPeak = 0;
    let allRunning = 0;
    let allPeak = 0;
    const call = (model: string) =>
      limits.run(model, Priority.Routine, async () => {
        allRunning++;
        allPeak = Math.max(allPeak, allRunning);
        if (model === 'qwen') qwenPeak = Math.max(qwenPeak, ++qwenRunning);
        await tick();
        if (model === 'qwen') qwenRunning--;
        allRunning--;
      });
    await Promise.all([...Array.from({ length: 10 }, () => call('qwen')), ...Array.from({ length: 10 }, () => call('gemma'))]);
    expect(qwenPeak).toBe(1);
    expect(allPeak).toBe(4);
  });
});

describe('Budgets', () => {
  it('reports a calls budget spent within its sliding window, and free again after it', async () => {
    const clock = new VirtualClock();
    const budgets = new Budgets([{ metric: 'calls', amount: 2, perMs: 60_000 }], clock);
    expect(budgets.exhausted('m')).toBeUndefined();
    budgets.recordCall('m');
    await clock.advance(10_000);
    budgets.recordCall('m');
    expect(budgets.exhausted('m')).toMatchObject({ metric: 'calls', amount: 2 });
    await clock.advance(50_000); // the first call leaves the window
    expect(budgets.exhausted('m')).toBeUndefined();
  });

  it('counts tokens against a per-model budget only for that model', () => {
    const clock = new VirtualClock();
    const budgets = new Budgets([{ model: 'qwen', metric: 'tokens', amount: 1000, perMs: 3_600_000 }], clock);
    budgets.recordTokens('qwen', 600);
    budgets.recordTokens('gemma', 5000);
    expect(budgets.exhausted('qwen')).toBeUndefined();
    expect(budgets.exhausted('gemma')).toBeUndefined();
    budgets.recordTokens('qwen', 400);
    expect(budgets.exhausted('qwen')).toBeDefined();
  });
});
