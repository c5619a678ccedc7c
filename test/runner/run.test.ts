import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { Aedes } from 'aedes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run, RunError, VirtualClock } from '@ovs/runner';
import { absentAnswer, startFakeBackend, type FakeBackend } from '../support/fake-backend.js';
import { compileOvs, drive, record, settle } from './helpers.js';

const ONE_LINER = 'watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s';
const quiet = { stdout: false as const, env: {} };

let fake: FakeBackend;
let dir: string;
beforeEach(async () => {
  fake = await startFakeBackend();
  dir = mkdtempSync(path.join(os.tmpdir(), 'ovs-run-'));
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const readJsonl = (file: string) => readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('before anything starts', () => {
  it('names a missing binding and how to give it', () => {
    let error: unknown;
    try {
      run(compileOvs(ONE_LINER), { ...quiet, backend: { url: fake.url } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).code).toBe('missing_binding');
    expect((error as RunError).message).toContain('stream A');
    expect((error as RunError).message).toContain('--stream A=<stream id | ovs://streams/<id> | file:PATH | rtsp://... | https://...m3u8');
    expect(fake.streamRequests).toHaveLength(0);
  });

  it('refuses a local file against the hosted service', () => {
    const ir = compileOvs(ONE_LINER);
    expect(() => run(ir, { ...quiet, env: { OVERSHOOT_API_KEY: 'k-secret' }, bindings: { A: 'file:clip.mp4' } })).toThrow(
      expect.objectContaining({ code: 'file_source_unsupported', message: expect.stringContaining('cannot read this machine') }),
    );
    expect(() => run(ir, { ...quiet, backend: { url: 'https://api.overshoot.ai/v1' }, bindings: { A: 'file:clip.mp4' } })).toThrow(/hosted service/);
  });

  it('rejects an invalid IR, an unknown model remap and an unknown binding with clear messages', () => {
    expect(() => run({ version: 1, nodes: 'x' }, quiet)).toThrow(/pipeline IR is not valid[\s\S]*nodes/);
    expect(() => run(compileOvs(ONE_LINER), { ...quiet, bindings: { A: 's1' }, modelMap: { gema: 'builtin/motion' } })).toThrow(/--model gema: the pipeline uses no model of that name \(its models: gemma, qwen\)/);
    expect(() => run(compileOvs(ONE_LINER), { ...quiet, bindings: { A: 's1', B: 's2' } })).toThrow(/--stream B: the pipeline has no stream of that name/);
    expect(() => run(compileOvs(ONE_LINER), { ...quiet, bindings: { A: 'https://example.com/video' } })).toThrow(/cannot tell what/);
  });
});

describe('a backend that cannot be used', () => {
  it('says so plainly before any stream is created: not a URL, nothing listening, a refused key, a URL without /v1', async () => {
    const ir = compileOvs(ONE_LINER);
    const bindings = { A: fake.addStream() };
    expect(() => run(ir, { ...quiet, backend: { url: 'notaurl' }, bindings })).toThrow(expect.objectContaining({ code: 'invalid_options', message: expect.stringContaining('"notaurl" is not an http(s) URL') }));

    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(run(ir, { ...quiet, backend: { url: `http://127.0.0.1:${port}/v1` }, bindings }).done).rejects.toMatchObject({
      code: 'backend_unavailable',
      message: `cannot reach the backend at http://127.0.0.1:${port}/v1 (connection refused): is it running?`,
    });

    // Like our server: GET /models needs no key, everything else does.
    const refusing = http.createServer((req, res) => {
      if (req.url === '/v1/models' && listsModels) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'google/gemma-4-E4B-it' }, { id: 'Qwen/Qwen3.5-9B' }] }));
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"missing or invalid API key"}');
    });
    let listsModels = false;
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/v1`;
      await expect(run(ir, { ...quiet, backend: { url }, bindings }).done).rejects.toMatchObject({
        code: 'backend_unavailable',
        message: expect.stringContaining('the backend refused the request (401): set OVS_API_KEY'),
      });
      listsModels = true;
      await expect(run(ir, { ...quiet, backend: { url }, bindings: { A: 'rtsp://127.0.0.1:8554/cam' } }).done).rejects.toMatchObject({
        code: 'backend_unavailable',
        message: expect.stringContaining('the backend refused the request (401): set OVS_API_KEY'),
      });
    } finally {
      await new Promise<void>((r) => refusing.close(() => r()));
    }

    const withoutV1 = fake.url.replace(/\/v1$/, '');
    await expect(run(ir, { ...quiet, backend: { url: withoutV1 }, bindings }).done).rejects.toMatchObject({
      code: 'backend_unavailable',
      message: expect.stringContaining(`did you mean ${withoutV1}/v1?`),
    });
    expect(fake.streamRequests).toEqual([]);
  });
});

describe('models the backend does not serve', () => {
  it('fails before starting, naming the model and how to remap it', async () => {
    const lister = await startFakeBackend({ models: ['google/gemma-4-E4B-it', 'builtin/detect'] });
    try {
      const handle = run(compileOvs(ONE_LINER), { ...quiet, backend: { url: lister.url }, bindings: { A: lister.addStream() } });
      await expect(handle.done).rejects.toMatchObject({
        code: 'unknown_model',
        message: expect.stringContaining('model qwen is "Qwen/Qwen3.5-9B", which the backend does not serve; remap it with --model qwen=<id>'),
      });
      const ok = run(compileOvs(ONE_LINER), { ...quiet, backend: { url: lister.url }, bindings: { A: lister.addStream() }, modelMap: { qwen: 'builtin/detect' } });
      await ok.ready;
      await ok.stop();
    } finally {
      await lister.close();
    }
  });
});

describe('a stream without frames yet', () => {
  it('counts "no frame yet" answers apart from failures, and starts answering when frames come', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(0);
    const handle = run(compileOvs(ONE_LINER), { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId } });
    const seen = record(handle);
    await handle.ready;
    await drive(clock, () => handle.metrics().watches['watch:1']!.noFrames >= 4, 'four empty ticks');
    fake.advance(streamId, 5);
    await drive(clock, () => seen.answers.some((a) => a.method === 'schema'), 'an answer');
    const metrics = handle.metrics();
    expect(metrics.watches['watch:1']!.failures).toBe(0);
    expect(metrics.models.gemma!.failing).toBe(false);
    expect(seen.status.map((s) => s.kind)).not.toContain('model_failing');
    await handle.stop();
  });
});

describe('a stream that gives no frame', () => {
  it('is reported as a stream issue, again after twice as long each time rather than at every poll', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(0);
    const handle = run(compileOvs(ONE_LINER), { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId } });
    const seen = record(handle);
    await handle.ready;
    const streamIssues = () => seen.errors.filter((e) => e.scope === 'stream').map((e) => e.message);
    await drive(clock, () => streamIssues().length >= 3, 'three reports', { stepMs: 500, pauseMs: 2 });
    expect(handle.metrics().uptimeMs).toBeGreaterThanOrEqual(40_000);
    expect(streamIssues()).toEqual(['stream A: no frames yet after 10 s', 'stream A: no frames yet after 20 s', 'stream A: no frames yet after 40 s']);
    expect(seen.errors.every((e) => e.stream === undefined || e.stream === 'A')).toBe(true);
    await handle.stop();
  });
});

describe('the one-liner against a fake backend', () => {
  it('watches every 2 s, fires on "fall", escalates with absolute anchors to the frame the watch saw, logs before anything else', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(50);
    let watchSaw: { index: number; timestampMs: number } | undefined;
    fake.script = (req, n) => {
      if (req.schemaKeys.includes('confirmed')) return { answer: { confirmed: true, confidence: 0.9, description: 'a person fell' } };
      if (n === 1) {
        watchSaw = fake.lastFrame(streamId);
        // The stream moves on a lot before the escalation is asked.
        fake.advance(streamId, 300);
        return { answer: { fall: { present: true, confidence: 0.93 } }, tokens: 120 };
      }
      fake.advance(streamId, 5);
      return absentAnswer(req);
    };
    const eventsFile = path.join(dir, 'events.jsonl');
    const handle = run(compileOvs(ONE_LINER, 'fall.ovs'), { ...quiet, clock, backend: { url: fake.url }, bindings: { A: `ovs://streams/${streamId}` }, eventsFile });
    const seen = record(handle);
    const info = await handle.ready;
    expect(info.streams).toEqual([{ name: 'A', id: streamId, created: false }]);
    await drive(clock, () => seen.events.length >= 2, 'fired and confirmed');

    const [watchCall] = fake.watchCalls;
    expect(watchCall!.model).toBe('google/gemma-4-E4B-it');
    expect(watchCall!.refs).toEqual([`ovs://streams/${streamId}?frame_index=-1`]);
    expect(watchCall!.schemaKeys).toEqual(['fall']);
    expect(watchCall!.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { strict: true } });

    const [escalation] = fake.escalations;
    expect(escalation!.model).toBe('Qwen/Qwen3.5-9B');
    const start = Math.max(0, watchSaw!.timestampMs - 30_000);
    expect(escalation!.refs).toEqual([`ovs://streams/${streamId}?start_timestamp_ms=${start}&end_frame_index=${watchSaw!.index}`]);

    const [fired, confirmed] = seen.events;
    expect(fired).toMatchObject({
      status: 'fired', watch: 'watch:1', trigger: 'trigger:1.1', label: 'fall', confidence: 0.93, model: 'google/gemma-4-E4B-it',
      rule: { file: 'fall.ovs', line: 1, column: 37 }, stream: { name: 'A', id: streamId }, tokens: 120,
      frames: [{ frame_index: watchSaw!.index, timestamp_ms: watchSaw!.timestampMs, ref: `ovs://streams/${streamId}?frame_index=${watchSaw!.index}`, source: 'resolved' }],
    });
    expect(confirmed).toMatchObject({ id: fired.id, status: 'confirmed', escalations: [{ model: 'Qwen/Qwen3.5-9B', confirmed: true, confidence: 0.9, description: 'a person fell' }] });
    expect(readJsonl(eventsFile).map((r) => [r.id, r.status])).toEqual([[fired.id, 'fired'], [fired.id, 'confirmed']]);

    const summary = await handle.stop();
    expect(summary).toMatchObject({ reason: 'stopped', events: { fired: 1, confirmed: 1, rejected: 0, failed: 0 } });
    expect(summary.metrics.watches['watch:1']).toMatchObject({ skipped: 0, events: 1, unreadable: 0 });
    expect(summary.metrics.watches['watch:1']!.ticks).toBeGreaterThanOrEqual(2);
    expect(summary.metrics.models.gemma!.calls).toBe(summary.metrics.watches['watch:1']!.calls);
    expect(seen.errors).toEqual([]);
    // A stream given by id is not ours to delete.
    expect(fake.streamRequests.filter((r) => r.method === 'DELETE')).toEqual([]);
  });

  it('prints one line per event on stdout', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(5);
    fake.script = (req) => (req.schemaKeys.includes('confirmed') ? { answer: { confirmed: false, confidence: 0.2, description: 'sitting' } } : { answer: { fall: { present: true, confidence: 0.8 } } });
    const lines: string[] = [];
    const handle = run(compileOvs(ONE_LINER, 'fall.ovs'), { env: {}, stdout: { write: (s: string) => lines.push(s) }, clock, backend: { url: fake.url }, bindings: { A: streamId }, duration: 2500 });
    await handle.ready;
    let finished = false;
    handle.done.then(() => (finished = true));
    await drive(clock, () => finished, 'the end of the duration');
    expect((await handle.done).reason).toBe('duration');
    expect(lines[0]).toMatch(/FIRED "fall" 0\.80 on A \(frame 4\) by google\/gemma-4-E4B-it — fall\.ovs:1:37 — [0-9a-f]{8}\n$/);
    expect(lines[1]).toMatch(/REJECTED "fall" 0\.20 on A .*by Qwen\/Qwen3\.5-9B: "sitting"/);
  });
});

