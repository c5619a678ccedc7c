import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run, VirtualClock } from '@ovs/runner';
import { absentAnswer, startFakeBackend, type FakeBackend } from '../support/fake-backend.js';
import { compileOvs, drive, record } from './helpers.js';

const quiet = { stdout: false as const, env: {} };
const confirm = { answer: { confirmed: true, confidence: 0.8, description: 'yes' } };

let fake: FakeBackend;
afterEach(async () => fake.close());

describe('pinning frames without ovs_resolved (as on the hosted service)', () => {
  beforeEach(async () => void (fake = await startFakeBackend({ resolved: false })));

  it('asks later ticks about the exact newest frame from stream status, and pins events to it', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(20);
    fake.script = (req, n) => {
      if (req.schemaKeys.includes('confirmed')) return confirm;
      fake.advance(streamId, 7);
      return n === 2 ? { answer: { fall: { present: true, confidence: 0.9 } } } : absentAnswer(req);
    };
    const handle = run(compileOvs('watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s'), { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId } });
    const seen = record(handle);
    await handle.ready;
    await drive(clock, () => seen.events.length >= 2, 'the confirmed event');
    const [first, second, third] = fake.watchCalls;
    // The first call cannot know the backend does not resolve; after it, frames are pinned first.
    expect(first!.refs).toEqual([`ovs://streams/${streamId}?frame_index=-1`]);
    expect(second!.refs).toEqual([`ovs://streams/${streamId}?frame_index=26`]);
    expect(third!.refs).toEqual([`ovs://streams/${streamId}?frame_index=33`]);
    expect(seen.events[0].frames[0]).toMatchObject({ frame_index: 33, source: 'requested' });
    // The fake's status: timestamps are index * 100 ms.
    expect(fake.escalations[0]!.refs).toEqual([`ovs://streams/${streamId}?start_timestamp_ms=0&end_frame_index=33`]);
    await handle.stop();
  });
});

describe('a window reaching after the event', () => {
  beforeEach(async () => void (fake = await startFakeBackend()));
  const ir = () => compileOvs('watch stream A every 2s with gemma\n on "stop" escalate to qwen over 10s before and 5s after at 2 fps');

  it('waits until the stream has passed the end of the window, then asks with absolute timestamps', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(150); // newest frame 149 at 14.9 s
    let saw: { index: number; timestampMs: number } | undefined;
    fake.script = (req, n) => {
      if (req.schemaKeys.includes('confirmed')) return confirm;
      if (n === 0) {
        saw = fake.lastFrame(streamId);
        return { answer: { stop: { present: true, confidence: 0.9 } } };
      }
      return absentAnswer(req);
    };
    const handle = run(ir(), { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId } });
    const seen = record(handle);
    await handle.ready;
    await drive(clock, () => seen.events.length >= 1, 'fired');
    // 4.9 s of the 5 s after: not yet.
    fake.advance(streamId, 49);
    await clock.advance(3000);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.escalations).toHaveLength(0);
    fake.advance(streamId, 1);
    await drive(clock, () => fake.escalations.length === 1, 'the escalation');
    expect(fake.escalations[0]!.refs).toEqual([`ovs://streams/${streamId}?start_timestamp_ms=${saw!.timestampMs - 10_000}&end_timestamp_ms=${saw!.timestampMs + 5000}&max_fps=2`]);
    await drive(clock, () => seen.events.length >= 2, 'confirmed');
    expect(seen.events[1].escalations[0].note).toBeUndefined();
    await handle.stop();
  });

  it('stops waiting after a bounded time and asks about what exists, saying so', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(150);
    fake.script = (req, n) => (req.schemaKeys.includes('confirmed') ? confirm : n === 0 ? { answer: { stop: { present: true, confidence: 0.9 } } } : absentAnswer(req));
    const handle = run(ir(), { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId }, escalationWaitMs: 2000 });
    const seen = record(handle);
    await handle.ready;
    await drive(clock, () => seen.events.length >= 1, 'fired');
    fake.advance(streamId, 10); // 1 s of the 5 s after arrives, then nothing
    await drive(clock, () => seen.events.length >= 2, 'confirmed after the bounded wait');
    expect(fake.escalations[0]!.refs[0]).toContain(`end_timestamp_ms=${159 * 100}`);
    expect(seen.events[1].escalations[0].note).toMatch(/waited for frames up to 19900 ms of stream time; the window ends at 15900 ms instead/);
    await handle.stop();
  });
});

describe('escalation priority', () => {
  beforeEach(async () => void (fake = await startFakeBackend()));

  it('a saturated watch load does not starve an escalation', async () => {
    const clock = new VirtualClock();
    const streamId = fake.addStream(10);
    const watches = Array.from({ length: 30 }, (_, i) => `watch stream A every 1s with gemma ask "q${i}" on "x${i}" escalate to qwen`).join('\n');
    let firedAt = -1;
    fake.script = async (req, n) => {
      if (req.schemaKeys.includes('confirmed')) return confirm;
      await new Promise((r) => setTimeout(r, 5));
      if (firedAt < 0 && n >= 3) {
        firedAt = n;
        return { answer: { [req.schemaKeys[0]!]: { present: true, confidence: 0.9 } } };
      }
      return absentAnswer(req);
    };
    const handle = run(compileOvs(`limit concurrency 1\n${watches}`), { ...quiet, clock, backend: { url: fake.url }, bindings: { A: streamId } });
    const seen = record(handle);
    await handle.ready;
    await clock.advance(1000); // all 30 watches tick and queue behind one slot
    await drive(clock, () => fake.escalations.length === 1, 'the escalation', { stepMs: 1 });
    const escalationIndex = fake.chats.indexOf(fake.escalations[0]!);
    // With 26+ routine calls still queued, the escalation took the next free slot but one
    // (the routine call dispatched while the event was being recorded).
    expect(escalationIndex - firedAt).toBeLessThanOrEqual(2);
    expect(fake.maxInFlight).toBe(1);
    await drive(clock, () => seen.events.length >= 2, 'confirmed', { stepMs: 1 });
    handle.stop();
    await drive(clock, () => handle.metrics().callsInFlight === 0, 'stop', { stepMs: 10 });
  });
});
