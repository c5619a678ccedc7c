/**
 * `ovs run` end to end: the CLI in-process, the embedded server, real ffmpeg ingest of a clip
 * composed here, the builtin CPU models.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '@ovs/cli';
// @ts-expect-error a plain .mjs script without types
import { composeClip } from '../../scripts/clips.mjs';

const person = fileURLToPath(new URL('../../../shared/media/person.jpg', import.meta.url));

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ovs` in-process; `onStop` receives the function that delivers a stop signal. */
async function ovs(args: string[], onStop?: (deliver: (signal: string) => void) => void, onStderr?: (text: string) => void): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (t) => void (stdout += t) },
    stderr: {
      write: (t) => {
        stderr += t;
        onStderr?.(t);
      },
    },
    readStdin: async () => Buffer.alloc(0),
    env: {},
    onStopSignal(handler) {
      onStop?.(handler);
      return () => {};
    },
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

let dir: string;
let clip: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ovs-cli-run-'));
  clip = composeClip({
    out: path.join(dir, 'scene.mp4'),
    segments: [{ color: 'gray', seconds: 2 }, { image: person, seconds: 3 }],
    width: 320,
    height: 240,
    fps: 5,
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ovs run', () => {
  it('runs a motion watch escalating to the detector on a clip, prints the events, logs them, and ends with the clip', async () => {
    const pipeline = path.join(dir, 'motion.ovs');
    writeFileSync(
      pipeline,
      'model motion = "builtin/motion"\nmodel detect = "builtin/detect"\nwatch stream cam every 1s with motion\n  on "motion" escalate to detect over last 2s ask "Is there a person?"\n',
    );
    const events = path.join(dir, 'events.jsonl');
    const { code, stdout, stderr } = await ovs(['run', pipeline, '--stream', `cam=file:${clip}`, '--events', events]);
    expect(stderr).toContain('every source ended');
    expect(code).toBe(0);
    expect(stdout).toMatch(/FIRED "motion" .* on cam \(frame \d+\) by builtin\/motion/);
    expect(stdout).toMatch(/CONFIRMED "motion" .* by builtin\/detect: .*person/);
    const records = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string });
    expect(records.map((r) => r.status)).toEqual(expect.arrayContaining(['fired', 'confirmed']));
  }, 60_000);

  it("runs the user's one-liner with a file binding and remapped models, as JSON lines", async () => {
    const pipeline = path.join(dir, 'oneliner.ovs');
    writeFileSync(pipeline, 'watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s\n');
    const { code, stdout, stderr } = await ovs(['run', pipeline, '--stream', `A=file:${clip}`, '--model', 'gemma=builtin/motion', '--model', 'qwen=builtin/detect', '--json', '--events', path.join(dir, 'oneliner.jsonl')]);
    expect(code).toBe(0);
    // The motion model cannot judge "fall": nothing fires, every line on stderr is JSON.
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as { type: string; summary?: { reason: string; metrics: { watches: Record<string, { calls: number }> } } });
    const summary = lines.find((l) => l.type === 'summary')!.summary!;
    expect(summary.reason).toBe('ended');
    expect(summary.metrics.watches['watch:1']!.calls).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('fails before starting when a stream parameter is not bound, saying how to bind it', async () => {
    const pipeline = path.join(dir, 'unbound.ovs');
    writeFileSync(pipeline, 'watch stream A every 2s with gemma; on "fall" notify stdout\n');
    const { code, stderr } = await ovs(['run', pipeline]);
    expect(code).toBe(1);
    expect(stderr).toContain('--stream A=');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('reports the errors of a file that does not check, and does not run it', async () => {
    const pipeline = path.join(dir, 'broken.ovs');
    writeFileSync(pipeline, 'watch stream A every 2 with gemma; on "fall" notify nowhere\n');
    const { code, stderr } = await ovs(['run', pipeline, '--stream', `A=file:${clip}`]);
    expect(code).toBe(1);
    expect(stderr).toContain('broken.ovs:1:22: error OVS1004');
    expect(stderr).toContain('OVS1002');
  });

  it('stops cleanly on a signal: the run ends, created streams are deleted, exit 0', async () => {
    const pipeline = path.join(dir, 'looping.ovs');
    writeFileSync(pipeline, `model motion = "builtin/motion"\nstream cam = file "${clip}"\nwatch stream cam every 1s with motion\n  on "motion" notify stdout\n`);
    let stop: ((signal: string) => void) | undefined;
    let started = false;
    const running = ovs(['run', pipeline, '--events', path.join(dir, 'looping.jsonl')], (deliver) => (stop = deliver), (text) => (started ||= text.includes('running 1 watch')));
    await expect.poll(() => started, { timeout: 20_000 }).toBe(true);
    stop!('SIGINT');
    const { code, stderr } = await running;
    expect(code).toBe(0);
    expect(stderr).toContain('SIGINT: stopping');
    expect(stderr).toMatch(/done after .* \((stopped|every source ended)\)/);
  }, 60_000);

  it('a second signal cuts the stop short and exits 130', async () => {
    const pipeline = path.join(dir, 'looping2.ovs');
    writeFileSync(pipeline, `model motion = "builtin/motion"\nstream cam = file "${clip}"\nwatch stream cam every 1s with motion\n  on "motion" notify stdout\n`);
    let stop: ((signal: string) => void) | undefined;
    let started = false;
    const running = ovs(['run', pipeline, '--events', path.join(dir, 'looping2.jsonl')], (deliver) => (stop = deliver), (text) => (started ||= text.includes('running 1 watch')));
    await expect.poll(() => started, { timeout: 20_000 }).toBe(true);
    stop!('SIGINT');
    stop!('SIGINT');
    const { code, stderr } = await running;
    expect(stderr).toContain('SIGINT again: cancelling what is still in flight');
    expect(stderr).toMatch(/done after .* \(stopped\)/);
    expect(code).toBe(130);
  }, 60_000);

  it('logs events to ovs-events.jsonl in the working directory by default, names it, and reports a source that gives no frame', async () => {
    const pipeline = path.join(dir, 'notvideo.ovs');
    writeFileSync(pipeline, 'watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s\n');
    const notVideo = path.join(dir, 'notes.mp4');
    writeFileSync(notVideo, 'not a video\n'.repeat(50));
    const defaultLog = path.resolve('ovs-events.jsonl');
    const existed = existsSync(defaultLog);
    try {
      const { code, stderr } = await ovs(['run', pipeline, '--stream', `A=file:${notVideo}`, '--model', 'gemma=builtin/motion', '--model', 'qwen=builtin/motion']);
      expect(code).toBe(0);
      expect(stderr).toContain(`event log: ${defaultLog}`);
      expect(stderr).toContain(`problem: stream A: the file source "${notVideo}" produced no frame: ffmpeg exited with code 1`);
      expect(stderr).toContain('gemma (builtin/motion): 0 calls, 0 failed, 0 tokens');
      expect(existsSync(defaultLog)).toBe(true);
    } finally {
      if (!existed) rmSync(defaultLog, { force: true });
    }
  }, 60_000);

  it('rejects a --backend that is not an http(s) URL as a usage error, before anything runs', async () => {
    for (const url of ['notaurl', 'ftp://127.0.0.1/v1']) {
      const { code, stderr } = await ovs(['run', 'x.ovs', '--backend', url]);
      expect(code).toBe(2);
      expect(stderr).toContain('http://127.0.0.1:8080/v1');
      expect(stderr).not.toContain('Invalid URL');
    }
  });

  it('says plainly when the backend cannot be reached, before creating any stream', async () => {
    const pipeline = path.join(dir, 'unreachable.ovs');
    writeFileSync(pipeline, 'watch stream A every 2s with gemma; on "fall" notify stdout\n');
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const { code, stderr } = await ovs(['run', pipeline, '--stream', `A=file:${clip}`, '--backend', `http://127.0.0.1:${port}/v1`, '--events', path.join(dir, 'unreachable.jsonl')]);
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot reach the backend at http://127.0.0.1:${port}/v1 (connection refused): is it running?`);
    expect(stderr).not.toContain('could not open the file source');
  });

  it('rejects malformed flags as usage errors', async () => {
    expect((await ovs(['run', 'x.ovs', '--for', '10'])).stderr).toContain('expected a duration like 30s');
    expect((await ovs(['run', 'x.ovs', '--model', 'gemma'])).code).toBe(2);
  });
});