describe('several streams and several models', () => {
  it('asks one question about both streams of a watch, and escalates with the evidence of each', async () => {
    const clock = new VirtualClock();
    const door = fake.addStream(30);
    const hall = fake.addStream(80);
    fake.script = (req) =>
      req.schemaKeys.includes('confirmed') ? { answer: { confirmed: true, confidence: 0.7, description: 'same coat' } } : { answer: { 'same person': { present: true, confidence: 0.9 } } };
    const ir = compileOvs('watch streams door, hall every 5s with gemma ask "Is the same person visible on both cameras?" on "same person" cooldown 1h escalate to qwen over last 20s');
    const handle = run(ir, { ...quiet, clock, backend: { url: fake.url }, bindings: { door, hall } });
    const seen = record(handle);
    await handle.ready;
    await drive(clock, () => seen.events.length >= 2, 'confirmed');
    const [call] = fake.watchCalls;
    expect(call!.refs).toEqual([`ovs://streams/${door}?frame_index=-1`, `ovs://streams/${hall}?frame_index=-1`]);
    expect(call!.prompt).toContain('Stream "door":');
    expect(call!.prompt).toContain('Stream "hall":');
    expect(seen.events[0].streams).toEqual([{ name: 'door', id: door }, { name: 'hall', id: hall }]);
    expect(seen.events[0].frames.map((f: any) => f.frame_index)).toEqual([29, 79]);
    expect(fake.escalations[0]!.refs).toEqual([
      `ovs://streams/${door}?start_timestamp_ms=0&end_frame_index=29`,
      `ovs://streams/${hall}?start_timestamp_ms=0&end_frame_index=79`,
    ]);
    await handle.stop();
  });

  it('several models vote per label ("by all": every model that answered must agree)', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(10);
    let tick = 0;
    fake.script = (req) => {
      // Tick 0: both say yes; tick 1: only gemma; tick 2 onwards: nobody.
      const t = Math.floor(tick++ / 2);
      const yes = t === 0 || (t === 1 && req.model === 'google/gemma-4-E4B-it');
      return { answer: { forklift: { present: yes, confidence: yes ? 0.9 : 0.1 } } };
    };
    const ir = compileOvs('watch stream A every 3s with gemma, qwen by all ask "Forklift?" on "forklift" notify stdout');
    const handle = run(ir, { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId } });
    const seen = record(handle);
    await handle.ready;
    await drive(clock, () => fake.watchCalls.length >= 6, 'three ticks');
    await handle.stop();
    expect(seen.events).toHaveLength(1);
    expect(seen.events[0].votes.map((v: any) => v.model).sort()).toEqual(['Qwen/Qwen3.5-9B', 'google/gemma-4-E4B-it']);
  });
});

