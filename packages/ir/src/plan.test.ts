import { describe, expect, it } from 'vitest';
import {
  activeMinutesPerDay,
  framesPerCall,
  minFiringIntervalMs,
  planCost,
  visualTokensPerFrame,
} from './plan.js';
import { PipelineIr } from './schema.js';
import type { Budget, Edge, IrNode } from './schema.js';

const ir = (nodes: IrNode[], edges: Edge[], budgets: Budget[] = []): PipelineIr =>
  PipelineIr.parse({ version: 1, nodes, edges, limits: { modelConcurrency: {}, budgets } });

const e = (from: string, to: string, kind: Edge['kind']): Edge => ({ from, to, kind });
const frame = { kind: 'frame' } as const;
const win = (beforeMs: number, afterMs: number, maxFps: number) => ({ kind: 'window', beforeMs, afterMs, maxFps }) as const;

/** `watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s` */
const oneLiner = ir(
  [
    { id: 'stream:A', type: 'stream', name: 'A', binding: { kind: 'param' } },
    { id: 'model:gemma', type: 'model', name: 'gemma', model: 'google/gemma-4-E4B-it', params: {}, declared: false },
    { id: 'model:qwen', type: 'model', name: 'qwen', model: 'Qwen/Qwen3.5-9B', params: {}, declared: false },
    { id: 'w1', type: 'watch', periodMs: 2000, view: frame, prompt: 'Is there a fall?', promptDerived: true, vote: { mode: 'all' }, labels: ['fall'] },
    { id: 't1', type: 'trigger', labels: ['fall'], k: 1, n: 1, above: null, cooldownMs: 0 },
    { id: 'e1', type: 'escalation', view: win(30_000, 0, 1), prompt: 'Is this a fall?', promptDerived: true },
  ],
  [e('stream:A', 'w1', 'input'), e('model:gemma', 'w1', 'model'), e('w1', 't1', 'trigger'), e('t1', 'e1', 'then'), e('model:qwen', 'e1', 'model')],
);

/**
 * Two streams at night, two voting models (one unknown), a builtin escalation with a window
 * around the event, a webhook, and two budgets.
 */
const nightWatch = ir(
  [
    { id: 's1', type: 'stream', name: 'lobby', binding: { kind: 'id', streamId: 'cc3e3f79' } },
    { id: 's2', type: 'stream', name: 'door', binding: { kind: 'source', source: { type: 'rtsp', url: 'rtsp://127.0.0.1:8554/door' } } },
    { id: 'm1', type: 'model', name: 'gemma', model: 'google/gemma-4-E4B-it', params: { image_tokens: 70 }, declared: true },
    { id: 'm2', type: 'model', name: 'mystery', model: 'acme/vision-1', params: {}, declared: true },
    { id: 'm3', type: 'model', name: 'detect', model: 'builtin/detect', params: {}, declared: true },
    { id: 'm4', type: 'model', name: 'unused', model: 'Qwen/Qwen3.5-9B', params: {}, declared: true },
    { id: 'k1', type: 'sink', name: 'alerts', sink: 'webhook', target: 'http://127.0.0.1:9000/hook', params: {} },
    {
      id: 'w1', type: 'watch', periodMs: 5000, view: win(5000, 0, 2), prompt: 'Is someone there?', promptDerived: false,
      vote: { mode: 'all' }, schedule: { from: '22:00', to: '06:00' }, labels: ['intruder'],
    },
    { id: 't1', type: 'trigger', labels: ['intruder'], k: 2, n: 3, above: null, cooldownMs: 60_000 },
    { id: 'e1', type: 'escalation', view: win(10_000, 5000, 1), prompt: 'person', promptDerived: false },
    { id: 'n1', type: 'notify' },
  ],
  [
    e('s1', 'w1', 'input'), e('s2', 'w1', 'input'), e('m1', 'w1', 'model'), e('m2', 'w1', 'model'), e('w1', 't1', 'trigger'),
    e('t1', 'e1', 'then'), e('m3', 'e1', 'model'), e('e1', 'n1', 'then'), e('n1', 'k1', 'deliver'),
  ],
  [
    { model: 'm2', metric: 'calls', amount: 600, perMs: 3_600_000 },
    { metric: 'tokens', amount: 1_000_000, perMs: 3_600_000 },
  ],
);

describe('framesPerCall', () => {
  it('sends one frame per stream for a frame view', () => {
    expect(framesPerCall(frame)).toBe(1);
    expect(framesPerCall(frame, 3)).toBe(3);
  });
  it('sends floor(seconds x fps) + 1 frames per stream for a window', () => {
    expect(framesPerCall(win(30_000, 0, 1))).toBe(31);
    expect(framesPerCall(win(30_000, 0, 2))).toBe(61);
    expect(framesPerCall(win(10_000, 5000, 1), 2)).toBe(32);
    expect(framesPerCall(win(700, 0, 10))).toBe(8);
    expect(framesPerCall(win(1500, 0, 1))).toBe(2);
  });
});

