import { describe, expect, it } from 'vitest';
import { ffprobeBeside, MAX_SEGMENTS, planSegments, type ClipFacts } from './segments.js';

const MP4: ClipFacts = { startS: 0, durationS: 600, format: 'mov,mp4,m4a,3gp,3g2,mj2', videoStreams: 1 };

describe('planSegments', () => {
  it('decodes whole what cannot be split exactly or would not gain', () => {
    const whole = [{ startS: 0, firstSlot: -Infinity, lastSlot: Infinity }];
    expect(planSegments(undefined, 1, 4)).toEqual(whole); // not probed
    expect(planSegments(MP4, undefined, 4)).toEqual(whole); // no fps cap: no slots to cut between
    expect(planSegments({ ...MP4, format: 'mpegts' }, 1, 4)).toEqual(whole); // no index: inexact seeks
    expect(planSegments(MP4, 1, 1)).toEqual(whole); // one core
    expect(planSegments({ ...MP4, durationS: 100 }, 1, 4)).toEqual(whole); // under two minimum segments
    expect(planSegments({ ...MP4, videoStreams: 0 }, 1, 4)).toEqual(whole); // nothing to decode
  });

  it('makes at most one segment per core and per minute, and at most MAX_SEGMENTS', () => {
    expect(planSegments({ ...MP4, durationS: 150 }, 1, 4)).toHaveLength(2);
    expect(planSegments({ ...MP4, durationS: 3600 }, 1, 64)).toHaveLength(MAX_SEGMENTS);
    expect(planSegments({ ...MP4, durationS: 3600 }, 1, 64).every((s) => s.threads === 8)).toBe(true);
  });

  it('cuts at half-slots into contiguous slot ranges, each seeking to a keyframe before its own', () => {
    for (const [fps, parallelism] of [[1, 2], [3, 3], [7, 4], [2.5, 8]] as const) {
      const clip = { ...MP4, startS: 1.4667, format: 'matroska,webm' };
      const segments = planSegments(clip, fps, parallelism);
      expect(segments.length).toBe(Math.min(parallelism, 10));
      expect(segments[0]!.firstSlot).toBe(-Infinity);
      expect(segments.at(-1)!.lastSlot).toBe(Infinity);
      expect(segments.every((s) => s.threads === Math.max(1, Math.floor(parallelism / segments.length)))).toBe(true);
      for (let i = 1; i < segments.length; i++) {
        const [before, after] = [segments[i - 1]!, segments[i]!];
        expect(after.firstSlot).toBe(before.lastSlot + 1);
        // The half-slot between them, on the file's timeline (seek offsets are from its start).
        const boundaryS = (after.firstSlot - 0.5) / fps - clip.startS;
        expect(after.startS).toBeLessThan(boundaryS);
        expect(after.startS).toBeGreaterThan(boundaryS - 0.5 / fps);
      }
    }
  });
});

describe('ffprobeBeside', () => {
  it('finds ffprobe next to the ffmpeg in use', () => {
    expect(ffprobeBeside('ffmpeg')).toBe('ffprobe');
    expect(ffprobeBeside('/opt/ff/bin/ffmpeg')).toBe('/opt/ff/bin/ffprobe');
    expect(ffprobeBeside('/usr/local/bin/my-decoder')).toBe('ffprobe');
  });
});