describe('one failing model among several voting', () => {
  it('does not hold the watch back: retries that would land after the next tick are not made, and the failing models are reported', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(10);
    fake.script = (req) => {
      if (req.model === 'test/broken') return { status: 500, body: { detail: 'upstream exploded' } };
      if (req.model === 'test/busy') return { status: 429, body: { detail: 'slow down' }, headers: { 'retry-after': '7' } };
      if (req.model === 'test/garbled') return { garbage: true };
      return absentAnswer(req);
    };
    const models = ['good', 'broken', 'busy', 'garbled'].map((m) => `model ${m} = "test/${m}"`).join('\n');
    const ir = compileOvs(`${models}\nwatch stream A every 2s with good, broken, busy, garbled by any ask "Smoke?" on "smoke" notify stdout`);
    const handle = run(ir, { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId } });
    const seen = record(handle);
    await handle.ready;
    // 12 s of schedule, letting every request finish between steps.
    for (let i = 0; i < 120; i++) {
      await clock.advance(100);
      await handle.idle();
    }
    const metrics = handle.metrics();
    // A retry of the 500 may be waiting on the (virtual) clock: cancel it rather than wait for grace.
    await handle.stop({ graceMs: 0 });
    const goodCalls = fake.chats.filter((c) => c.model === 'test/good').length;
    expect(goodCalls).toBe(metrics.watches['watch:1']!.ticks);
    expect(goodCalls).toBeGreaterThanOrEqual(5);
    expect(metrics.watches['watch:1']!.skipped).toBe(0);
    // The 429 asked for 7 s: longer than the period, so it was never retried within a tick.
    expect(metrics.models.busy!.retries).toBe(0);
    expect(metrics.models.busy!.failures).toBe(goodCalls);
    const failing = seen.status.filter((s) => s.kind === 'model_failing').map((s) => s.data.model).sort();
    expect(failing).toEqual(['broken', 'busy', 'garbled']);
    expect(metrics.models.good!.failing).toBe(false);
  });
});

