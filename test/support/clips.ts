/**
 * Tiny test clips generated with ffmpeg's lavfi `testsrc` at test time (no media files in the
 * repository): small and short, so generating one takes a fraction of a second.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ClipOptions {
  readonly seconds?: number;
  readonly fps?: number;
  readonly width?: number;
  readonly height?: number;
  /** File name inside `dir`; the extension picks the container (default `clip.mp4`). */
  readonly name?: string;
  /** Seconds between keyframes (default 1). */
  readonly keyframeSeconds?: number;
  /** B-frames between references (default none), as most cameras and encoders make them. */
  readonly bFrames?: number;
}

/** Writes an H.264 test-pattern clip (default 2 s, 10 fps, 320x240) into `dir` and returns its path. */
export function makeTestClip(dir: string, options: ClipOptions = {}): string {
  const { seconds = 2, fps = 10, width = 320, height = 240, name = 'clip.mp4', keyframeSeconds = 1, bFrames = 0 } = options;
  const out = path.join(dir, name);
  const result = spawnSync(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=${fps}:duration=${seconds}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', String(bFrames), '-pix_fmt', 'yuv420p', '-g', String(Math.round(fps * keyframeSeconds)), out,
    ],
    { encoding: 'utf8' },
  );
  if (result.error) throw new Error(`ffmpeg could not start (${result.error.message}); install ffmpeg`);
  if (result.status !== 0) throw new Error(`ffmpeg failed making ${out}: ${result.stderr.trim()}`);
  return out;
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix = 'ovs-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * `count` distinct JPEG frames (ffmpeg's test pattern, which changes every frame) of the given
 * size, for pushing to a stream.
 */
export function makeJpegFrames(count: number, width = 320, height = 240): Buffer[] {
  const result = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=10`, '-frames:v', String(count), '-c:v', 'mjpeg', '-q:v', '5', '-f', 'image2pipe', 'pipe:1'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.error) throw new Error(`ffmpeg could not start (${result.error.message}); install ffmpeg`);
  if (result.status !== 0) throw new Error(`ffmpeg failed making frames: ${result.stderr.toString().trim()}`);
  return splitJpegs(result.stdout);
}

/** Splits back-to-back baseline JPEGs as ffmpeg's MJPEG encoder writes them (no embedded thumbnails). */
function splitJpegs(data: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let start = 0;
  for (;;) {
    const end = data.indexOf(Buffer.from([0xff, 0xd9]), start);
    if (end === -1) break;
    frames.push(data.subarray(start, end + 2));
    start = end + 2;
  }
  return frames;
}
