import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createServer } from '@ovs/server';
import { makeJpegFrames } from '../support/clips.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startServer, type Api } from './helpers.js';

const KEY = 'ovs_test_key_0123456789';
let upstream: FakeUpstream;
let api: Api;
let logText = '';
let frame: Buffer;

beforeAll(async () => {
  frame = makeJpegFrames(1)[0]!;
  upstream = await startFakeUpstream();
  const sink = new Writable({
    write(chunk, _enc, done) {
      logText += chunk.toString();
      done();
    },
  });
  api = await startServer({
    apiKeys: [KEY, 'second-key-abcdef'],
    upstreams: { m: { baseUrl: upstream.baseUrl, model: 'fake', apiKey: 'upstream-key-zyx' } },
    jsonBodyLimitBytes: 64 * 1024,
    frameBodyLimitBytes: 256 * 1024,
    logger: createLogger('debug', sink),
  });
});
afterAll(async () => {
  await api.server.close();
  await upstream.close();
});

const auth = { authorization: `Bearer ${KEY}` };

describe('auth', () => {
  it('requires a bearer key everywhere but the model list and the probes', async () => {
    for (const [method, path] of [['POST', '/v1/streams'], ['GET', '/v1/streams'], ['POST', '/v1/chat/completions'], ['POST', '/v1/resolve'], ['GET', '/v1/streams/x']] as const) {
      const missing = await api.call(method, path);
      expect(missing.status, `${method} ${path}`).toBe(401);
      expect(missing.body).toEqual({ detail: expect.stringMatching(/Missing API key/) });
      expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      const wrong = await api.call(method, path, { headers: { authorization: 'Bearer wrong-key-123456' } });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual({ detail: 'Invalid API key' });
    }
    for (const path of ['/v1/models', '/healthz', '/readyz', '/metrics']) expect((await api.call('GET', path)).status, path).toBe(200);
    expect((await api.call('GET', '/v1/streams', { headers: auth })).status).toBe(200);
    expect((await api.call('GET', '/v1/streams', { headers: { authorization: 'Bearer second-key-abcdef' } })).status).toBe(200);
  });

  it('refuses to listen beyond loopback without a key, and serves loopback without one', async () => {
    await expect(createServer({ host: '0.0.0.0', builtinModels: false })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without an API key/);
    await expect(createServer({ mediaRoot: '/nonexistent', builtinModels: false })).rejects.toThrow(/mediaRoot \(--media-root\) "\/nonexistent" does not exist/);
    const open = await startServer();
    try {
      expect((await open.call('GET', '/v1/streams')).status).toBe(200);
    } finally {
      await open.server.close();
    }
  });

  it('never writes keys to the log', async () => {
    const id = (await api.call('POST', '/v1/streams', { headers: auth })).body.id;
    await api.call('POST', `/v1/streams/${id}/frames`, { body: frame, headers: { ...auth, 'content-type': 'image/jpeg' } });
    upstream.behave({ kind: 'status', status: 401, body: { error: 'bad key' } });
    const res = await api.call('POST', '/v1/chat/completions', { json: { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `ovs://streams/${id}?frame_index=-1` } }] }] }, headers: auth });
    expect(res.status).toBe(502);
    upstream.behave({ kind: 'answer' });
    await api.call('GET', '/v1/streams', { headers: { authorization: 'Bearer wrong-key-123456' } });
    expect(logText).toMatch(/upstream answered an error/);
    for (const secret of [KEY, 'second-key-abcdef', 'upstream-key-zyx', 'wrong-key-123456']) expect(logText).not.toContain(secret);
    expect(JSON.stringify(res.body)).not.toContain('upstream-key-zyx');
  });

  it('writes each key once per log line (child bindings are not repeated by the call)', () => {
    const line = logText.split('\n').find((l) => l.includes('upstream answered an error'));
    expect(line).toBeDefined();
    for (const key of ['"model":', '"component":', '"status":']) expect(line!.split(key).length - 1, key).toBe(1);
    expect(JSON.parse(line!)).toMatchObject({ component: 'ovs-server', model: 'm', status: 401 });
  });
});