describe('sinks from the pipeline', () => {
  it('publishes notified events to MQTT (aedes broker) and appends them to a file sink', async () => {
    const broker = await Aedes.createBroker();
    const server = net.createServer(broker.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const published: any[] = [];
    broker.on('publish', (packet, client) => {
      if (client) published.push({ topic: packet.topic, qos: packet.qos, event: JSON.parse(packet.payload.toString()) });
    });
    const clock = new VirtualClock();
    const streamId = fake.addStream(10);
    fake.script = () => ({ answer: { smoke: { present: true, confidence: 0.95 } } });
    const file = path.join(dir, 'smoke.jsonl');
    const ir = compileOvs(`sink bus = mqtt "mqtt://127.0.0.1:${port}/site/smoke"\nsink log = file "${file}"\nwatch stream A every 1s with gemma on "smoke" above 0.9 cooldown 1h notify bus then notify log`);
    const handle = run(ir, { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId } });
    await handle.ready;
    await drive(clock, () => published.length >= 1, 'a publish', { stepMs: 200, pauseMs: 5 });
    await handle.stop();
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ topic: 'site/smoke', qos: 1, event: { status: 'fired', label: 'smoke', confidence: 0.95 } });
    expect(readJsonl(file).map((r) => r.id)).toEqual([published[0].event.id]);
    await new Promise<void>((r) => broker.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  });
});

