/**
 * End to end on the real embedded server (no backend given): ffmpeg ingest of a clip made here,
 * the builtin CPU models, the runner's scheduling, escalation and event log.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '@ovs/runner';
// @ts-expect-error a plain .mjs script without types
import { composeClip } from '../../scripts/clips.mjs';
import { compileOvs, record } from './helpers.js';

const media = fileURLToPath(new URL('../../../shared/media/', import.meta.url));
const readJsonl = (file: string) => readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

let dir: string;
let clip: string;
const EMPTY_SECONDS = 2;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ovs-embedded-'));
  // An empty scene, then the person: 5 s at 5 fps, small enough for the CPU detector.
  clip = composeClip({
    out: path.join(dir, 'scene.mp4'),
    segments: [{ color: 'gray', seconds: EMPTY_SECONDS }, { image: path.join(media, 'person.jpg'), seconds: 3 }],
    width: 320,
    height: 240,
    fps: 5,
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('on the embedded server', () => {
  it("runs the user's one-liner with --stream A=file:... and builtin models, and ends when the clip ends", async () => {
    const eventsFile = path.join(dir, 'oneliner.jsonl');
    const handle = run(compileOvs('watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s', 'oneliner.ovs'), {
      stdout: false,
      env: {},
      bindings: { A: `file:${clip}` },
      modelMap: { gemma: 'builtin/motion', qwen: 'builtin/detect' },
      eventsFile,
      statusPollMs: 250,
    });
    const seen = record(handle);
    const info = await handle.ready;
    expect(info.backend.kind).toBe('embedded');
    expect(info.streams[0]).toMatchObject({ name: 'A', created: true, source: { type: 'file' } });
    const summary = await handle.done;
    expect(summary.reason).toBe('ended');
    const watch = summary.metrics.watches['watch:1']!;
    expect(watch.calls).toBeGreaterThanOrEqual(2);
    expect(watch.failures).toBe(0);
    expect(watch.unreadable).toBe(0);
    // The motion model cannot judge "fall": it answers not present, and nothing fires.
    expect(seen.answers.every((a) => a.method === 'schema' && a.labels.fall.present === false)).toBe(true);
    expect(seen.answers.every((a) => a.frames[0].frame_index !== null)).toBe(true);
    expect(summary.events.fired).toBe(0);
    expect(seen.errors).toEqual([]);
  }, 30_000);

  it('reports a file source that is not a video (the server says why) and ends the run with that problem', async () => {
    const notVideo = path.join(dir, 'notes.mp4');
    writeFileSync(notVideo, 'these are not video frames\n'.repeat(50));
    const handle = run(compileOvs('watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s', 'notvideo.ovs'), {
      stdout: false,
      env: {},
      bindings: { A: `file:${notVideo}` },
      modelMap: { gemma: 'builtin/motion', qwen: 'builtin/motion' },
      statusPollMs: 200,
    });
    const seen = record(handle);
    const summary = await handle.done;
    expect(summary.reason).toBe('ended');
    const problem = `stream A: the file source "${notVideo}" produced no frame: ffmpeg exited with code 1`;
    expect(summary.problems).toEqual([expect.stringContaining(problem)]);
    expect(summary.problems[0]).toContain('Invalid data found when processing input');
    expect(seen.errors).toContainEqual(expect.objectContaining({ scope: 'stream', stream: 'A', message: expect.stringContaining(problem) }));
    expect(summary.metrics.models.gemma!.calls).toBe(0);
  });

  it('a detect pipeline reports "person" while the person is there and not before', async () => {
    const eventsFile = path.join(dir, 'detect.jsonl');
    const ir = compileOvs('model detect = "builtin/detect"\nwatch stream A every 1s with detect\n  on "person" above 0.3 notify stdout', 'detect.ovs');
    const handle = run(ir, { stdout: false, env: {}, bindings: { A: `file:${clip}` }, eventsFile, statusPollMs: 250 });
    const seen = record(handle);
    const summary = await handle.done;
    expect(summary.reason).toBe('ended');
    const answered = seen.answers.filter((a) => !a.error);
    expect(answered.length).toBeGreaterThanOrEqual(3);
    const boundary = EMPTY_SECONDS * 1000;
    // Before the person appears: never present. Well after: present.
    for (const a of answered) {
      const t = a.frames[0].timestamp_ms;
      if (t < boundary - 200) expect(a.labels.person.present, `frame at ${t} ms`).toBe(false);
      if (t > boundary + 400) expect(a.labels.person.present, `frame at ${t} ms`).toBe(true);
    }
    const events = readJsonl(eventsFile);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.frames[0].timestamp_ms).toBeGreaterThanOrEqual(boundary - 200);
    expect(events[0]).toMatchObject({ status: 'fired', label: 'person', model: 'builtin/detect', rule: { file: 'detect.ovs', line: 3 } });
  }, 40_000);

  it('motion escalates to detect over the frames before the event, and the confirmation is logged', async () => {
    const eventsFile = path.join(dir, 'motion.jsonl');
    const ir = compileOvs(
      'model motion = "builtin/motion"\nmodel detect = "builtin/detect"\n' +
        'watch stream A every 1s with motion over last 2s at 2 fps\n' +
        '  on "motion" cooldown 10s escalate to detect over last 2s at 2 fps ask "Is there a person?"',
      'motion.ovs',
    );
    const handle = run(ir, { stdout: false, env: {}, bindings: { A: `file:${clip}` }, eventsFile, statusPollMs: 250 });
    const summary = await handle.done;
    expect(summary.reason).toBe('ended');
    const events = readJsonl(eventsFile);
    const fired = events.find((e) => e.status === 'fired');
    expect(fired).toBeDefined();
    const decided = events.find((e) => e.id === fired.id && e.status !== 'fired');
    expect(decided).toMatchObject({ status: 'confirmed', escalations: [{ model: 'builtin/detect', confirmed: true }] });
    // The evidence is anchored to the frame the motion watch saw.
    expect(decided.escalations[0].evidence[0]).toContain(`end_frame_index=${fired.frames[0].frame_index}`);
    expect(decided.escalations[0].evidence[0]).toMatch(/start_timestamp_ms=\d+/);
  }, 40_000);
});