describe('bad requests answer in the documented shapes', () => {
  it('malformed JSON: 422, validation shape on chat, {detail} on streams', async () => {
    const headers = { ...auth, 'content-type': 'application/json' };
    const chat = await api.call('POST', '/v1/chat/completions', { body: '{"model": ', headers });
    expect(chat.status).toBe(422);
    expect(chat.body).toMatchObject({ error: 'validation_error', message: expect.stringMatching(/not valid JSON/), details: [{ loc: ['body'], type: 'json_invalid' }] });
    const streams = await api.call('POST', '/v1/streams', { body: '{nope', headers });
    expect(streams.status).toBe(422);
    expect(streams.body).toEqual({ detail: expect.stringMatching(/not valid JSON/) });
    const proto = await api.call('POST', '/v1/streams', { body: '{"__proto__": {"x": 1}}', headers });
    expect(proto.status).toBe(422);
    const empty = await api.call('POST', '/v1/streams', { body: '', headers });
    expect(empty.status).toBe(201);
  });

  it('bodies over the limit: 413', async () => {
    const big = { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }] };
    const chat = await api.call('POST', '/v1/chat/completions', { json: big, headers: auth });
    expect(chat.status).toBe(413);
    expect(chat.body).toMatchObject({ error: 'validation_error', message: 'request body too large: the limit is 64 KiB' });
    const id = (await api.call('POST', '/v1/streams', { headers: auth })).body.id;
    const huge = await api.call('POST', `/v1/streams/${id}/frames`, { body: Buffer.alloc(300 * 1024, 1), headers: { ...auth, 'content-type': 'image/jpeg' } });
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({ detail: 'request body too large: the limit is 256 KiB' });
  });

  it('wrong content types: 415; unknown routes: 404 {detail}', async () => {
    const chat = await api.call('POST', '/v1/chat/completions', { body: 'hello', headers: { ...auth, 'content-type': 'text/plain' } });
    expect(chat.status).toBe(415);
    expect(chat.body.error).toBe('validation_error');
    const missing = await api.call('GET', '/v1/nothing', { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ detail: 'Not Found: no route for GET /v1/nothing' });
  });
});

describe('pushed frames', () => {
  const push = (id: string, body: Buffer | string, extra: Record<string, string> = {}, query = '') =>
    api.call('POST', `/v1/streams/${id}/frames${query}`, { body, headers: { ...auth, 'content-type': 'image/jpeg', ...extra } });

  it('adds frames with lifetime indices and capture timestamps from the header or the query', async () => {
    const id = (await api.call('POST', '/v1/streams', { headers: auth })).body.id;
    expect((await push(id, frame, { 'x-capture-ts-ms': '5000' })).body).toEqual({ stream_id: id, index: 0, timestamp_ms: 0, width: 320, height: 240, bytes: frame.length });
    expect((await push(id, frame, {}, '?capture_ts_ms=5250')).body).toMatchObject({ index: 1, timestamp_ms: 250 });
    const status = (await api.call('GET', `/v1/streams/${id}`, { headers: auth })).body;
    expect(status).toMatchObject({ last_frame_index: 1, retained_frame_count: 2, retained_bytes: 2 * frame.length, ingest: null, source: null });
  });

  it('refuses what is not a complete JPEG, bad timestamps, and pushes to pulled or ended streams', async () => {
    const id = (await api.call('POST', '/v1/streams', { headers: auth })).body.id;
    const notJpeg = await push(id, 'hello');
    expect(notJpeg.status).toBe(422);
    expect(notJpeg.body.detail).toMatch(/not a complete JPEG/);
    expect((await push(id, frame.subarray(0, frame.length - 10))).status).toBe(422);
    const badTs = await push(id, frame, { 'x-capture-ts-ms': 'yesterday' });
    expect(badTs.status).toBe(422);
    expect(badTs.body.detail).toMatch(/x-capture-ts-ms must be one number/);
    const json = await api.call('POST', `/v1/streams/${id}/frames`, { json: { frame: 'x' }, headers: auth });
    expect(json.status).toBe(415);

    await api.call('DELETE', `/v1/streams/${id}`, { headers: auth });
    expect((await push(id, frame)).status).toBe(409);
  });
});

