import { parseImageRef, parseVideoRef, type RefError } from '@ovs/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameRing } from './ring.js';
import { describeFrame, resolveImage, resolveVideo, type Resolution } from './resolve.js';

const T0 = 1_700_000_000_000;
const ID = 'cam';

/** A ring with one frame per arrival time (ms after T0); stream time = arrival - first arrival. */
function ringWith(times: readonly number[], retentionMs?: number): FrameRing {
  const ring = new FrameRing(retentionMs === undefined ? { now: () => T0 } : { now: () => T0, retentionMs });
  for (const t of times) ring.push({ jpeg: Buffer.alloc(10), width: 4, height: 3, receivedAtMs: T0 + t });
  return ring;
}
const every = (step: number, to: number) => Array.from({ length: Math.floor(to / step) + 1 }, (_, i) => i * step);

function image(ring: FrameRing, query: string, nowAfterT0: number): Resolution {
  const ref = parseImageRef(`ovs://streams/${ID}?${query}`);
  if (!ref.ok) throw new Error(ref.error.message);
  return resolveImage(ring, ref.value, T0 + nowAfterT0);
}
function video(ring: FrameRing, query: string, nowAfterT0: number, maxFrames?: number): Resolution {
  const ref = parseVideoRef(`ovs://streams/${ID}?${query}`);
  if (!ref.ok) throw new Error(ref.error.message);
  return resolveVideo(ring, ref.value, T0 + nowAfterT0, maxFrames === undefined ? {} : { maxFrames });
}
const indices = (r: Resolution) => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.frames.map((f) => f.index);
};
const times = (r: Resolution) => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.frames.map((f) => f.timestampMs);
};
const error = (r: Resolution): RefError => {
  if (r.ok) throw new Error(`expected an error, got frames ${r.frames.map((f) => f.index).join(',')}`);
  expect(r.error.status).toBe(422);
  return r.error;
};

/** 10 fps for 10 s: frame i at stream time 100*i, indices 0..100. */
const tenSeconds = () => ringWith(every(100, 10_000));

