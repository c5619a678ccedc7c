import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/clips.js';
import { startRtspServer, type RtspTestServer } from '../support/rtsp-server.js';
import { waitFor } from '../support/wait.js';
import { startServer, type Api } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let camera: RtspTestServer;
let api: Api;

beforeAll(async () => {
  tmp = tempDir();
  camera = await startRtspServer(tmp.dir);
  api = await startServer({ ingest: { backoffMinMs: 100, backoffMaxMs: 400, maxSide: 160 } });
});
afterAll(async () => {
  await api?.server.close();
  await camera?.close();
  tmp.remove();
});

const status = async (id: string) => (await api.call('GET', `/v1/streams/${id}`)).body;

describe('an RTSP camera on loopback', () => {
  it('pulls frames over RTSP (TCP), downscaled, and reconnects when the camera drops and comes back', async () => {
    const created = await api.call('POST', '/v1/streams', { json: { source: { type: 'rtsp', url: camera.url } } });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;

    const first = await waitFor('RTSP frames', async () => {
      const s = await status(id);
      return s.last_frame_index >= 3 ? s : undefined;
    }, 15_000);
    expect(first.ingest).toMatchObject({ state: 'streaming', attempts: 1 });
    const resolved = await api.call('POST', '/v1/resolve', { json: { url: `ovs://streams/${id}?frame_index=-1` } });
    expect(resolved.body.frames[0]).toMatchObject({ width: 160, height: 120 });

    await camera.stopListening();
    await waitFor('the drop to be noticed', async () => (await status(id)).ingest.attempts >= 2, 15_000);
    await camera.listen();
    const before = (await status(id)).last_frame_index;
    const after = await waitFor('frames after reconnecting', async () => {
      const s = await status(id);
      return s.last_frame_index > before + 2 && s.ingest.state === 'streaming' ? s : undefined;
    }, 20_000);
    expect(after.state).toBe('active');
    expect(after.ingest.last_error).toBeNull();
    await api.call('DELETE', `/v1/streams/${id}`);
  });
});