describe('the clock hook', () => {
  it('stamps arrivals, leases and stream time with the injected clock', async () => {
    let now = 1_800_000_000_000;
    const clocked = await startServer({ now: () => now });
    try {
      const created = (await clocked.call('POST', '/v1/streams')).body;
      expect(created.expires_at_ms).toBe(now + 300_000);
      for (let i = 0; i < 3; i++) {
        const res = await clocked.call('POST', `/v1/streams/${created.id}/frames`, { body: frame, headers: { 'content-type': 'image/jpeg' } });
        expect(res.body.timestamp_ms).toBe(i * 250);
        now += 250;
      }
      const status = (await clocked.call('GET', `/v1/streams/${created.id}`)).body;
      expect(status).toMatchObject({ first_frame_at_ms: 1_800_000_000_000, last_frame_at_ms: 1_800_000_000_500, stream_time_ms: 750 });
      const back = await clocked.call('POST', '/v1/resolve', { json: { url: `ovs://streams/${created.id}?offset_ms=-500` } });
      expect(back.body.frames[0].index).toBe(1);
      // tolerance_ms and direction are ignored with frame_index, even when malformed (the seeds).
      for (const extra of ['tolerance_ms=0', 'direction=sideways']) {
        const byIndex = await clocked.call('POST', '/v1/resolve', { json: { url: `ovs://streams/${created.id}?frame_index=2&${extra}` } });
        expect(byIndex.status, extra).toBe(200);
        expect(byIndex.body.frames.map((f: { index: number }) => f.index)).toEqual([2]);
      }
    } finally {
      await clocked.server.close();
    }
  });
});

describe('stream status with capture timestamps', () => {
  it('derives last/first-available times from first_frame_at_ms plus the stream clock', async () => {
    let now = 1_800_000_000_000;
    const clocked = await startServer({ now: () => now });
    try {
      const created = (await clocked.call('POST', '/v1/streams')).body;
      const stamps: number[] = [];
      for (let i = 0; i < 3; i++) {
        // Captured 1 s apart, arriving 20 ms apart.
        const res = await clocked.call('POST', `/v1/streams/${created.id}/frames?capture_ts_ms=${90_000 + i * 1000}`, { body: frame, headers: { 'content-type': 'image/jpeg' } });
        stamps.push(res.body.timestamp_ms);
        now += 20;
      }
      expect(stamps).toEqual([0, 1000, 2000]);
      const status = (await clocked.call('GET', `/v1/streams/${created.id}`)).body;
      expect(status.first_frame_at_ms).toBe(1_800_000_000_000);
      expect(status.last_frame_at_ms - status.first_frame_at_ms).toBe(2000);
      expect(status.first_available_frame_at_ms).toBe(status.first_frame_at_ms);
    } finally {
      await clocked.server.close();
    }
  });
});

describe('probes and metrics', () => {
  it('answers healthz, readyz and Prometheus metrics', async () => {
    expect((await api.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await api.call('GET', '/readyz')).body).toEqual({ status: 'ready', models: [{ id: 'm', status: 'ready' }] });
    const metrics = await api.call('GET', '/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/^# TYPE ovs_http_requests_total counter$/m);
    expect(metrics.text).toMatch(/^ovs_http_requests_total\{method="POST",route="\/v1\/streams\/:id\/frames",status="200"\} \d+$/m);
    expect(metrics.text).toMatch(/^ovs_frames_ingested_total\{origin="push"\} \d+$/m);
    expect(metrics.text).toMatch(/^ovs_chat_completions_total\{model="m",outcome="upstream_http_401"\} 1$/m);
    expect(metrics.text).toMatch(/^ovs_streams\{state="active"\} \d+$/m);
    expect(metrics.text).toMatch(/^ovs_retained_bytes \d+$/m);
  });
});