describe('file sinks and the event log are opened before anything starts', () => {
  it('fails before start when a file sink is a directory or under /proc, or the event log cannot be opened', async () => {
    const cases: Array<{ ovs: string; events?: string; code: string; message: string }> = [
      { ovs: `sink out = file "${dir}"`, code: 'sink_failed', message: `cannot open file sink out (${dir}): EISDIR` },
      { ovs: 'sink out = file "/proc/nope/x.jsonl"', code: 'sink_failed', message: 'cannot open file sink out (/proc/nope/x.jsonl): ENOENT' },
      { ovs: `sink out = file "${path.join(dir, 'fine.jsonl')}"`, events: '/proc/nope/events.jsonl', code: 'event_log_failed', message: 'cannot open the event log /proc/nope/events.jsonl: ENOENT' },
    ];
    for (const c of cases) {
      const ir = compileOvs(`${c.ovs}\nwatch stream A every 2s with gemma on "fall" notify out`);
      const handle = run(ir, { ...quiet, backend: { url: fake.url }, bindings: { A: fake.addStream() }, ...(c.events ? { eventsFile: c.events } : {}) });
      await expect(handle.done).rejects.toMatchObject({ code: c.code, message: expect.stringContaining(c.message) });
    }
    // Nothing reached the backend: no stream was created, no model called.
    expect(fake.streamRequests).toEqual([]);
    expect(fake.chats).toEqual([]);
  });

  it('removes the file sink and dead-letter files it opened to check when nothing was written to them', async () => {
    const file = path.join(dir, 'out.jsonl');
    const deadLetterFile = path.join(dir, 'dead.jsonl');
    const handle = run(compileOvs(`sink out = file "${file}"\nwatch stream A every 2s with gemma on "fall" notify out`), { ...quiet, backend: { url: fake.url }, bindings: { A: fake.addStream() }, deadLetterFile });
    await handle.ready;
    expect(existsSync(file)).toBe(true);
    expect(existsSync(deadLetterFile)).toBe(true);
    await handle.stop();
    expect(existsSync(file)).toBe(false);
    expect(existsSync(deadLetterFile)).toBe(false);
  });
});

