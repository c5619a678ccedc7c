import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJpegFrames, tempDir } from '../support/clips.js';
import { waitFor } from '../support/wait.js';
import { startServer, type Api } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let api: Api;
let http: Server;
let base: string;
let frames: Buffer[];
let mjpegConnections = 0;

/** Serves `/cam.mjpg` (multipart MJPEG that drops the connection after 5 frames) and the HLS files in tmp. */
function handle(path_: string, res: ServerResponse): void {
  if (path_ === '/cam.mjpg') {
    mjpegConnections += 1;
    res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame' });
    let i = 0;
    const timer = setInterval(() => {
      const jpeg = frames[i % frames.length]!;
      res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
      res.write(jpeg);
      res.write('\r\n');
      i += 1;
      if (i === 5) {
        clearInterval(timer);
        res.destroy(); // the camera dies mid-stream
      }
    }, 50);
    res.on('close', () => clearInterval(timer));
    return;
  }
  readFile(path.join(tmp.dir, path.basename(path_))).then(
    (data) => res.writeHead(200, { 'content-type': path_.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t' }).end(data),
    () => res.writeHead(404).end(),
  );
}

beforeAll(async () => {
  tmp = tempDir();
  frames = makeJpegFrames(5, 160, 120);
  const hls = spawnSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-pix_fmt', 'yuv420p', '-f', 'hls', '-hls_time', '1', '-hls_list_size', '0',
    path.join(tmp.dir, 'live.m3u8'),
  ]);
  if (hls.status !== 0) throw new Error(`could not make the HLS test files: ${hls.stderr.toString()}`);
  http = createServer((req, res) => handle(req.url ?? '/', res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  api = await startServer({ ingest: { backoffMinMs: 50, backoffMaxMs: 200 } });
});
afterAll(async () => {
  await api.server.close();
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  tmp.remove();
});

const status = async (id: string) => (await api.call('GET', `/v1/streams/${id}`)).body;

describe('network sources over HTTP', () => {
  it('pulls HTTP MJPEG and reconnects after the source dies mid-stream', async () => {
    const id = (await api.call('POST', '/v1/streams', { json: { source: { type: 'mjpeg', url: `${base}/cam.mjpg` } } })).body.id;
    const s = await waitFor('frames from a third connection', async () => {
      const st = await status(id);
      return mjpegConnections >= 3 && st.last_frame_index >= 8 ? st : undefined;
    }, 20_000);
    expect(s.state).toBe('active');
    expect(s.ingest.attempts).toBeGreaterThanOrEqual(3);
    const newest = await api.call('POST', '/v1/resolve', { json: { url: `ovs://streams/${id}?frame_index=-1` } });
    expect(newest.body.frames[0]).toMatchObject({ width: 160, height: 120 });
    await api.call('DELETE', `/v1/streams/${id}`);
  });

  it('pulls an HLS playlist', async () => {
    const id = (await api.call('POST', '/v1/streams', { json: { source: { type: 'hls', url: `${base}/live.m3u8` } } })).body.id;
    const s = await waitFor('HLS frames', async () => {
      const st = await status(id);
      return st.last_frame_index >= 2 ? st : undefined;
    }, 15_000);
    expect(s.ingest.state).toBe('streaming');
    const newest = await api.call('POST', '/v1/resolve', { json: { url: `ovs://streams/${id}?frame_index=-1` } });
    expect(newest.body.frames[0]).toMatchObject({ width: 320, height: 240 });
    await api.call('DELETE', `/v1/streams/${id}`);
  });
});