describe('image references', () => {
  it('a stream with no frames yet is a 422 saying so', () => {
    const e = error(image(new FrameRing(), 'frame_index=-1', 0));
    expect(e.code).toBe('frame_not_yet_produced');
    expect(e.message).toContain('no frames yet');
  });

  it('frame_index=-1 is the most recent frame; other negatives count back from it', () => {
    const ring = tenSeconds();
    expect(indices(image(ring, 'frame_index=-1', 10_000))).toEqual([100]);
    expect(indices(image(ring, 'frame_index=-3', 10_000))).toEqual([98]);
  });

  it('a non-negative frame_index is a lifetime index', () => {
    expect(indices(image(tenSeconds(), 'frame_index=42', 10_000))).toEqual([42]);
  });

  it('negative frame_index is evaluated against last_frame_index at request time', () => {
    const ring = ringWith([0, 100]);
    expect(indices(image(ring, 'frame_index=-1', 100))).toEqual([1]);
    ring.push({ jpeg: Buffer.alloc(10), width: 4, height: 3, receivedAtMs: T0 + 200 });
    expect(indices(image(ring, 'frame_index=-1', 200))).toEqual([2]);
  });

  it('a frame_index older than the oldest retained frame clamps up to it', () => {
    const ring = ringWith(every(100, 3000), 1000); // frames 20..30 retained
    expect(indices(image(ring, 'frame_index=3', 3000))).toEqual([20]);
    expect(indices(image(ring, 'frame_index=-1000', 3000))).toEqual([20]);
  });

  it('a frame_index newer than last_frame_index is a 422', () => {
    const e = error(image(tenSeconds(), 'frame_index=101', 10_000));
    expect(e).toMatchObject({ code: 'frame_not_yet_produced', param: 'frame_index' });
    expect(e.message).toContain('last_frame_index=100');
  });

  it('tolerance_ms and direction are ignored with frame_index', () => {
    expect(indices(image(tenSeconds(), 'frame_index=5&tolerance_ms=1&direction=forward', 10_000))).toEqual([5]);
  });

  it('timestamp_ms is absolute stream time; an exact match wins', () => {
    expect(indices(image(tenSeconds(), 'timestamp_ms=2500', 10_000))).toEqual([25]);
    expect(indices(image(tenSeconds(), 'timestamp_ms=2500&direction=backward', 10_000))).toEqual([25]);
  });

  it('nearest snaps to the closer frame within tolerance (the earlier on a tie)', () => {
    const ring = ringWith([0, 1000, 1100, 2000]);
    expect(indices(image(ring, 'timestamp_ms=1070', 2000))).toEqual([2]);
    expect(indices(image(ring, 'timestamp_ms=1030', 2000))).toEqual([1]);
    expect(indices(image(ring, 'timestamp_ms=1050', 2000))).toEqual([1]);
  });

  it('forward takes the first frame at or after the target, within tolerance', () => {
    const ring = ringWith([0, 1000, 1100, 2000]);
    expect(indices(image(ring, 'timestamp_ms=1010&direction=forward', 2000))).toEqual([2]);
    expect(error(image(ring, 'timestamp_ms=1110&direction=forward', 2000)).code).toBe('segment_empty');
  });

  it('backward takes the last frame at or before the target, within tolerance', () => {
    const ring = ringWith([0, 1000, 1100, 2000]);
    expect(indices(image(ring, 'timestamp_ms=1090&direction=backward', 2000))).toEqual([1]);
    expect(indices(image(ring, 'timestamp_ms=1190&direction=backward', 2000))).toEqual([2]);
  });

  it('tolerance_ms defaults to 100 and bounds how far the resolver snaps', () => {
    const ring = ringWith([0, 1000, 2000]);
    expect(indices(image(ring, 'timestamp_ms=1100', 2000))).toEqual([1]);
    const e = error(image(ring, 'timestamp_ms=1101', 2000));
    expect(e).toMatchObject({ code: 'segment_empty', param: 'timestamp_ms' });
    expect(e.message).toContain('tolerance_ms=100');
    expect(indices(image(ring, 'timestamp_ms=1400&tolerance_ms=400', 2000))).toEqual([1]);
  });

  it('offset_ms is relative to now: the newest frame time plus the wall time since it arrived', () => {
    const ring = tenSeconds();
    expect(indices(image(ring, 'offset_ms=-2000', 10_000))).toEqual([80]);
    expect(indices(image(ring, 'offset_ms=-2000', 10_500))).toEqual([85]);
    expect(indices(image(ring, 'offset_ms=0', 10_050))).toEqual([100]);
    const stalled = error(image(ring, 'offset_ms=0', 15_000));
    expect(stalled.code).toBe('segment_empty');
  });

  it('a time anchor ahead of now is a 422', () => {
    expect(error(image(tenSeconds(), 'offset_ms=500', 10_000))).toMatchObject({ code: 'frame_not_yet_produced', param: 'offset_ms' });
    expect(error(image(tenSeconds(), 'timestamp_ms=10001', 10_000))).toMatchObject({ code: 'frame_not_yet_produced', param: 'timestamp_ms' });
  });

  it('a time anchor older than the oldest retained frame clamps up to it', () => {
    const ring = ringWith(every(100, 3000), 1000);
    expect(indices(image(ring, 'timestamp_ms=0', 3000))).toEqual([20]);
    expect(indices(image(ring, 'offset_ms=-60000', 3000))).toEqual([20]);
  });
});

