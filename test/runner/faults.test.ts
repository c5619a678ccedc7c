import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run, VirtualClock } from '@ovs/runner';
import { absentAnswer, startFakeBackend, type FakeBackend, type FakeReply } from '../support/fake-backend.js';
import { compileOvs, drive, record } from './helpers.js';

const quiet = { stdout: false as const, env: {} };
const fastRetry = { retries: 2, minDelayMs: 100, maxDelayMs: 400, maxRetryAfterMs: 2000 };
const readJsonl = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);

let fake: FakeBackend;
let dir: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeEach(async () => {
  fake = await startFakeBackend();
  dir = mkdtempSync(path.join(os.tmpdir(), 'ovs-faults-'));
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A webhook receiver that fails every third request with a 500 and resets every fifth connection. */
async function flakyReceiver() {
  const received: Array<{ id: string; status: string }> = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      n++;
      if (n % 5 === 0) return void req.socket.destroy();
      if (n % 3 === 0) {
        res.writeHead(500);
        return void res.end();
      }
      const body = JSON.parse(Buffer.concat(chunks).toString());
      received.push({ id: body.id, status: body.status });
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('fault injection', () => {
  it('loses no event: every fired event is logged, then delivered or dead-lettered, with no unhandled rejection', async () => {
    const hook = await flakyReceiver();
    const deadPort = await closedPort();
    const clock = new VirtualClock();
    const streamId = fake.addStream(10);
    const faults: FakeReply[] = [
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 500 },
      { hang: true },
      { reset: true },
      { garbage: true },
      { answer: 'I am not sure what you mean.' },
      { status: 503, headers: { 'retry-after': 'soon' } },
    ];
    // Counted per kind of call, so the sequence of faults does not depend on how calls interleave.
    let watchCalls = 0;
    let escalations = 0;
    fake.script = (req) => {
      fake.advance(streamId, 3);
      if (req.schemaKeys.includes('confirmed')) {
        const e = escalations++;
        return e % 4 === 3 ? { status: 500 } : { answer: { confirmed: e % 2 === 0, confidence: 0.7, description: 'seen' } };
      }
      const w = watchCalls++;
      if (w % 3 === 0) return faults[(w / 3) % faults.length]!;
      return { answer: { fall: { present: true, confidence: 0.9 } } };
    };
    const eventsFile = path.join(dir, 'events.jsonl');
    const ir = compileOvs(`
      sink alerts = webhook "${hook.url}"
      sink broken = webhook "http://127.0.0.1:${deadPort}/nobody"
      watch stream A every 1s with gemma
        on "fall" notify alerts then escalate to qwen then notify broken then notify alerts`);
    const handle = run(ir, { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId }, eventsFile, callTimeoutMs: 2000, retry: fastRetry });
    const seen = record(handle);
    await handle.ready;
    await drive(clock, () => watchCalls >= 45, '45 watch calls', { stepMs: 200 });
    const stopped = handle.stop({ graceMs: 5000 });
    let summary: Awaited<typeof stopped> | undefined;
    stopped.then((s) => (summary = s));
    await drive(clock, () => summary !== undefined, 'the stop', { stepMs: 200 });

    const log = readJsonl(eventsFile);
    const fired = log.filter((r) => r.status === 'fired');
    expect(fired.length).toBeGreaterThan(5);
    // Nothing duplicated in the log: one record per event and status.
    expect(new Set(log.map((r) => `${r.id}/${r.status}`)).size).toBe(log.length);
    // Everything the handle reported is in the log.
    expect(seen.events.map((e) => `${e.id}/${e.status}`).sort()).toEqual(log.map((r) => `${r.id}/${r.status}`).sort());

    const dead = readJsonl(summary!.deadLetterFile);
    const deliveredOrDead = (sink: string, id: string, status: string) =>
      (sink === 'alerts' && hook.received.some((r) => r.id === id && r.status === status)) ||
      dead.some((d) => d.sink === sink && d.event.id === id && d.event.status === status);
    for (const event of fired) expect(deliveredOrDead('alerts', event.id, 'fired'), `fired ${event.id} to alerts`).toBe(true);
    const confirmed = log.filter((r) => r.status === 'confirmed');
    expect(confirmed.length).toBeGreaterThan(0);
    for (const event of confirmed) {
      expect(deliveredOrDead('broken', event.id, 'confirmed')).toBe(true);
      expect(deliveredOrDead('alerts', event.id, 'confirmed')).toBe(true);
    }
    // Rejected and failed events stop at the gate.
    const gated = new Set(log.filter((r) => r.status === 'rejected' || r.status === 'failed').map((r) => r.id));
    expect(gated.size).toBeGreaterThan(0);
    expect(dead.filter((d) => d.sink === 'broken' && gated.has(d.event.id))).toEqual([]);
    expect(log.filter((r) => r.status === 'failed').every((r) => r.escalations[0].error)).toBe(true);

    const watch = summary!.metrics.watches['watch:1']!;
    expect(watch.unreadable).toBeGreaterThan(0);
    expect(summary!.metrics.models.gemma!.retries).toBeGreaterThan(0);
    expect(summary!.deadLettered).toBe(dead.length);
    expect(summary!.undelivered).toBe(0);
    expect(unhandled).toEqual([]);
    await hook.close();
  });

  it('reports a model that keeps failing and keeps the rest of the pipeline running', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(10);
    fake.script = (req) => (req.model === 'google/gemma-4-E4B-it' ? { status: 500 } : absentAnswer(req));
    const ir = compileOvs('watch stream A every 1s with gemma on "fall" notify stdout\nwatch stream A every 1s with qwen on "smoke" notify stdout');
    const handle = run(ir, { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId }, retry: { retries: 1, minDelayMs: 10, maxDelayMs: 10 } });
    const seen = record(handle);
    await handle.ready;
    await drive(clock, () => seen.status.some((s) => s.kind === 'model_failing'), 'model_failing', { stepMs: 200 });
    const qwenAnswers = seen.answers.filter((a) => a.modelName === 'qwen' && !a.error).length;
    await drive(clock, () => seen.answers.filter((a) => a.modelName === 'qwen' && !a.error).length >= qwenAnswers + 3, 'qwen still answering', { stepMs: 200 });
    const metrics = handle.metrics();
    expect(metrics.models.gemma).toMatchObject({ failing: true, lastError: expect.stringContaining('HTTP 500') });
    expect(metrics.models.qwen!.failing).toBe(false);
    expect(seen.errors.some((e) => e.scope === 'model' && e.model === 'gemma' && /failed 3 times in a row/.test(e.message))).toBe(true);
    handle.stop();
    await drive(clock, () => handle.metrics().callsInFlight === 0, 'stopped', { stepMs: 100 });
    expect(unhandled).toEqual([]);
  });

  it('records an event whose escalation cannot answer as failed, and runs no action after the gate', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(10);
    fake.script = (req) => (req.schemaKeys.includes('confirmed') ? { status: 503 } : { answer: { fall: { present: true, confidence: 0.9 } } });
    const eventsFile = path.join(dir, 'events.jsonl');
    const ir = compileOvs(`sink log = file "${path.join(dir, 'notified.jsonl')}"\nwatch stream A every 1s with gemma on "fall" cooldown 1h escalate to qwen then notify log`);
    const handle = run(ir, { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId }, eventsFile, retry: { retries: 1, minDelayMs: 10, maxDelayMs: 10 } });
    const seen = record(handle);
    await handle.ready;
    await drive(clock, () => seen.events.length >= 2, 'fired and failed');
    await handle.stop();
    expect(readJsonl(eventsFile).map((r) => r.status)).toEqual(['fired', 'failed']);
    expect(seen.events[1].escalations[0]).toMatchObject({ model: 'Qwen/Qwen3.5-9B', confirmed: false, error: expect.stringContaining('HTTP 503') });
    expect(existsSync(path.join(dir, 'notified.jsonl'))).toBe(false);
  });

  it('cancels calls still hanging when the grace period ends', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(10);
    fake.script = () => ({ hang: true });
    const handle = run(compileOvs('watch stream A every 1s with gemma on "fall" notify stdout'), { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId }, callTimeoutMs: 60_000 });
    await handle.ready;
    await drive(clock, () => fake.inFlight === 1, 'a hanging call');
    const stopped = handle.stop({ graceMs: 1000 });
    let summary: Awaited<typeof stopped> | undefined;
    stopped.then((s) => (summary = s));
    await drive(clock, () => summary !== undefined, 'the stop');
    expect(summary).toMatchObject({ reason: 'stopped', cancelledOnStop: true });
    expect(summary!.metrics.models.gemma!.failing).toBe(false);
    expect(unhandled).toEqual([]);
  });

  it('a second stop with graceMs 0 cuts the grace short', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(10);
    fake.script = () => ({ hang: true });
    const handle = run(compileOvs('watch stream A every 1s with gemma on "fall" notify stdout'), { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId } });
    await handle.ready;
    await drive(clock, () => fake.inFlight === 1, 'a hanging call');
    void handle.stop();
    const summary = await handle.stop({ graceMs: 0 });
    expect(summary.cancelledOnStop).toBe(true);
  });

  it('skips routine calls when a budget is spent, and says so', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(10);
    const handle = run(compileOvs('limit gemma calls 3 per hour\nwatch stream A every 1s with gemma on "fall" notify stdout'), { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId } });
    const seen = record(handle);
    await handle.ready;
    await drive(clock, () => handle.metrics().watches['watch:1']!.budgetSkipped >= 5, 'budget skips', { stepMs: 500 });
    expect(fake.watchCalls).toHaveLength(3);
    expect(seen.status.filter((s) => s.kind === 'budget_spent')).toHaveLength(1);
    expect(seen.status.find((s) => s.kind === 'budget_spent').message).toContain('3 calls per 3600000 ms');
    await handle.stop();
  });
});
