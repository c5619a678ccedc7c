import { describe, expect, it } from 'vitest';
import type { StreamNode } from '@ovs/ir';
import type { StreamPlan } from './bindings.js';
import type { LenientStatus, StreamsApi } from './backend/streams-api.js';
import { VirtualClock } from './clock.js';
import { MIN_POLL_GAP_MS, OPEN_CONCURRENCY, StreamManager } from './streams.js';

/** A backend where every stream is active; records when each stream's status was asked. */
function fakeApi(clock: VirtualClock) {
  const polls: Array<{ id: string; at: number }> = [];
  const api = {
    get: async (id: string): Promise<LenientStatus> => {
      polls.push({ id, at: clock.now() });
      return { id, state: 'active' };
    },
  } as unknown as StreamsApi;
  return { api, polls };
}

function idPlans(count: number): StreamPlan[] {
  return Array.from({ length: count }, (_, i) => {
    const node: StreamNode = { id: `stream:s${i}`, type: 'stream', name: `s${i}`, binding: { kind: 'id', streamId: `id-${i}` } };
    return { node, kind: 'id', streamId: `id-${i}` };
  });
}

async function openPolling(count: number, pollMs: number) {
  const clock = new VirtualClock();
  const { api, polls } = fakeApi(clock);
  const manager = new StreamManager({ api, closeApi: api, clock, pollMs, onEnded: () => {}, onIssue: () => {} });
  await manager.open(idPlans(count));
  polls.length = 0; // the verification at open is not polling
  const start = clock.now();
  manager.startPolling();
  return { clock, polls, manager, start };
}

describe('StreamManager status polling', () => {
  it('polls every stream once per interval, spread over it rather than all at once', async () => {
    const { clock, polls, manager, start } = await openPolling(4, 1000);
    await clock.advance(1000);
    expect(polls.map((p) => [p.id, p.at - start])).toEqual([
      ['id-0', 250],
      ['id-1', 500],
      ['id-2', 750],
      ['id-3', 1000],
    ]);
    await clock.advance(1000);
    expect(polls).toHaveLength(8);
    await manager.close();
  });

  it('with many streams, stretches the interval so polls stay at least MIN_POLL_GAP_MS apart on average', async () => {
    const streams = 300;
    const { clock, polls, manager, start } = await openPolling(streams, 2000);
    const cycleMs = streams * MIN_POLL_GAP_MS;
    await clock.advance(2000);
    expect(polls.length).toBeLessThanOrEqual(Math.ceil(2000 / MIN_POLL_GAP_MS));
    await clock.advance(cycleMs - 2000);
    expect(new Set(polls.map((p) => p.id)).size).toBe(streams);
    expect(polls.every((p) => p.at - start <= cycleMs)).toBe(true);
    await manager.close();
  });
});

describe('StreamManager opening', () => {
  /** A backend that answers each status after a real pause, tracking how many requests overlap; `failing` ids fail. */
  function slowApi(failing: ReadonlySet<string> = new Set()) {
    const seen = { asked: 0, inFlight: 0, maxInFlight: 0 };
    const api = {
      get: async (id: string): Promise<LenientStatus> => {
        seen.asked++;
        seen.maxInFlight = Math.max(seen.maxInFlight, ++seen.inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        seen.inFlight--;
        if (failing.has(id)) throw new Error('connection refused');
        return { id, state: 'active' };
      },
    } as unknown as StreamsApi;
    return { api, seen };
  }
  const manager = (api: StreamsApi) => new StreamManager({ api, closeApi: api, clock: new VirtualClock(), pollMs: 2000, onEnded: () => {}, onIssue: () => {} });

  it('verifies many streams a bounded number at a time', async () => {
    const { api, seen } = slowApi();
    const streams = manager(api);
    await streams.open(idPlans(200));
    expect(streams.all()).toHaveLength(200);
    expect(seen.maxInFlight).toBe(OPEN_CONCURRENCY);
  });

  it('stops at the first stream that fails and reports it', async () => {
    const { api, seen } = slowApi(new Set(['id-3']));
    await expect(manager(api).open(idPlans(200))).rejects.toThrow(/id-3/);
    expect(seen.asked).toBeLessThan(200);
  });
});

describe('StreamManager frame progress', () => {
  it('reports a pulled source that stops giving new frames with its ingest reason, and is quiet while frames come', async () => {
    const clock = new VirtualClock();
    let index = 0;
    let ingest: LenientStatus['ingest'] = { state: 'streaming', attempts: 1, last_error: null };
    const api = {
      get: async (id: string): Promise<LenientStatus> => ({ id, state: 'active', last_frame_index: index, ingest }),
    } as unknown as StreamsApi;
    const issues: string[] = [];
    const manager = new StreamManager({ api, closeApi: api, clock, pollMs: 1000, onEnded: () => {}, onIssue: (s, message) => issues.push(`${s.name}: ${message}`) });
    await manager.open(idPlans(1));
    manager.startPolling();
    for (let i = 0; i < 15; i++) {
      index++;
      await clock.advance(1000);
    }
    expect(issues).toEqual([]);
    ingest = { state: 'retrying', attempts: 2, last_error: 'ffmpeg exited with code 1: Connection reset by peer' };
    await clock.advance(12_000);
    expect(issues).toEqual(['s0: no new frame for 10 s: ffmpeg exited with code 1: Connection reset by peer (retrying, attempt 2)']);
    await manager.close();
  });
});
