import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTestClip, tempDir } from '../support/clips.js';
import { closedPort } from '../support/net.js';
import { waitFor } from '../support/wait.js';
import { startServer, type Api } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let api: Api;

beforeAll(async () => {
  tmp = tempDir();
  makeTestClip(tmp.dir, { name: 'clip.mp4', seconds: 2, fps: 10 });
  symlinkSync('/etc/hostname', path.join(tmp.dir, 'escape.mp4'));
  api = await startServer({ mediaRoot: tmp.dir, ingest: { backoffMinMs: 50, backoffMaxMs: 200 } });
});
afterAll(async () => {
  await api.server.close();
  tmp.remove();
});

const created: string[] = [];
afterEach(async () => {
  await Promise.all(created.splice(0).map((id) => api.call('DELETE', `/v1/streams/${id}`)));
});

async function createStream(json?: unknown): Promise<any> {
  const res = await api.call('POST', '/v1/streams', json === undefined ? {} : { json });
  expect(res.status, res.text).toBe(201);
  created.push(res.body.id);
  return res.body;
}

describe('streams pulled from a file', () => {
  it('streams a file at real time and reports every status field', async () => {
    const stream = await createStream({ source: { type: 'file', url: 'clip.mp4', loop: true } });
    expect(stream).toMatchObject({ state: 'active', publish: null, ttl_seconds: 300, source: { type: 'file', url: 'clip.mp4', loop: true } });
    expect(stream.expires_at_ms).toBeGreaterThan(Date.now());

    const status = await waitFor('five frames', async () => {
      const res = await api.call('GET', `/v1/streams/${stream.id}`);
      return res.body.last_frame_index >= 4 ? res.body : undefined;
    });
    expect(status).toMatchObject({
      id: stream.id,
      state: 'active',
      first_available_frame_index: 0,
      evicted_frame_count: 0,
      ttl_seconds: 300,
      ended_at_ms: null,
      end_reason: null,
      audio: false,
      ingest: { state: 'streaming', attempts: 1, last_error: null },
    });
    for (const key of ['stream_time_ms', 'first_frame_at_ms', 'last_frame_at_ms', 'first_available_frame_at_ms', 'created_at_ms', 'recent_fps', 'retained_frame_count', 'expires_at_ms', 'retained_bytes']) {
      expect(typeof status[key], key).toBe('number');
    }
    expect(status.retained_frame_count).toBe(status.last_frame_index + 1);

    const list = await api.call('GET', '/v1/streams');
    expect(list.body.object).toBe('list');
    expect(list.body.data.map((s: any) => s.id)).toContain(stream.id);
  });

  it('answers what a reference resolves to without calling a model', async () => {
    const stream = await createStream({ source: { type: 'file', url: 'clip.mp4', pace: 'asap' } });
    await waitFor('the clip to be read', async () => (await api.call('GET', `/v1/streams/${stream.id}`)).body.state === 'ended');

    const newest = await api.call('POST', '/v1/resolve', { json: { url: `ovs://streams/${stream.id}?frame_index=-1` } });
    expect(newest.status, newest.text).toBe(200);
    expect(newest.body).toEqual({
      url: `ovs://streams/${stream.id}?frame_index=-1`,
      type: 'image',
      stream_id: stream.id,
      frames: [{ index: 19, timestamp_ms: 1900, bytes: expect.any(Number), width: 320, height: 240 }],
    });

    const window = await api.call('POST', '/v1/resolve', { json: { url: `ovs://streams/${stream.id}?start_timestamp_ms=0&end_timestamp_ms=1000&max_fps=2` } });
    expect(window.body.type).toBe('video');
    expect(window.body.frames.map((f: any) => f.timestamp_ms)).toEqual([0, 500, 1000]);

    const future = await api.call('POST', '/v1/resolve', { json: { url: `ovs://streams/${stream.id}?frame_index=500` } });
    expect(future.status).toBe(422);
    expect(future.body.detail.error).toMatchObject({ code: 'frame_not_yet_produced', type: 'stream_error', param: 'frame_index' });

    const duplicate = await api.call('POST', '/v1/resolve', { json: { url: `ovs://streams/${stream.id}?frame_index=1&frame_index=2` } });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.detail.error.code).toBe('query_param_invalid');

    const unknown = await api.call('POST', '/v1/resolve', { json: { url: 'ovs://streams/nope?frame_index=-1' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail.error.code).toBe('stream_not_found');

    const notJson = await api.call('POST', '/v1/resolve', { json: { link: 'x' } });
    expect(notJson.status).toBe(422);
    expect(notJson.body).toMatchObject({ error: 'validation_error', details: [{ loc: ['body', 'url'] }] });
  });

  it('ends a stream whose file plays out without loop, keeping its frames readable (source_ended)', async () => {
    const stream = await createStream({ source: { type: 'file', url: 'clip.mp4', pace: 'asap' } });
    const status = await waitFor('the end of the clip', async () => {
      const res = await api.call('GET', `/v1/streams/${stream.id}`);
      return res.body.state === 'ended' ? res.body : undefined;
    });
    expect(status).toMatchObject({ end_reason: 'source_ended', expires_at_ms: null, last_frame_index: 19, stream_time_ms: 1900, ingest: { state: 'ended' } });
    expect(typeof status.ended_at_ms).toBe('number');
    expect((await api.call('POST', `/v1/streams/${stream.id}/keepalive`)).status).toBe(404);

    const deleted = await api.call('DELETE', `/v1/streams/${stream.id}`);
    expect(deleted.body).toEqual({ id: stream.id, deleted: true });
    const gone = await api.call('POST', '/v1/resolve', { json: { url: `ovs://streams/${stream.id}?frame_index=-1` } });
    expect(gone.status).toBe(404);
    expect(gone.body.detail.error.message).toMatch(/has ended/);
  });

  it.each([
    [{ type: 'file', url: '../etc/passwd' }, /outside the media root/],
    [{ type: 'file', url: 'escape.mp4' }, /symbolic link/],
    [{ type: 'file', url: 'missing.mp4' }, /does not exist/],
    [{ type: 'rtsp', url: 'file:///etc/passwd' }, /rtsp:\/\/ or rtsps:\/\//],
    [{ type: 'hls', url: 'not a url' }, /not a URL/],
    [{ type: 'file', url: 'clip.mp4', loop: true, pace: 'asap' }, /decode forever/],
    [{ type: 'rtsp', url: 'rtsp://127.0.0.1/x', loop: true }, /file sources only/],
    [{ type: 'webrtc', url: 'x' }, /source.type/],
  ])('refuses the source %j with a clear 422', async (source, message) => {
    const res = await api.call('POST', '/v1/streams', { json: { source } });
    expect(res.status).toBe(422);
    expect(typeof res.body.detail).toBe('string');
    expect(res.body.detail).toMatch(message);
  });

  it('keeps retrying a source that never opens and shows why', async () => {
    const port = await closedPort();
    const stream = await createStream({ source: { type: 'rtsp', url: `rtsp://camera:hunter22@127.0.0.1:${port}/live` } });
    expect(stream.source.url).toBe(`rtsp://***@127.0.0.1:${port}/live`);
    const status = await waitFor('two failed attempts', async () => {
      const res = await api.call('GET', `/v1/streams/${stream.id}`);
      return res.body.ingest.attempts >= 2 && res.body.ingest.state === 'retrying' ? res.body : undefined;
    });
    expect(status.state).toBe('active');
    expect(status.last_frame_index).toBeNull();
    expect(status.ingest.last_error).toMatch(/Connection refused/);
    expect(JSON.stringify(status)).not.toMatch(/hunter22/);
    const ref = await api.call('POST', '/v1/resolve', { json: { url: `ovs://streams/${stream.id}?frame_index=-1` } });
    expect(ref.status).toBe(422);
    expect(ref.body.detail.error.code).toBe('frame_not_yet_produced');
  });
});

describe('stream lifecycle', () => {
  it('creates a push stream, renews its lease, deletes it', async () => {
    const stream = await createStream();
    expect(stream.publish).toEqual({ type: 'http_jpeg', url: `${api.server.url}/v1/streams/${stream.id}/frames` });
    const keepalive = await api.call('POST', `/v1/streams/${stream.id}/keepalive`);
    expect(keepalive.status).toBe(200);
    expect(keepalive.body).toMatchObject({ id: stream.id, ttl_seconds: 300, stream_time_ms: 0 });
    expect(keepalive.body.expires_at_ms).toBeGreaterThanOrEqual(stream.expires_at_ms);

    expect((await api.call('DELETE', `/v1/streams/${stream.id}`)).body).toEqual({ id: stream.id, deleted: true });
    const status = await api.call('GET', `/v1/streams/${stream.id}`);
    expect(status.body).toMatchObject({ state: 'ended', end_reason: 'deleted', expires_at_ms: null });
    expect((await api.call('DELETE', `/v1/streams/${stream.id}`)).status).toBe(404);
    expect((await api.call('POST', `/v1/streams/${stream.id}/keepalive`)).status).toBe(404);
  });

  it('answers 404 {detail} for unknown streams', async () => {
    for (const [method, suffix] of [['GET', ''], ['DELETE', ''], ['POST', '/keepalive']] as const) {
      const res = await api.call(method, `/v1/streams/00000000-0000-0000-0000-000000000000${suffix}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: expect.stringMatching(/Stream not found/) });
    }
  });

  it('ends a stream whose lease runs out (expired), stopping its source', async () => {
    const short = await startServer({ mediaRoot: tmp.dir, leaseMs: 300 });
    try {
      const res = await short.call('POST', '/v1/streams', { json: { source: { type: 'file', url: 'clip.mp4', loop: true } } });
      const id = res.body.id;
      const status = await waitFor('the lease to expire', async () => {
        const s = await short.call('GET', `/v1/streams/${id}`);
        return s.body.state === 'ended' ? s.body : undefined;
      });
      expect(status).toMatchObject({ end_reason: 'expired', expires_at_ms: null, ingest: { state: 'stopped' } });
      const ref = await short.call('POST', '/v1/resolve', { json: { url: `ovs://streams/${id}?frame_index=-1` } });
      expect(ref.status).toBe(404);
    } finally {
      await short.server.close();
    }
  });
});