describe('video references', () => {
  it('a stream with no frames yet is a 422', () => {
    expect(error(video(new FrameRing(), 'start_offset_ms=-5000', 0)).code).toBe('frame_not_yet_produced');
  });

  it('the end defaults to the live edge and max_fps to 1: the last 5 s gives 6 frames, 1 s apart', () => {
    expect(times(video(tenSeconds(), 'start_offset_ms=-5000', 10_000))).toEqual([5000, 6000, 7000, 8000, 9000, 10_000]);
  });

  it('max_fps caps the sampling rate: halving it halves the frames (plus the first)', () => {
    expect(times(video(tenSeconds(), 'start_offset_ms=-5000&max_fps=2', 10_000))).toHaveLength(11);
    expect(times(video(tenSeconds(), 'start_offset_ms=-4000&max_fps=0.5', 10_000))).toEqual([6000, 8000, 10_000]);
  });

  it('a max_fps above the stream rate returns every frame of the window', () => {
    expect(indices(video(tenSeconds(), 'start_offset_ms=-1000&max_fps=100', 10_000))).toEqual(every(1, 10).map((i) => 90 + i));
  });

  it('samples evenly by time, not by index', () => {
    // A burst of 10 frames in the first 100 ms, then one frame per second.
    const ring = ringWith([...every(10, 90), 1000, 2000, 3000, 4000]);
    expect(times(video(ring, 'start_timestamp_ms=0', 4000))).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('frames come in time order, each once', () => {
    const picked = indices(video(ringWith([0, 10, 20, 2000]), 'start_timestamp_ms=0&max_fps=10', 2000));
    expect(picked).toEqual([...new Set(picked)].sort((a, b) => a - b));
  });

  it('a window yielding a single frame gives its newest frame', () => {
    expect(indices(video(tenSeconds(), 'start_offset_ms=-500', 10_000))).toEqual([100]);
  });

  it('start_frame_index and end_frame_index bound the window by lifetime index', () => {
    expect(indices(video(tenSeconds(), 'start_frame_index=10&end_frame_index=30', 10_000))).toEqual([10, 20, 30]);
  });

  it('start_timestamp_ms and end_timestamp_ms bound the window by stream time', () => {
    expect(times(video(tenSeconds(), 'start_timestamp_ms=1000&end_timestamp_ms=3000', 10_000))).toEqual([1000, 2000, 3000]);
  });

  it('end_offset_ms is relative to now', () => {
    expect(times(video(tenSeconds(), 'start_offset_ms=-6000&end_offset_ms=-4000', 10_000))).toEqual([4000, 5000, 6000]);
  });

  it('start and end anchor kinds may differ', () => {
    expect(indices(video(tenSeconds(), 'start_offset_ms=-3000&end_frame_index=90', 10_000))).toEqual([70, 80, 90]);
    expect(indices(video(tenSeconds(), 'start_frame_index=-31&end_timestamp_ms=9000', 10_000))).toEqual([70, 80, 90]);
  });

  it('negative start_frame_index counts back from the newest frame', () => {
    expect(indices(video(tenSeconds(), 'start_frame_index=-11&max_fps=10', 10_000))).toEqual(every(1, 10).map((i) => 90 + i));
  });

  it('a start_frame_index older than the oldest retained frame clamps up to it', () => {
    const ring = ringWith(every(100, 3000), 1000); // frames 20..30 retained
    expect(indices(video(ring, 'start_frame_index=0&max_fps=10', 3000))[0]).toBe(20);
  });

  it('a start_offset_ms before the oldest retained frame starts at it', () => {
    const ring = ringWith(every(100, 3000), 1000);
    expect(times(video(ring, 'start_offset_ms=-60000', 3000))).toEqual([2000, 3000]);
  });

  it('a start in the future is a 422', () => {
    expect(error(video(tenSeconds(), 'start_frame_index=500', 10_000))).toMatchObject({ code: 'frame_not_yet_produced', param: 'start_frame_index' });
    expect(error(video(tenSeconds(), 'start_offset_ms=100', 10_000))).toMatchObject({ code: 'frame_not_yet_produced', param: 'start_offset_ms' });
  });

  it('an end_frame_index in the future is a 422', () => {
    expect(error(video(tenSeconds(), 'start_frame_index=0&end_frame_index=101', 10_000))).toMatchObject({
      code: 'frame_not_yet_produced',
      param: 'end_frame_index',
    });
  });

  it('an end time in the future is cut to the live edge', () => {
    const ring = ringWith(every(100, 3000));
    expect(times(video(ring, 'start_timestamp_ms=0&end_timestamp_ms=300000', 3000))).toEqual([0, 1000, 2000, 3000]);
    expect(times(video(ring, 'start_offset_ms=-2000&end_offset_ms=5000', 3000))).toEqual([1000, 2000, 3000]);
  });

  it('a start after the end is a 422 segment_invalid', () => {
    for (const query of [
      'start_frame_index=30&end_frame_index=10',
      'start_timestamp_ms=5000&end_timestamp_ms=4000',
      'start_offset_ms=-1000&end_offset_ms=-5000',
      'start_frame_index=60&end_timestamp_ms=4000',
      'start_timestamp_ms=6000&end_frame_index=40',
    ]) {
      const e = error(video(tenSeconds(), query, 10_000));
      expect(e.code, query).toBe('segment_invalid');
      expect(e.message).toContain('starts after it ends');
    }
  });

  it('a window holding no retained frame is a 422 segment_empty', () => {
    const ring = ringWith([0, 1000, 2000]);
    const between = error(video(ring, 'start_timestamp_ms=1010&end_timestamp_ms=1090', 2000));
    expect(between.code).toBe('segment_empty');
    expect(between.message).toContain('retained frames are indices 0..2');
    const evicted = ringWith(every(100, 3000), 1000);
    expect(error(video(evicted, 'start_timestamp_ms=0&end_timestamp_ms=1000', 3000)).code).toBe('segment_empty');
    expect(error(video(evicted, 'start_frame_index=0&end_frame_index=5', 3000)).code).toBe('segment_empty');
    expect(error(video(ringWith([0, 1000]), 'start_offset_ms=-500', 1800)).code).toBe('segment_empty');
  });

  it('a window yielding more frames than the caller allows is a 422', () => {
    const e = error(video(tenSeconds(), 'start_offset_ms=-10000&max_fps=10', 10_000, 50));
    expect(e).toMatchObject({ code: 'segment_invalid', param: 'max_fps' });
    expect(e.message).toContain('limit is 50');
  });
});

describe('any reference against any ring', () => {
  it('resolves or answers a 422, and a window is in order, inside the window, within the max_fps bound', () => {
    const anchor = (prefix: string) =>
      fc.oneof(
        fc.integer({ min: -200, max: 200 }).map((v) => `${prefix}frame_index=${v}`),
        fc.integer({ min: 0, max: 20_000 }).map((v) => `${prefix}timestamp_ms=${v}`),
        fc.integer({ min: -20_000, max: 2000 }).map((v) => `${prefix}offset_ms=${v}`),
      );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 80 }),
        fc.integer({ min: 200, max: 20_000 }),
        anchor('start_'),
        fc.option(anchor('end_'), { nil: undefined }),
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        fc.integer({ min: 0, max: 3000 }),
        (gaps, retentionMs, start, end, maxFps, lag) => {
          let t = 0;
          const ring = ringWith(gaps.map((gap) => (t += gap)), retentionMs);
          const result = video(ring, [start, end, `max_fps=${maxFps}`].filter(Boolean).join('&'), t + lag);
          if (!result.ok) {
            expect(result.error.status).toBe(422);
            return;
          }
          const picked = result.frames;
          expect(picked.length).toBeGreaterThan(0);
          for (let i = 1; i < picked.length; i++) expect(picked[i]!.index).toBeGreaterThan(picked[i - 1]!.index);
          const span = picked[picked.length - 1]!.timestampMs - picked[0]!.timestampMs;
          expect(picked.length).toBeLessThanOrEqual(Math.floor((span / 1000) * maxFps) + 1);
          for (const frame of picked) expect(ring.get(frame.index)).toBe(frame);
        },
      ),
    );
  });
});

describe('describeFrame', () => {
  it('gives the wire fields of a resolved frame', () => {
    const frame = tenSeconds().get(7)!;
    expect(describeFrame(frame)).toEqual({ index: 7, timestamp_ms: 700, bytes: 10, width: 4, height: 3 });
  });
});