describe('streams', () => {
  it('creates a declared source, keeps it alive, and deletes it on exit', async () => {
    const clock = new VirtualClock();
    const ir = compileOvs('stream door = rtsp "rtsp://127.0.0.1:8554/door"\nwatch stream door every 10s with gemma ask "Anyone at the door?" on "person" notify stdout');
    const handle = run(ir, { ...quiet, clock, backend: { url: fake.url } });
    const info = await handle.ready;
    expect(fake.streamRequests[0]).toMatchObject({ method: 'POST', path: '/v1/streams', body: { source: { type: 'rtsp', url: 'rtsp://127.0.0.1:8554/door' } } });
    expect(info.streams[0]).toMatchObject({ name: 'door', created: true, source: { type: 'rtsp' } });
    const id = info.streams[0]!.id;
    await drive(clock, () => fake.streams.get(id)!.keepalives >= 2, 'two keepalives', { stepMs: 10_000 });
    await handle.stop();
    expect(fake.streams.get(id)!.deleted).toBe(true);
  });

  it('fails before starting when a declared stream id does not exist', async () => {
    const ir = compileOvs('stream lobby = "cc3e3f79-c5c4-4d1c-985e-028b42030569"\nwatch stream lobby every 2s with gemma on "fall" notify stdout');
    const handle = run(ir, { ...quiet, backend: { url: fake.url } });
    await expect(handle.done).rejects.toMatchObject({ code: 'stream_not_found', message: expect.stringContaining('stream lobby: the backend has no stream "cc3e3f79-c5c4-4d1c-985e-028b42030569"') });
    await expect(handle.ready).rejects.toBeInstanceOf(RunError);
  });

  it('stops when the given signal aborts, and when stopped before it was ready', async () => {
    const controller = new AbortController();
    const handle = run(compileOvs(ONE_LINER), { ...quiet, backend: { url: fake.url }, bindings: { A: fake.addStream() }, signal: controller.signal });
    await handle.ready;
    controller.abort();
    expect((await handle.done).reason).toBe('aborted');

    const early = run(compileOvs(ONE_LINER), { ...quiet, backend: { url: fake.url }, bindings: { A: fake.addStream() } });
    const summary = await early.stop();
    expect(summary.reason).toBe('stopped');
    await expect(early.ready).resolves.toMatchObject({ watches: ['watch:1'] });
  });

  it('ends by itself when every stream has ended', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(5);
    const handle = run(compileOvs(ONE_LINER), { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId }, statusPollMs: 1000 });
    const seen = record(handle);
    await handle.ready;
    await drive(clock, () => fake.watchCalls.length >= 2, 'two calls');
    fake.end(streamId);
    let finished = false;
    handle.done.then(() => (finished = true));
    await drive(clock, () => finished, 'the end');
    expect((await handle.done).reason).toBe('ended');
    expect(seen.status.map((s) => s.kind)).toContain('stream_ended');
  });
});
