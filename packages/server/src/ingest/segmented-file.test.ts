/**
 * Replays decode long clips in parallel segments; the frames must be exactly those one ffmpeg
 * decoding the whole file keeps: same times, same bytes, same order. Checked with real ffmpeg on
 * clips with B-frames and keyframes far apart (a seek lands well before its cut), in MP4 and
 * Matroska, at sampling rates whose cuts fall on and between the clip's own frame times, on a
 * clip sparser than the sampling (one frame fills several slots) and across a gap in the
 * recording that spans a cut.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestedFrame } from './pulled-source.js';
import { SegmentedFile } from './segmented-file.js';
import { planSegments, probeClip, type PlannedSegment } from './segments.js';
import { makeTestClip, tempDir } from '../../../../test/support/clips.js';
import { waitFor } from '../../../../test/support/wait.js';

const logger = pino({ level: 'silent' });
let tmp: ReturnType<typeof tempDir>;
const clips: Record<string, string> = {};

beforeAll(() => {
  tmp = tempDir();
  for (const name of ['clip.mp4', 'clip.mkv', 'clip.ts']) {
    clips[name] = makeTestClip(tmp.dir, { name, seconds: 30, fps: 30, bFrames: 3, keyframeSeconds: 4 });
  }
  // A camera recording one frame a second.
  clips['sparse.mp4'] = makeTestClip(tmp.dir, { name: 'sparse.mp4', seconds: 30, fps: 1, keyframeSeconds: 4 });
  // Nothing recorded from 7 s to 13 s: the cut at 10 s falls in the gap. The keyframe after it,
  // B-frames before it, is stored (decode time) before the gap: a seek to the cut finds it, and
  // the segment after the cut starts only at 13 s.
  const gap = path.join(tmp.dir, 'gap.mp4');
  const made = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30:duration=30', '-vf', "select='not(between(t,7,13))'", '-fps_mode', 'vfr', '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '3', '-g', '120', '-force_key_frames', '13.03', gap],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`ffmpeg failed making ${gap}: ${made.stderr}`);
  clips['gap.mp4'] = gap;
});
afterAll(() => tmp.remove());

interface Decoded {
  frames: Array<{ mediaTimeMs: number; sha: string }>;
  ended: boolean;
  failure: string | undefined;
}

/** Decodes `file` in `segments`; with `pauseEvery`, the consumer pauses after every so many frames, resuming a moment later. */
async function decode(file: string, fps: number, segments: PlannedSegment[], pauseEvery?: number): Promise<Decoded> {
  const result: Decoded = { frames: [], ended: false, failure: undefined };
  const source: SegmentedFile = new SegmentedFile({
    source: { type: 'file', location: file, loop: false, pace: 'asap' },
    output: { jpegQuality: 5, maxFps: fps },
    segments,
    ffmpegPath: 'ffmpeg',
    stopGraceMs: 2_000,
    maxWaitingBytes: 64 * 1024,
    logger,
    onFrame: (frame: IngestedFrame) => {
      result.frames.push({ mediaTimeMs: frame.mediaTimeMs!, sha: createHash('sha256').update(frame.jpeg).digest('hex') });
      if (pauseEvery && result.frames.length % pauseEvery === 0) {
        source.pause();
        setTimeout(() => source.resume(), 20);
      }
    },
    onEnd: () => (result.ended = true),
    onFailure: (message) => (result.failure = message),
  });
  source.start();
  await waitFor(`the decode of ${path.basename(file)} to end`, () => result.ended || result.failure !== undefined, 60_000);
  await source.stop();
  return result;
}

describe('decoding a replayed clip in segments', () => {
  it.each([
    ['clip.mp4', 1],
    ['clip.mp4', 3],
    ['clip.mkv', 7],
    ['clip.mkv', 2.5],
    ['sparse.mp4', 2],
    ['sparse.mp4', 3],
    ['gap.mp4', 2],
    ['gap.mp4', 5],
  ])('keeps exactly the frames of one whole decode: %s at %s fps', async (name, fps) => {
    const file = clips[name]!;
    const facts = await probeClip('ffprobe', file);
    expect(facts).toMatchObject({ startS: expect.any(Number), durationS: expect.closeTo(30, 0) });
    const split = planSegments(facts, fps, 3, 5);
    expect(split.length).toBe(3);
    const whole = await decode(file, fps, planSegments(undefined, fps, 1));
    expect(whole.failure).toBeUndefined();
    // Every slot has its frame, repeated where the recording has none of its own.
    expect(whole.frames.length).toBe(30 * fps);
    // Small waiting limits and a consumer that keeps pausing: later segments wait, paused, in turn.
    const parts = await decode(file, fps, split, 7);
    expect(parts.failure).toBeUndefined();
    expect(parts.ended).toBe(true);
    expect(parts.frames).toEqual(whole.frames);
  }, 120_000);

  it('decodes whole a container without an index to seek by', async () => {
    const facts = await probeClip('ffprobe', clips['clip.ts']!);
    expect(facts?.format).toBe('mpegts');
    expect(planSegments(facts, 1, 3, 5)).toHaveLength(1);
  });

  it('fails, saying why, on a file with no video, and probes it as nothing', async () => {
    const notVideo = path.join(tmp.dir, 'notes.mp4');
    writeFileSync(notVideo, 'these are not frames\n');
    expect(await probeClip('ffprobe', notVideo)).toBeUndefined();
    const result = await decode(notVideo, 1, planSegments(undefined, 1, 1));
    expect(result.ended).toBe(false);
    expect(result.frames).toEqual([]);
    expect(result.failure).toMatch(/ffmpeg exited with code \d+: .*Invalid data/);
  });
});