describe('visualTokensPerFrame', () => {
  const model = (id: string, params: Record<string, number> = {}) => ({ model: id, params });
  it('prices Qwen-VL by pixels / 2048', () => {
    expect(visualTokensPerFrame(model('Qwen/Qwen3.5-9B')).tokensPerFrame).toBe(450);
    expect(visualTokensPerFrame(model('Qwen/Qwen3.5-9B'), { width: 640, height: 640 }).tokensPerFrame).toBe(200);
    expect(visualTokensPerFrame(model('qwen2.5-vl:7b'), { width: 640, height: 480 }).tokensPerFrame).toBe(150);
  });
  it('prices Gemma 4 at 256 per image unless image_tokens says otherwise', () => {
    expect(visualTokensPerFrame(model('google/gemma-4-E4B-it')).tokensPerFrame).toBe(256);
    expect(visualTokensPerFrame(model('google/gemma-4-E4B-it', { image_tokens: 560 })).tokensPerFrame).toBe(560);
  });
  it('bills nothing for builtin models and does not guess for unknown ones', () => {
    expect(visualTokensPerFrame(model('builtin/motion'))).toMatchObject({ family: 'builtin', tokensPerFrame: 0 });
    expect(visualTokensPerFrame(model('acme/vision-1'))).toMatchObject({ family: 'unknown', tokensPerFrame: null });
  });
});

describe('minFiringIntervalMs', () => {
  it('is one tick without cooldown and the cooldown rounded up to whole ticks with one', () => {
    expect(minFiringIntervalMs(0, 2000)).toBe(2000);
    expect(minFiringIntervalMs(1000, 2000)).toBe(2000);
    expect(minFiringIntervalMs(5000, 2000)).toBe(6000);
    expect(minFiringIntervalMs(60_000, 2000)).toBe(60_000);
  });
});

describe('activeMinutesPerDay', () => {
  it('counts the schedule, wrapping past midnight', () => {
    expect(activeMinutesPerDay(undefined)).toBe(1440);
    expect(activeMinutesPerDay({ from: '08:00', to: '18:30' })).toBe(630);
    expect(activeMinutesPerDay({ from: '22:00', to: '06:00' })).toBe(480);
    expect(activeMinutesPerDay({ from: '07:00', to: '07:00' })).toBe(1440);
  });
});

