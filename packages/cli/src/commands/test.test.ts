/** `ovs test` in-process: usage errors, labels errors, the gates and the exit code, --json, --vs, the cache flags. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script without types
import { composeClip } from '../../../../scripts/clips.mjs';
import { startFakeUpstream } from '../../../../test/support/fake-upstream.js';
import { ovs, tempDir } from '../cli.test-harness.js';

const dir = tempDir();
let clip: string;
const motion = join(dir, 'motion.ovs');
const slower = join(dir, 'slower.ovs');
const labels = join(dir, 'clip.labels');

beforeAll(() => {
  // A gray scene with the person's photo cut in at 2 s: motion at 2 s, then stillness.
  clip = composeClip({ out: join(dir, 'clip.mp4'), segments: [{ color: 'gray', seconds: 2 }, { image: '/work/shared/media/person.jpg', seconds: 2 }], width: 160, height: 120, fps: 5 });
  writeFileSync(motion, 'model motion = "builtin/motion"\nwatch stream cam every 1s with motion\n  on "motion" notify stdout\n');
  writeFileSync(slower, 'model motion = "builtin/motion"\nwatch stream cam every 2s with motion\n  on "motion" notify stdout\n');
  writeFileSync(labels, 'motion 2 3\n');
});

const cacheArgs = () => ['--cache-dir', join(dir, 'cache')];

describe('ovs test', () => {
  it('replays, scores and prints the tables; the gates pass', async () => {
    const { code, stdout, stderr } = await ovs(['test', motion, '--clip', `cam=${clip}`, '--labels', `cam=${labels}`, '--min-recall', '1', '--max-false-per-hour', '0', ...cacheArgs()]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`ovs test ${motion}\n  clip cam: ${clip} (4 s, 160x120, 4 frames at 1 fps), labels ${labels}`);
    expect(stdout).toMatch(/\n {2}motion +1 +1 +1 +0 +0 +0 +1\.00 +1\.00 /);
    expect(stdout).toMatch(/\n {2}motion +builtin\/motion +\d+ /);
    expect(stdout).toContain('pass: recall 1 >= --min-recall 1');
  });

  it('exits 1 and says which gate failed', async () => {
    const strict = join(dir, 'strict.labels');
    writeFileSync(strict, 'motion 2 3\nmotion 0 1\n');
    const { code, stdout, stderr } = await ovs(['test', motion, '--clip', `cam=${clip}`, '--labels', `cam=${strict}`, '--min-recall', '0.9', ...cacheArgs()]);
    expect(code).toBe(1);
    expect(stdout).toContain('FAIL: recall 0.5 < --min-recall 0.9');
    expect(stdout).toContain(`missed: motion 0 s–1 s (${strict}:2)`);
    expect(stderr).toBe('ovs test: gate failed: recall 0.5 < --min-recall 0.9\n');
  });

  it('--json: one document; --vs: both pipelines, side by side; a re-run asks no model', async () => {
    const { code, stdout, stderr } = await ovs(['test', motion, '--vs', slower, '--clip', `cam=${clip}`, '--labels', `cam=${labels}`, '--json', ...cacheArgs()]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(true);
    expect(report.pipelines.map((p: { pipeline: string }) => p.pipeline)).toEqual([motion, slower]);
    expect(report.pipelines[0].evaluation.total).toMatchObject({ truePositives: 1, recall: 1 });
    const again = JSON.parse((await ovs(['test', motion, '--vs', slower, '--clip', `cam=${clip}`, '--json', ...cacheArgs()])).stdout);
    for (const p of again.pipelines) expect(p.models[0].cache).toEqual({ hits: p.models[0].calls, misses: 0 });
    const text = await ovs(['test', motion, '--vs', slower, '--clip', `cam=${clip}`, '--labels', `cam=${labels}`, ...cacheArgs()]);
    expect(text.stdout).toMatch(new RegExp(`\\n {2}${motion} +motion +1 .*\\n {2}${slower} +motion +1 `));
  });

  it('--fps keeps that many frames a second; --upstream serves a model from an OpenAI-compatible server', async () => {
    const upstream = await startFakeUpstream({ kind: 'answer', content: '{"person":{"present":false,"confidence":0.1}}' });
    try {
      const vlm = join(dir, 'vlm.ovs');
      writeFileSync(vlm, 'model vlm = "fake-vlm"\nwatch stream cam every 1s with vlm\n  on "person" notify stdout\n');
      const { code, stdout, stderr } = await ovs(['test', vlm, '--clip', `cam=${clip}`, '--fps', '5', '--upstream', `fake-vlm=fake-vlm@${upstream.baseUrl}`, '--no-cache']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain('(4 s, 160x120, 20 frames at 5 fps)');
      expect(stdout).toMatch(/\n {2}vlm +fake-vlm +\d+ /);
      expect(upstream.requests.filter((r) => r.path.endsWith('/chat/completions')).length).toBeGreaterThanOrEqual(4);
    } finally {
      await upstream.close();
    }
  });

  it('--no-cache calls the model every time and keeps no cache', async () => {
    const cacheDir = join(dir, 'never');
    const { code, stdout } = await ovs(['test', motion, '--clip', `cam=${clip}`, '--no-cache', '--cache-dir', cacheDir, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).pipelines[0].models[0].cache).toBeNull();
    expect(existsSync(cacheDir)).toBe(false);
  });

  it.each([
    [[], 2, 'ovs test: give the clip to replay for each stream: --clip NAME=FILE'],
    [['--clip', 'cam'], 2, "option '--clip <NAME=FILE>' argument 'cam' is invalid. expected NAME=FILE"],
    [['--clip', 'cam=x.mp4', '--speed', 'fast'], 2, 'ovs test: --speed fast: expected max, 1x (real time, the live path) or Nx (e.g. 10x)'],
    [['--clip', 'cam=x.mp4', '--labels', 'door=x.labels'], 2, 'ovs test: --labels door: no --clip of that name'],
    [['--clip', 'cam=x.mp4', '--model', 'gemma=builtin/detect'], 2, 'ovs test: --model gemma: no pipeline uses a model of that name'],
    [['--clip', 'cam=x.mp4', '--min-recall', '2'], 2, 'expected a number from 0 to 1'],
    [['--clip', 'cam=x.mp4', '--vs', motion], 2, `ovs test: --vs ${motion} is the pipeline itself: give another pipeline to compare with`],
    [['--clip', 'door=x.mp4'], 1, 'motion.ovs: clip door: the pipeline has no stream of that name (its streams: cam)'],
    [['--clip', 'cam=missing.mp4'], 1, 'ovs test: clip cam: missing.mp4 does not exist'],
  ])('%j: exit %i, %s', async (args, status, message) => {
    const { code, stderr } = await ovs(['test', motion, ...(args as string[]), ...cacheArgs()]);
    expect(code).toBe(status);
    expect(stderr).toContain(message);
  });

  it('a signal stops the replay early: the report says so, no gate passes, exit 130', async () => {
    let stop: ((signal: string) => void) | undefined;
    // On a terminal, without --json, progress lines show when the run starts.
    const { code, stdout, stderr } = await ovs(['test', motion, '--vs', slower, '--clip', `cam=${clip}`, '--labels', `cam=${labels}`, '--max-false-per-hour', '100', ...cacheArgs()], {
      tty: true,
      onStopSignal: (handler) => void (stop = handler),
      // Ctrl-C as soon as the first pipeline starts running.
      onStderr: (text) => void (text.includes('running 1 watch') && stop?.('SIGINT')),
    });
    expect(code).toBe(130);
    expect(stdout).toContain(`ovs test ${motion}\n`);
    expect(stdout).toMatch(/\n {2}INTERRUPTED after .* of media: every figure below covers only that part\n/);
    expect(stdout).not.toContain(`ovs test ${slower}`);
    expect(stderr).toContain(`ovs test: interrupted: the report covers only what was replayed before the signal (${slower} not replayed); the gates are not checked`);
    expect(stdout).not.toMatch(/^(pass|FAIL):/m);
  });

  it('a cache directory that cannot keep answers is an error before the replay, not a cache that never hits', async () => {
    for (const [cacheDir, code] of [[labels, 'ENOTDIR'], ['/proc/ovs-cache', 'ENOENT']] as const) {
      const result = await ovs(['test', motion, '--clip', `cam=${clip}`, '--cache-dir', cacheDir]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`ovs test: the response cache ${cacheDir} cannot keep answers (${code}): give a directory it can write with --cache-dir (or OVS_CACHE_DIR), or replay without a cache (--no-cache)\n`);
    }
    const empty = await ovs(['test', motion, '--clip', `cam=${clip}`, '--cache-dir', '']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('ovs test: --cache-dir needs a directory (or leave it out for the default)');
  });

  it('--vs pipelines watching different streams each replay the clips of their own', async () => {
    const door = join(dir, 'door.ovs');
    writeFileSync(door, 'model motion = "builtin/motion"\nwatch stream door every 1s with motion\n  on "motion" notify stdout\n');
    const both = await ovs(['test', motion, '--vs', door, '--clip', `cam=${clip}`, '--clip', `door=${clip}`, '--labels', `cam=${labels}`, '--json', ...cacheArgs()]);
    expect(both.stderr).toBe('');
    expect(both.code).toBe(0);
    const report = JSON.parse(both.stdout);
    expect(report.pipelines.map((p: { clips: Array<{ stream: string }> }) => p.clips.map((c) => c.stream))).toEqual([['cam'], ['door']]);
    const stray = await ovs(['test', motion, '--vs', door, '--clip', `cam=${clip}`, '--clip', `door=${clip}`, '--clip', `yard=${clip}`, ...cacheArgs()]);
    expect(stray.code).toBe(1);
    expect(stray.stderr).toBe(`ovs test: clip yard: no pipeline has a stream of that name (${motion}: cam; ${door}: door)\n`);
    const missing = await ovs(['test', motion, '--vs', door, '--clip', `cam=${clip}`, ...cacheArgs()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('stream door has no clip to replay: give one for each stream (--clip door=FILE)');
  });

  it('a labels file with a mistake: exit 1, the file and line', async () => {
    const bad = join(dir, 'bad.labels');
    writeFileSync(bad, 'motion 2 3\nmotion 3\n');
    const { code, stderr } = await ovs(['test', motion, '--clip', `cam=${clip}`, '--labels', `cam=${bad}`, ...cacheArgs()]);
    expect(code).toBe(1);
    expect(stderr).toBe(`ovs test: ${bad}:2: expected LABEL START END (e.g. person 12 30, or "stopped vehicle" 1:02 1:30), got 1 time after the label\n`);
  });
});
