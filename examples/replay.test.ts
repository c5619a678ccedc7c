/**
 * The examples backtested on a clip: `ovs test` replays a door camera composed here from the
 * shared photos (an empty hall, a person, the hall, a dog, the hall) through motion-detect.ovs
 * and person-detect.ovs, scored against the labels files next to them, gated in CI on catching
 * every labeled event without a false alarm.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ovs } from '../packages/cli/src/cli.test-harness.js';
// @ts-expect-error a plain .mjs script without types
import { composeClip } from '../scripts/clips.mjs';

const examples = fileURLToPath(new URL('./', import.meta.url));
const media = fileURLToPath(new URL('../../shared/media/', import.meta.url));

let dir: string;
let clip: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ovs-examples-'));
  clip = composeClip({
    out: path.join(dir, 'door.mp4'),
    segments: [
      { color: 'gray', seconds: 3 },
      { image: path.join(media, 'person.jpg'), seconds: 5 },
      { color: 'gray', seconds: 3 },
      { image: path.join(media, 'dog.jpg'), seconds: 5 },
      { color: 'gray', seconds: 2 },
    ],
    // Large enough for the detector to find the dog in its photo.
    width: 640,
    height: 480,
    fps: 10,
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function backtest(file: string, stream: string, labels: string, cacheDir = path.join(dir, 'cache')) {
  const args = ['test', path.join(examples, file), '--clip', `${stream}=${clip}`, '--labels', `${stream}=${path.join(examples, labels)}`];
  const { code, stdout, stderr } = await ovs([...args, '--min-recall', '1', '--max-false-per-hour', '0', '--json', '--cache-dir', cacheDir]);
  expect(code, stderr).toBe(0);
  const { pipelines, gates, ok } = JSON.parse(stdout);
  expect(ok).toBe(true);
  expect(gates.map((g: { gate: string }) => g.gate)).toEqual(['--min-recall', '--max-false-per-hour']);
  return pipelines[0];
}

describe('examples backtested on a clip', () => {
  it('motion-detect.ovs: the person is confirmed, the dog moving is rejected by the detector', async () => {
    const report = await backtest('motion-detect.ovs', 'cam', 'motion-detect.labels');
    expect(report.clips[0]).toMatchObject({ durationMs: 18_000, frames: 18 });
    expect(report.evaluation.total).toMatchObject({ labeled: 1, truePositives: 1, falsePositives: 0, falseNegatives: 0, precision: 1, recall: 1 });
    expect(report.evaluation.total.delayMs.worst).toBeLessThanOrEqual(2000);
    // Motion when the dog comes and goes, which the detector does not confirm as a person.
    expect(report.events.rejected).toBeGreaterThanOrEqual(1);
    expect(report.sinks).toEqual({ log: report.events.confirmed });
  });

  it('person-detect.ovs: each visitor once, within two seconds, no false alarm; a re-run asks no model', async () => {
    const cacheDir = path.join(dir, 'person-cache');
    const report = await backtest('person-detect.ovs', 'door', 'person-detect.labels.json', cacheDir);
    const byLabel = Object.fromEntries(report.evaluation.labels.map((l: { label: string }) => [l.label, l]));
    for (const label of ['person', 'dog']) {
      expect(byLabel[label], label).toMatchObject({ labeled: 1, truePositives: 1, falsePositives: 0, falseNegatives: 0, duplicates: 0 });
      expect(byLabel[label].delayMs.worst, label).toBeLessThanOrEqual(2500);
    }
    const again = await backtest('person-detect.ovs', 'door', 'person-detect.labels.json', cacheDir);
    expect(again.models).toMatchObject([{ name: 'detect', calls: report.models[0].calls, cache: { hits: report.models[0].calls, misses: 0 } }]);
    expect(again.evaluation).toEqual(report.evaluation);
  });
});
