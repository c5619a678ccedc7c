/**
 * Replays end to end: real ffmpeg on clips composed here from the shared photos, the embedded
 * server in replay mode, the runner on a virtual clock, the builtin CPU models, and a fake
 * OpenAI-compatible upstream that counts the calls that reach it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineIr } from '@ovs/ir';
import { check, Source } from '@ovs/lang';
import { ResponseCache } from '@ovs/server';
// @ts-expect-error a plain .mjs script without types
import { composeClip } from '../../../scripts/clips.mjs';
import { startFakeUpstream, type FakeUpstream } from '../../../test/support/fake-upstream.js';
import { alertsOf } from './evaluate.js';
import { replay, ReplayError } from './replay.js';
import { buildReport } from './report.js';

const media = fileURLToPath(new URL('../../../../shared/media/', import.meta.url));

function compile(text: string, file = 'test.ovs'): PipelineIr {
  const result = check(new Source(text, file));
  if (!result.ir) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.ir;
}

let dir: string;
/** Gray 3 s, the person 5 s, gray 3 s: 11 s at 10 fps. */
let scene: string;
/** Gray 3 s, the person 5 s, gray 2 s: ends soon after the person leaves. */
let shortEnd: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ovs-replay-'));
  const person = path.join(media, 'person.jpg');
  const clip = (name: string, after: number) =>
    composeClip({ out: path.join(dir, name), segments: [{ color: 'gray', seconds: 3 }, { image: person, seconds: 5 }, { color: 'gray', seconds: after }], width: 320, height: 240, fps: 10 });
  scene = clip('scene.mp4', 3);
  shortEnd = clip('short-end.mp4', 2);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffmpeg(args: string[]): void {
  const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`ffmpeg failed: ${made.stderr}`);
}

const DETECT = 'model detect = "builtin/detect"\nwatch stream cam every 1s with detect\n  on "person" above 0.3 notify stdout\n';

