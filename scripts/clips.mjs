#!/usr/bin/env node
// Composes test and demo clips with ffmpeg from still images and plain colours, e.g. an empty
// scene for a while and then the person. Used by the main job and by the tests.
//
//   node scripts/clips.mjs OUT.mp4 color:gray:8 image:../shared/media/person.jpg:12
//
// Each segment is `color:NAME:SECONDS` or `image:PATH:SECONDS`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Writes an H.264 MP4 at `out` made of `segments` ({ color } or { image }, with seconds),
 * every segment letterboxed to `width`x`height` at `fps`.
 */
export function composeClip({ out, segments, width = 640, height = 480, fps = 10 }) {
  if (segments.length === 0) throw new Error('composeClip: no segments');
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  const filters = [];
  segments.forEach((segment, i) => {
    if (segment.image) {
      args.push('-loop', '1', '-framerate', String(fps), '-t', String(segment.seconds), '-i', segment.image);
    } else {
      args.push('-f', 'lavfi', '-i', `color=c=${segment.color ?? 'gray'}:s=${width}x${height}:r=${fps}:d=${segment.seconds}`);
    }
    filters.push(
      `[${i}:v]scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
        `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${fps},format=yuv420p[v${i}]`,
    );
  });
  const inputs = segments.map((_, i) => `[v${i}]`).join('');
  filters.push(`${inputs}concat=n=${segments.length}:v=1:a=0[out]`);
  args.push('-filter_complex', filters.join(';'), '-map', '[out]', '-c:v', 'libx264', '-preset', 'veryfast', '-g', String(fps), out);
  const result = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  if (result.error) throw new Error(`ffmpeg could not start (${result.error.message}); install ffmpeg`);
  if (result.status !== 0) throw new Error(`ffmpeg failed composing ${out}: ${result.stderr.trim()}`);
  return out;
}

function parseSegment(text) {
  const [kind, ...rest] = text.split(':');
  const seconds = Number(rest.pop());
  const value = rest.join(':');
  if (!['color', 'image'].includes(kind) || !value || !(seconds > 0)) {
    throw new Error(`bad segment "${text}": write color:NAME:SECONDS or image:PATH:SECONDS`);
  }
  return kind === 'color' ? { color: value, seconds } : { image: value, seconds };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out, ...segments] = process.argv.slice(2);
  try {
    if (!out || segments.length === 0) throw new Error('usage: node scripts/clips.mjs OUT.mp4 SEGMENT...');
    composeClip({ out, segments: segments.map(parseSegment) });
  } catch (error) {
    console.error(`clips: ${error.message}`);
    process.exit(1);
  }
}
