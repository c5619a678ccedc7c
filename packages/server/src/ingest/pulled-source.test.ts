import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestClip, tempDir } from '../../../../test/support/clips.js';
import { closedPort } from '../../../../test/support/net.js';
import { processAlive, waitFor } from '../../../../test/support/wait.js';
import { PulledSource, type IngestedFrame, type PulledSourceOptions } from './pulled-source.js';
import type { IngestSource } from './source-spec.js';

const logger = pino({ level: 'silent' });
let tmp: ReturnType<typeof tempDir>;
let clip: string;

beforeAll(() => {
  tmp = tempDir();
  clip = makeTestClip(tmp.dir, { seconds: 2, fps: 10 });
});
afterAll(() => tmp.remove());

function pull(source: Partial<IngestSource> & Pick<IngestSource, 'type' | 'location'>, overrides: Partial<PulledSourceOptions> = {}) {
  const frames: IngestedFrame[] = [];
  const ends: string[] = [];
  const puller = new PulledSource({
    source: { loop: false, pace: 'realtime', ...source },
    output: { jpegQuality: 5 },
    ffmpegPath: 'ffmpeg',
    backoff: { minMs: 50, maxMs: 200 },
    stallTimeoutMs: 10_000,
    stopGraceMs: 2_000,
    now: Date.now,
    logger,
    onFrame: (f) => frames.push(f),
    onEnd: (reason) => ends.push(reason),
    ...overrides,
  });
  puller.start();
  return { puller, frames, ends };
}

describe('PulledSource', () => {
  it('decodes a file as fast as possible with asap pacing, stamping media time, then ends', async () => {
    const { puller, frames, ends } = pull({ type: 'file', location: clip, pace: 'asap' });
    await waitFor('the end of the file', () => ends.length > 0);
    expect(ends).toEqual(['source_ended']);
    expect(frames.length).toBe(20);
    expect(frames.map((f) => f.mediaTimeMs)).toEqual(Array.from({ length: 20 }, (_, i) => i * 100));
    expect(frames[0]).toMatchObject({ width: 320, height: 240 });
    expect(puller.status()).toMatchObject({ state: 'ended', attempts: 1, last_error: null });
  });

  it('caps the frame rate and downscales', async () => {
    const { frames, ends } = pull({ type: 'file', location: clip, pace: 'asap' }, { output: { jpegQuality: 5, maxFps: 5, maxSide: 160 } });
    await waitFor('the end of the file', () => ends.length > 0);
    expect(frames.length).toBe(10);
    expect(frames.every((f) => f.width === 160 && f.height === 120)).toBe(true);
  });

  it('plays a file at real time, stamping no media time', async () => {
    const { puller, frames } = pull({ type: 'file', location: clip, loop: true });
    await waitFor('a few frames', () => frames.length >= 3);
    expect(frames[0]!.mediaTimeMs).toBeUndefined();
    expect(puller.status().state).toBe('streaming');
    const pid = puller.pid!;
    await puller.stop();
    expect(processAlive(pid)).toBe(false);
    expect(puller.status().state).toBe('stopped');
  });

  it('restarts ffmpeg when it dies mid-stream', async () => {
    const { puller, frames } = pull({ type: 'file', location: clip, loop: true });
    await waitFor('first frames', () => frames.length >= 2);
    const firstPid = puller.pid!;
    process.kill(firstPid, 'SIGKILL');
    await waitFor('a second ffmpeg', () => puller.pid !== undefined && puller.pid !== firstPid && puller.status().state === 'streaming');
    expect(puller.status().attempts).toBe(2);
    const before = frames.length;
    await waitFor('frames after the restart', () => frames.length > before);
    await puller.stop();
  });

  it('keeps retrying with backoff a source that never opens, and says why', async () => {
    const port = await closedPort();
    const { puller, frames } = pull({ type: 'rtsp', location: `rtsp://user:secret@127.0.0.1:${port}/cam` });
    await waitFor('three attempts', () => puller.status().attempts >= 3 && puller.status().state === 'retrying');
    const status = puller.status();
    expect(frames).toEqual([]);
    expect(status.url).toBe(`rtsp://***@127.0.0.1:${port}/cam`);
    expect(status.last_error).toMatch(/Connection refused/);
    expect(status.last_error).not.toMatch(/secret/);
    expect(status.next_retry_at_ms).toBeGreaterThan(0);
    await puller.stop();
    expect(puller.status()).toMatchObject({ state: 'stopped', next_retry_at_ms: null });
  });

  it('reports a missing ffmpeg binary as the error', async () => {
    const { puller } = pull({ type: 'file', location: clip }, { ffmpegPath: '/nonexistent/ffmpeg' });
    await waitFor('a failed attempt', () => puller.status().last_error);
    expect(puller.status().last_error).toMatch(/ffmpeg not found/);
    await puller.stop();
  });
});