describe('replay', () => {
  it('shows a watch, at each moment of the media clock, the newest frame of that moment, never one decoded ahead', async () => {
    const result = await replay(compile(DETECT), { clips: { cam: scene } });
    expect(result.summary.reason).toBe('ended');
    expect(result.clips[0]).toMatchObject({ stream: 'cam', frames: 11, durationMs: 11_000, width: 320, height: 240 });
    expect(result.watchCalls['watch:1']!.detect).toBeGreaterThanOrEqual(10);
    const alerts = alertsOf(result);
    expect(alerts.length).toBeGreaterThanOrEqual(4);
    for (const a of alerts) {
      // The frame seen is the newest at the tick: at most one frame interval (1 s at 1 fps) before it.
      expect(a.alertMs - a.frameMs).toBeGreaterThanOrEqual(0);
      expect(a.alertMs - a.frameMs).toBeLessThan(1000);
      // The person is there from 3 s to 8 s, and only then.
      expect(a.frameMs).toBeGreaterThanOrEqual(3000);
      expect(a.frameMs).toBeLessThan(8000);
    }
    expect(Math.min(...alerts.map((a) => a.alertMs))).toBeLessThan(4000);
  });

  it('captures the sinks: deliveries are counted, nothing is written or sent', async () => {
    const cwd = mkdtempSync(path.join(dir, 'cwd-'));
    const ir = compile('model detect = "builtin/detect"\nsink log = file "events.jsonl"\nsink hook = webhook "http://127.0.0.1:9/never"\nwatch stream cam every 1s with detect\n  on "person" above 0.3 notify log\n    then notify hook\n');
    const result = await replay(ir, { clips: { cam: scene }, cwd });
    const report = buildReport(result, {});
    expect(report.alerts.length).toBeGreaterThan(0);
    expect(report.sinks).toEqual({ log: report.alerts.length, hook: report.alerts.length });
    expect(existsSync(path.join(cwd, 'events.jsonl'))).toBe(false);
    expect(result.issues).toEqual([]);
  });

  it('an escalation whose window reaches after the event waits for those frames, up to the end of the clip', async () => {
    const ir = compile('model motion = "builtin/motion"\nmodel detect = "builtin/detect"\nwatch stream cam every 1s with motion\n  on "motion"\n    escalate to detect over 1s before and 2s after ask "Is there a person?"\n');
    const result = await replay(ir, { clips: { cam: shortEnd } });
    const [appears, leaves] = result.events;
    expect(result.events).toHaveLength(2);
    // The person appears at 3 s: evidence from 2 s to 5 s, all of which existed by the time it was asked.
    expect(appears!.frames[0]!.timestamp_ms).toBe(3000);
    expect(appears!.escalations[0]!.evidence[0]).toMatch(/start_timestamp_ms=2000&end_timestamp_ms=5000/);
    expect(appears!.escalations[0]!.note).toBeUndefined();
    expect(appears!.status).toBe('confirmed');
    expect(Date.parse(appears!.time) - result.clips[0]!.originMs).toBeGreaterThanOrEqual(5000);
    // It leaves at 8 s and the last frame is at 9 s: the window stops there.
    expect(leaves!.frames[0]!.timestamp_ms).toBe(8000);
    expect(leaves!.escalations[0]!.note).toMatch(/ended before the window's end/);
  });

  describe('with the response cache', () => {
    let upstream: FakeUpstream;
    beforeAll(async () => {
      upstream = await startFakeUpstream({
        kind: 'answer',
        content: (body) => (JSON.stringify(body).includes('dog') ? '{"dog":{"present":false,"confidence":0.1}}' : '{"person":{"present":true,"confidence":0.9}}'),
      });
    });
    afterAll(() => upstream.close());

    it('re-running an unchanged pipeline makes no model call; a changed rule pays only for the calls that changed', async () => {
      const cache = new ResponseCache(path.join(dir, 'cache'));
      const upstreams = { 'fake-vlm': { baseUrl: upstream.baseUrl, model: 'fake-vlm' } };
      const pipeline = 'model vlm = "fake-vlm"\nwatch stream cam every 1s with vlm\n  ask "Is there a person?"\n  on "person" 2 of 3 notify stdout\n';
      const first = await replay(compile(pipeline), { clips: { cam: scene }, cache, upstreams });
      const calls = first.summary.metrics.models.vlm!.calls;
      expect(calls).toBeGreaterThanOrEqual(10);
      // Identical gray frames are identical requests: even the first run answers some from the cache.
      expect(upstream.requests.length).toBe(first.cache!['fake-vlm']!.misses);
      expect(first.cache!['fake-vlm']!.hits + first.cache!['fake-vlm']!.misses).toBe(calls);

      upstream.requests.length = 0;
      const again = await replay(compile(pipeline), { clips: { cam: scene }, cache, upstreams });
      expect(upstream.requests).toHaveLength(0);
      expect(again.cache).toEqual({ 'fake-vlm': { hits: calls, misses: 0, unreadable: 0, writeErrors: 0 } });
      // Answered from the cache, the run is the same run.
      expect(alertsOf(again).map((a) => [a.frameMs, a.alertMs])).toEqual(alertsOf(first).map((a) => [a.frameMs, a.alertMs]));

      const changed = `${pipeline.replace('2 of 3', '3 of 3')}watch stream cam every 2s with vlm\n  ask "Is there a dog?"\n  on "dog" notify stdout\n`;
      const third = await replay(compile(changed), { clips: { cam: scene }, cache, upstreams });
      expect(third.cache!['fake-vlm']!.misses).toBeGreaterThan(0);
      expect(upstream.requests).toHaveLength(third.cache!['fake-vlm']!.misses);
      expect(upstream.requests.every((r) => JSON.stringify(r.body).includes('Is there a dog?'))).toBe(true);
    });
  });

  it('1x is the live path: real time, and the same alerts as the replay', async () => {
    const clip = composeClip({ out: path.join(dir, 'live.mp4'), segments: [{ color: 'gray', seconds: 2 }, { image: path.join(media, 'person.jpg'), seconds: 2 }], width: 320, height: 240, fps: 10 });
    const ir = compile(DETECT.replace('notify stdout', 'cooldown 10s notify stdout'));
    const fast = await replay(ir, { clips: { cam: clip } });
    const live = await replay(ir, { clips: { cam: clip }, speed: { kind: 'live' } });
    expect(live.wallMs).toBeGreaterThanOrEqual(3500);
    expect(alertsOf(fast).map((a) => a.frameMs)).toEqual([2000]);
    // Live ticks fall where they fall relative to the frames' arrival: within one tick of the replay's.
    const [liveAlert] = alertsOf(live);
    expect(alertsOf(live)).toHaveLength(1);
    expect(Math.abs(liveAlert!.frameMs - 2000)).toBeLessThanOrEqual(1000);
  });

  it('Nx is the replay never faster than N times real time; a signal stops it early, with what was replayed', async () => {
    const paced = await replay(compile(DETECT), { clips: { cam: shortEnd }, speed: { kind: 'paced', factor: 20 } });
    expect(paced.wallMs).toBeGreaterThanOrEqual(9000 / 20);
    expect(alertsOf(paced).map((a) => a.frameMs)).toEqual(alertsOf(await replay(compile(DETECT), { clips: { cam: shortEnd } })).map((a) => a.frameMs));

    const abort = new AbortController();
    const stopped = await replay(compile(DETECT), { clips: { cam: scene }, signal: abort.signal, onStatus: (m) => m.startsWith('running') && abort.abort() });
    expect(stopped.summary.reason).toBe('aborted');
    expect(stopped.interrupted).toBe(true);
    expect(stopped.watchCalls['watch:1']?.detect ?? 0).toBeLessThan(3);
    // What was replayed, not the clip's length.
    expect(stopped.clips[0]!.durationMs).toBeLessThan(11_000);
  });

  it('says what is wrong with the clips before it starts', async () => {
    const ir = compile(DETECT);
    await expect(replay(ir, { clips: {} })).rejects.toThrow(new ReplayError('test.ovs: stream cam has no clip to replay: give one for each stream (--clip cam=FILE)'));
    await expect(replay(ir, { clips: { cam: scene, door: scene } })).rejects.toThrow('clip door: the pipeline has no stream of that name (its streams: cam)');
    await expect(replay(ir, { clips: { cam: path.join(dir, 'nope.mp4') } })).rejects.toThrow(/clip cam: .*nope\.mp4 does not exist/);
    const text = path.join(dir, 'not-a-video.mp4');
    writeFileSync(text, 'this is not a video');
    await expect(replay(ir, { clips: { cam: text } })).rejects.toThrow(/clip cam could not be decoded: .*Invalid data/);
    const audio = path.join(dir, 'audio-only.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'aac', audio]);
    await expect(replay(ir, { clips: { cam: audio } })).rejects.toThrow(new ReplayError('clip cam: ' + audio + ' has no video stream (only mov,mp4,m4a,3gp,3g2,mj2 audio or data): give a video file'));
    const blink = composeClip({ out: path.join(dir, 'blink.mp4'), segments: [{ color: 'gray', seconds: 0.3 }], width: 160, height: 120, fps: 10 });
    await expect(replay(ir, { clips: { cam: blink } })).rejects.toThrow(/^clip cam: .*blink\.mp4 lasts 0\.3\d* s, too short to keep a frame at 1 fps: raise --fps to at least 2$/);
  });

  it('reports a clip as long as the file, not as its frames at the replay rate', async () => {
    const odd = composeClip({ out: path.join(dir, 'odd.mp4'), segments: [{ color: 'gray', seconds: 1.5 }], width: 160, height: 120, fps: 10 });
    const result = await replay(compile(DETECT.replace('builtin/detect', 'builtin/motion').replace('"person" above 0.3', '"motion"')), { clips: { cam: odd } });
    expect(result.clips[0]).toMatchObject({ frames: 2, durationMs: 1500 });
  });
});