describe('planCost', () => {
  it("prices the user's one-liner: gemma every 2s, qwen on 31 frames per event", () => {
    const plan = planCost(oneLiner);
    expect(plan.parameters).toEqual(['A']);
    const idle = Object.fromEntries(plan.idle.models.map((m) => [m.model, m.perHour]));
    expect(idle).toEqual({
      gemma: { calls: 1800, frames: 1800, tokens: 1800 * 256 },
      qwen: { calls: 0, frames: 0, tokens: 0 },
    });
    const worst = Object.fromEntries(plan.worst.models.map((m) => [m.model, m.perHour]));
    expect(worst['qwen']).toEqual({ calls: 1800, frames: 1800 * 31, tokens: 1800 * 31 * 450 });
    expect(plan.worst.total.perHour).toEqual({ calls: 3600, frames: 1800 + 55_800, tokens: 460_800 + 25_110_000 });
    expect(plan.worst.total.perDay.calls).toBe(3600 * 24);
    expect(plan.watches[0]!.triggers[0]).toMatchObject({ minIntervalMs: 2000, firingsPerHour: 1800 });
  });

  it('uses the resolution for Qwen tokens', () => {
    const plan = planCost(oneLiner, { resolution: { width: 640, height: 640 } });
    expect(plan.worst.models.find((m) => m.model === 'qwen')!.perHour.tokens).toBe(1800 * 31 * 200);
  });

  it('counts two streams, votes, schedules, windows around events, and caps by budgets', () => {
    const plan = planCost(nightWatch);
    expect(plan.idle.models.map((m) => m.model)).toEqual(['gemma', 'mystery', 'detect']);
    const w = plan.watches[0]!;
    expect(w).toMatchObject({ streams: ['lobby', 'door'], models: ['gemma', 'mystery'], framesPerCall: 22, activeHoursPerDay: 8 });
    expect(w.triggers[0]).toMatchObject({ minIntervalMs: 60_000, firingsPerHour: 60 });
    expect(w.triggers[0]!.chain).toEqual([
      { kind: 'escalation', id: 'e1', models: ['detect'], framesPerCall: 32 },
      { kind: 'notify', id: 'n1', sink: 'alerts' },
    ]);

    const [gemma, mystery, detect] = plan.worst.models;
    // mystery's own budget first holds its 720 watch calls/hour at 600. Then the pipeline token
    // budget (1,000,000/hour) binds: gemma's watch calls would spend 720 x 22 x 70 = 1,108,800, so
    // every routine call it covers runs only that share of the time.
    const share = 1_000_000 / 1_108_800;
    expect(gemma!.perHour.tokens).toBeCloseTo(1_000_000);
    expect(gemma!.perHour.calls).toBeCloseTo(720 * share);
    expect(gemma!.cappedBy).toEqual(['limit tokens 1000000 per hour']);
    expect(mystery!.perHour.calls).toBeCloseTo(600 * share);
    expect(mystery!.perHour.frames).toBeCloseTo(600 * 22 * share);
    expect(mystery!.perHour.tokens).toBeNull();
    expect(mystery!.cappedBy).toEqual(['limit mystery calls 600 per hour', 'limit tokens 1000000 per hour']);
    // The builtin escalation: 60 firings/hour x 32 frames, no tokens; budgets never hold escalations back.
    expect(detect!.perHour).toEqual({ calls: 60, frames: 1920, tokens: 0 });
    expect(detect!.cappedBy).toEqual([]);
    // Per day: the 8 hours the watch runs, each held back by the hourly budgets like the hour above.
    expect(gemma!.perDay.calls).toBeCloseTo(720 * share * 8);
    expect(gemma!.perDay.tokens).toBeCloseTo(8_000_000);
    expect(detect!.perDay.calls).toBe(480);
    // The escalation spends no tokens, so without events the same budgets bind the same way.
    const idle = plan.idle.models.map((m) => [m.model, Math.round(m.perDay.calls)]);
    expect(idle).toEqual([['gemma', Math.round(720 * share * 8)], ['mystery', Math.round(600 * share * 8)], ['detect', 0]]);

    expect(plan.worst.total.cappedBy).toEqual(['limit mystery calls 600 per hour', 'limit tokens 1000000 per hour']);
    expect(plan.worst.total.exceededBy).toEqual([]);
    expect(plan.worst.total.tokensUnknownFor).toEqual(['mystery']);
    expect(plan.worst.total.perHour.tokens).toBeCloseTo(1_000_000);
    expect(plan.budgets).toEqual([
      { text: 'limit mystery calls 600 per hour', model: 'mystery', metric: 'calls', perHourCap: 600, perDayCap: 14_400 },
      { text: 'limit tokens 1000000 per hour', model: undefined, metric: 'tokens', perHourCap: 1_000_000, perDayCap: 24_000_000 },
    ]);
  });

  const withBudgets = (budgets: Budget[]) => ({ ...oneLiner, limits: { modelConcurrency: {}, budgets } });

  it('lets a day budget go in one hour and caps the day', () => {
    const plan = planCost(withBudgets([{ model: 'model:gemma', metric: 'calls', amount: 100, perMs: 86_400_000 }]));
    const gemma = plan.idle.models.find((m) => m.model === 'gemma')!;
    expect(gemma.perHour).toEqual({ calls: 100, frames: 100, tokens: 25_600 });
    expect(gemma.perDay.calls).toBe(100);
    expect(gemma.cappedBy).toEqual(['limit gemma calls 100 per day']);
  });

  it('never holds escalations back, and says when they alone exceed a budget', () => {
    const plan = planCost(withBudgets([{ model: 'model:qwen', metric: 'calls', amount: 120, perMs: 3_600_000 }]));
    expect(plan.worst.models.find((m) => m.model === 'qwen')!.perHour.calls).toBe(1800);
    expect(plan.worst.total.exceededBy).toEqual(['limit qwen calls 120 per hour']);
    expect(plan.idle.total.exceededBy).toEqual([]);
  });

  it('lowers watch calls to what escalations leave of a pipeline budget', () => {
    // 1800 gemma watch calls + 1800 qwen escalations an hour against 2400 calls: 600 watch calls remain.
    const plan = planCost(withBudgets([{ metric: 'calls', amount: 2400, perMs: 3_600_000 }]));
    const calls = Object.fromEntries(plan.worst.models.map((m) => [m.model, m.perHour.calls]));
    expect(calls).toEqual({ gemma: 600, qwen: 1800 });
    expect(plan.idle.models.find((m) => m.model === 'gemma')!.perHour.calls).toBe(1800);
  });

  it('prices a day stretch by stretch: watches on different shifts never share an hourly budget', () => {
    const shift = (id: string, from: string, to: string): IrNode => ({
      id, type: 'watch', periodMs: 2000, view: frame, prompt: 'x', promptDerived: false, vote: { mode: 'all' }, schedule: { from, to }, labels: [],
    });
    const shifts = ir(
      [
        { id: 's', type: 'stream', name: 'A', binding: { kind: 'param' } },
        { id: 'm', type: 'model', name: 'gemma', model: 'google/gemma-4-E4B-it', params: {}, declared: false },
        shift('day', '08:00', '20:00'),
        shift('night', '20:00', '08:00'),
      ],
      [e('s', 'day', 'input'), e('s', 'night', 'input'), e('m', 'day', 'model'), e('m', 'night', 'model')],
      [{ model: 'm', metric: 'calls', amount: 2000, perMs: 3_600_000 }],
    );
    const [gemma] = planCost(shifts).idle.models;
    // The hourly figure counts both watches running at once, so the budget holds it at 2000...
    expect(gemma!.perHour.calls).toBe(2000);
    // ...but in any real hour only one runs (1800 calls), under the budget: 24 x 1800 a day.
    expect(gemma!.perDay.calls).toBe(43_200);
  });
});
