import { describe, expect, it } from 'vitest';
import type { FrameInput } from '../frames/index.js';
import { ClockGate } from './clock-gate.js';

const ORIGIN = 1_000_000;

function setup(maxBufferedBytes = 1000) {
  let now = ORIGIN;
  const added: FrameInput[] = [];
  const calls: string[] = [];
  const gate = new ClockGate({
    originMs: ORIGIN,
    now: () => now,
    maxBufferedBytes,
    addFrame: (frame) => added.push(frame),
    ended: () => calls.push('ended'),
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
  });
  const frame = (mediaTimeMs: number, bytes = 100) => gate.frame({ jpeg: Buffer.alloc(bytes), width: 4, height: 2, mediaTimeMs });
  return { gate, added, calls, frame, setNow: (ms: number) => (now = ORIGIN + ms) };
}

describe('ClockGate (replayed streams)', () => {
  it('lets a frame in only once the clock reaches its media time, counted from the first frame', () => {
    const { gate, added, frame, setNow } = setup();
    frame(500); // the clip's first frame is stream time 0, whatever its media time
    frame(1500);
    frame(2500);
    expect(added.map((f) => f.receivedAtMs)).toEqual([ORIGIN]);
    setNow(999);
    gate.release();
    expect(added).toHaveLength(1);
    setNow(1000);
    gate.release();
    expect(added.map((f) => [f.captureTimestampMs, f.receivedAtMs])).toEqual([
      [500, ORIGIN],
      [1500, ORIGIN + 1000],
    ]);
  });

  it('reach waits until a frame after the asked time is decoded, so that what the stream shows then is settled', async () => {
    const { gate, frame } = setup();
    frame(0);
    let reached: number | undefined;
    const waiting = gate.reach(2000).then((ms) => (reached = ms));
    frame(1000);
    frame(2000); // the frame at 2000 is decoded, but whether the stream ends there is not known yet
    await Promise.resolve();
    expect(reached).toBeUndefined();
    frame(3000);
    await waiting;
    expect(reached).toBe(2999);
    await expect(gate.reach(2500)).resolves.toBe(2999);
  });

  it('pauses the source when its buffer is full, answers reach with the newest decoded frame, and resumes once the clock drains it', async () => {
    const { gate, calls, frame, setNow } = setup(300);
    for (const t of [0, 1000, 2000, 3000]) frame(t);
    expect(calls).toEqual(['pause']); // 3 frames of 100 bytes wait beyond the clock
    await expect(gate.reach(10_000)).resolves.toBe(2999);
    setNow(2000);
    gate.release();
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('ends the stream only after the clock has shown the last frame', async () => {
    const { gate, calls, added, frame, setNow } = setup();
    frame(0);
    frame(1000);
    gate.sourceEnded();
    expect(calls).toEqual([]);
    await expect(gate.reach(5000)).resolves.toBe(Number.POSITIVE_INFINITY);
    setNow(1000);
    gate.release();
    expect(added).toHaveLength(2);
    expect(calls).toEqual(['ended']);
    gate.release();
    expect(calls).toEqual(['ended']);
  });

  it('a failed source makes reach reject with its message', async () => {
    const { gate, frame } = setup();
    frame(0);
    const waiting = gate.reach(5000);
    gate.sourceFailed('ffmpeg exited with code 1: Invalid data found');
    await expect(waiting).rejects.toThrow('Invalid data found');
  });

  it('never pauses for a single waiting frame, however large', () => {
    const { calls, frame } = setup(50);
    frame(0);
    frame(1000, 500);
    expect(calls).toEqual([]);
    frame(2000, 500);
    expect(calls).toEqual(['pause']);
  });

  it('after close, waiting frames are dropped and nothing more is let in', async () => {
    const { gate, added, frame, setNow } = setup();
    frame(0);
    frame(1000);
    gate.close();
    setNow(5000);
    gate.release();
    frame(2000);
    expect(added).toHaveLength(1);
    await expect(gate.reach(9000)).resolves.toBe(Number.POSITIVE_INFINITY);
  });
});
