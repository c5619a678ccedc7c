import { describe, expect, it } from 'vitest';
import { FrameBudget } from './budget.js';
import { FrameRing, type FrameRingOptions } from './ring.js';

const T0 = 1_700_000_000_000;
const jpeg = (bytes = 10) => Buffer.alloc(bytes, 0xff);

/** A ring holding one frame per arrival time (ms after T0). */
function ringWith(times: readonly number[], options: FrameRingOptions = {}, bytes = 10): FrameRing {
  const ring = new FrameRing({ now: () => T0, ...options });
  for (const t of times) ring.push({ jpeg: jpeg(bytes), width: 4, height: 3, receivedAtMs: T0 + t });
  return ring;
}
const range = (from: number, to: number, step: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

describe('FrameRing', () => {
  it('gives frames lifetime indices from 0 and a stream clock in ms since the first frame', () => {
    const ring = ringWith([500, 600, 750]);
    expect([0, 1, 2].map((i) => ring.get(i)?.timestampMs)).toEqual([0, 100, 250]);
    expect(ring.get(2)).toMatchObject({ index: 2, receivedAtMs: T0 + 750, width: 4, height: 3 });
  });

  it('derives the stream clock from capture timestamps when given', () => {
    const ring = new FrameRing({ now: () => T0 });
    ring.push({ jpeg: jpeg(), width: 1, height: 1, captureTimestampMs: 90_000, receivedAtMs: T0 + 500 });
    ring.push({ jpeg: jpeg(), width: 1, height: 1, captureTimestampMs: 90_040, receivedAtMs: T0 + 900 });
    expect(ring.newest?.timestampMs).toBe(40);
  });

  it('clamps a capture timestamp going backwards to the previous frame time', () => {
    const ring = new FrameRing({ now: () => T0 });
    for (const capture of [1000, 1100, 1050, 1200]) ring.push({ jpeg: jpeg(), width: 1, height: 1, captureTimestampMs: capture, receivedAtMs: T0 });
    expect([0, 1, 2, 3].map((i) => ring.get(i)?.timestampMs)).toEqual([0, 100, 100, 200]);
  });

  it('aligns the first capture timestamp after arrival-clocked frames to the arrival clock', () => {
    const ring = ringWith([0, 100]);
    ring.push({ jpeg: jpeg(), width: 1, height: 1, captureTimestampMs: 5_000, receivedAtMs: T0 + 200 });
    ring.push({ jpeg: jpeg(), width: 1, height: 1, captureTimestampMs: 5_050, receivedAtMs: T0 + 900 });
    expect([2, 3].map((i) => ring.get(i)?.timestampMs)).toEqual([200, 250]);
  });

  it('evicts frames older than the retention duration (stream clock), oldest first', () => {
    const ring = ringWith(range(0, 3000, 100), { retentionMs: 1000 });
    expect(ring.oldest?.timestampMs).toBe(2000);
    expect(ring.size).toBe(11);
    expect(ring.evictedCount).toBe(20);
    expect(ring.get(19)).toBeUndefined();
    expect(ring.get(20)?.timestampMs).toBe(2000);
  });

  it('defaults to 600 s of retention', () => {
    const ring = ringWith([0, 300_000, 600_000, 600_001]);
    expect(ring.oldest?.index).toBe(1);
  });

  it('evicts oldest frames beyond the per-stream byte cap, always keeping the newest', () => {
    const ring = ringWith(range(0, 900, 100), { maxBytes: 35 });
    expect(ring.size).toBe(3);
    expect(ring.bytes).toBe(30);
    expect(ring.oldest?.index).toBe(7);
    ring.push({ jpeg: jpeg(100), width: 1, height: 1, receivedAtMs: T0 + 1000 });
    expect(ring.size).toBe(1);
    expect(ring.newest?.index).toBe(10);
  });

  it('finds frames by stream time with binary search, including equal timestamps', () => {
    const ring = new FrameRing({ now: () => T0 });
    for (const capture of [0, 100, 100, 100, 300]) ring.push({ jpeg: jpeg(), width: 1, height: 1, captureTimestampMs: capture });
    expect(ring.firstAtOrAfter(100)?.index).toBe(1);
    expect(ring.lastAtOrBefore(100)?.index).toBe(3);
    expect(ring.firstAtOrAfter(101)?.index).toBe(4);
    expect(ring.lastAtOrBefore(99)?.index).toBe(0);
    expect(ring.lastAtOrBefore(-1)).toBeUndefined();
    expect(ring.firstAtOrAfter(301)).toBeUndefined();
  });

  it('stays correct across many evictions and compactions', () => {
    const ring = ringWith(range(0, 99_990, 10), { retentionMs: 500 });
    expect(ring.size).toBe(51);
    expect(ring.oldest?.index).toBe(9949);
    expect(ring.get(9960)?.timestampMs).toBe(99_600);
    expect(ring.firstAtOrAfter(99_605)?.index).toBe(9961);
    expect(ring.lastAtOrBefore(99_605)?.index).toBe(9960);
    expect(ring.evictedCount + ring.size).toBe(10_000);
  });

  it('puts "now" on the stream clock: the newest frame time plus wall time since it arrived', () => {
    expect(new FrameRing().streamTimeAt(T0)).toBe(0);
    const ring = ringWith([0, 1000]);
    expect(ring.streamTimeAt(T0 + 1000)).toBe(1000);
    expect(ring.streamTimeAt(T0 + 1250)).toBe(1250);
    expect(ring.streamTimeAt(T0 + 900)).toBe(1000);
  });

  it('reports recent fps, falling to 0 when frames stop', () => {
    const ring = ringWith(range(0, 5000, 100));
    expect(ring.recentFps(T0 + 5000)).toBe(10);
    expect(ring.recentFps(T0 + 6000)).toBe(5);
    expect(ring.recentFps(T0 + 60_000)).toBe(0);
    expect(ringWith(range(0, 500, 50)).recentFps(T0 + 500)).toBe(20);
    expect(new FrameRing().recentFps(T0)).toBe(0);
  });

  it('answers the frame telemetry of GET /streams/{id}', () => {
    expect(new FrameRing().status(T0)).toEqual({
      stream_time_ms: 0,
      first_frame_at_ms: null,
      last_frame_at_ms: null,
      last_frame_index: null,
      first_available_frame_at_ms: null,
      first_available_frame_index: null,
      recent_fps: 0,
      retained_frame_count: 0,
      evicted_frame_count: 0,
    });
    const ring = ringWith(range(0, 3000, 100), { retentionMs: 1000 });
    expect(ring.status(T0 + 3000)).toEqual({
      stream_time_ms: 3000,
      first_frame_at_ms: T0,
      last_frame_at_ms: T0 + 3000,
      last_frame_index: 30,
      first_available_frame_at_ms: T0 + 2000,
      first_available_frame_index: 20,
      recent_fps: 10,
      retained_frame_count: 11,
      evicted_frame_count: 20,
    });
  });

  it('keeps the status on one clock when capture timestamps run apart from arrivals', () => {
    // Frames captured 1 s apart on the camera's clock, arriving 10 ms apart (a burst).
    const ring = new FrameRing({ retentionMs: 1500, now: () => T0 });
    for (let i = 0; i < 4; i++) ring.push({ jpeg: Buffer.alloc(10), width: 1, height: 1, captureTimestampMs: 5_000_000 + i * 1000, receivedAtMs: T0 + i * 10 });
    const status = ring.status(T0 + 30);
    expect(status.first_frame_at_ms).toBe(T0);
    expect(status.last_frame_at_ms! - status.first_frame_at_ms!).toBe(ring.newest!.timestampMs);
    expect(status.last_frame_at_ms).toBe(T0 + 3000);
    expect(status.first_available_frame_index).toBe(2);
    expect(status.first_available_frame_at_ms).toBe(T0 + ring.oldest!.timestampMs);
    expect(status.first_available_frame_at_ms).toBe(T0 + 2000);
  });

  it('copies a frame that is a view into a larger buffer, so byte caps count what is retained', () => {
    const chunk = Buffer.alloc(1000, 1);
    const frame = new FrameRing().push({ jpeg: chunk.subarray(100, 200), width: 1, height: 1 });
    expect(frame.jpeg.byteLength).toBe(100);
    expect(frame.jpeg.buffer.byteLength).toBe(100);
    const own = Buffer.alloc(50);
    expect(new FrameRing().push({ jpeg: own, width: 1, height: 1 }).jpeg).toBe(own);
  });

  it('refuses frames after dispose', () => {
    const ring = ringWith([0]);
    ring.dispose();
    expect(ring.size).toBe(0);
    expect(() => ring.push({ jpeg: jpeg(), width: 1, height: 1 })).toThrow(/dispose/);
  });

  it('rejects nonsensical options', () => {
    expect(() => new FrameRing({ retentionMs: 0 })).toThrow(/retentionMs/);
    expect(() => new FrameRing({ maxBytes: -1 })).toThrow(/maxBytes/);
    expect(() => new FrameBudget(0)).toThrow(/maxBytes/);
  });
});

describe('FrameBudget', () => {
  it('evicts the oldest frames of the largest ring when all rings together exceed the cap', () => {
    const budget = new FrameBudget(100);
    const small = ringWith(range(0, 200, 100), { budget }); // 3 x 10
    const large = ringWith(range(0, 500, 100), { budget }); // 6 x 10
    expect(budget.usedBytes).toBe(90);
    large.push({ jpeg: jpeg(30), width: 1, height: 1, receivedAtMs: T0 + 600 });
    expect(budget.usedBytes).toBeLessThanOrEqual(100);
    expect(small.size).toBe(3);
    expect(large.oldest?.index).toBe(2);
    expect(large.evictedCount).toBe(2);
    expect(budget.usedBytes).toBe(small.bytes + large.bytes);
  });

  it('breaks ties between equally large rings by the oldest frame', () => {
    const budget = new FrameBudget(40);
    const older = new FrameRing({ budget });
    const newer = new FrameRing({ budget });
    older.push({ jpeg: jpeg(), width: 1, height: 1, receivedAtMs: T0 });
    newer.push({ jpeg: jpeg(), width: 1, height: 1, receivedAtMs: T0 + 10 });
    older.push({ jpeg: jpeg(), width: 1, height: 1, receivedAtMs: T0 + 20 });
    newer.push({ jpeg: jpeg(), width: 1, height: 1, receivedAtMs: T0 + 30 });
    newer.push({ jpeg: jpeg(), width: 1, height: 1, receivedAtMs: T0 + 40 });
    // 50 bytes: newer (30) is larger, loses its oldest; then 40 <= cap.
    expect([older.size, newer.size]).toEqual([2, 2]);
    older.push({ jpeg: jpeg(), width: 1, height: 1, receivedAtMs: T0 + 50 });
    // 50 bytes again, newer 20 vs older 30: older loses its oldest.
    expect([older.size, newer.size]).toEqual([2, 2]);
    expect(older.oldest?.index).toBe(1);
  });

  it('never evicts the newest frame of a ring, even over the cap', () => {
    const budget = new FrameBudget(15);
    const a = ringWith([0, 100, 200], { budget });
    const b = ringWith([0, 100], { budget });
    expect([a.size, b.size]).toEqual([1, 1]);
    expect(budget.usedBytes).toBe(20);
  });

  it('gets its bytes back when a ring is disposed', () => {
    const budget = new FrameBudget(1000);
    const ring = ringWith([0, 100], { budget });
    ring.dispose();
    expect(budget.usedBytes).toBe(0);
    const other = ringWith([0, 100, 200], { budget });
    expect(budget.usedBytes).toBe(other.bytes);
  });
});
