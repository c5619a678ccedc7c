/** Matching alerts with labels, and the costs per model, on replay results made up here. */
import { describe, expect, it } from 'vitest';
import type { PipelineIr } from '@ovs/ir';
import { check, Source } from '@ovs/lang';
import type { EventRecord, EventStatus, RunSummary } from '@ovs/runner';
import { modelUsage } from './costs.js';
import { alertsOf, evaluate } from './evaluate.js';
import { parseLabels } from './labels.js';
import type { ReplayResult } from './replay.js';
import { buildReport, checkGates, renderReport } from './report.js';

const ORIGIN = Date.UTC(2026, 0, 1);

function compile(text: string): PipelineIr {
  const result = check(new Source(text, 'test.ovs'));
  if (!result.ir) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.ir;
}

const PIPELINE = compile(`model motion = "builtin/motion"
model qwen = "Qwen/Qwen2.5-VL-7B-Instruct"
watch stream cam every 1s with motion
  on "person"
    escalate to qwen over last 2s
  on "dog" notify stdout
`);
const trigger = (label: string) => PIPELINE.nodes.find((n) => n.type === 'trigger' && n.labels.includes(label))!.id;

let ids = 0;
function event(label: string, status: EventStatus, frameMs: number, alertMs = frameMs + 500, escalations = status === 'fired' ? 0 : 1): EventRecord {
  return {
    id: `e${ids++}`,
    time: new Date(ORIGIN + alertMs).toISOString(),
    status,
    rule: {},
    watch: 'watch:1',
    trigger: trigger(label),
    stream: { name: 'cam', id: 's' },
    streams: [{ name: 'cam', id: 's' }],
    label,
    labels: [label],
    confidence: 0.9,
    model: 'builtin/motion',
    votes: [],
    frames: [{ stream: { name: 'cam', id: 's' }, ref: '', frame_index: frameMs / 1000, timestamp_ms: frameMs, source: 'resolved' }],
    escalations: Array.from({ length: escalations }, () => ({ model: 'qwen', confirmed: status === 'confirmed', confidence: 1, description: '', tokens: 0, latency_ms: 0, evidence: [] })),
    tokens: 0,
    latency_ms: 0,
  };
}

function result(events: EventRecord[], durationMs = 3_600_000): ReplayResult {
  return {
    ir: PIPELINE,
    name: 'test.ovs',
    speed: { kind: 'max' },
    fps: 1,
    clips: [{ stream: 'cam', file: '/clips/cam.mp4', durationMs, frames: durationMs / 1000, width: 1280, height: 720, originMs: ORIGIN }],
    durationMs,
    wallMs: 60_000,
    interrupted: false,
    events,
    watchCalls: { 'watch:1': { motion: 3600 } },
    summary: {
      metrics: {
        events: { fired: events.length, confirmed: 0, rejected: 0, failed: 0 },
        sinks: {},
        models: {
          motion: { name: 'motion', model: 'builtin/motion', calls: 3600, failures: 0, tokens: 100 },
          qwen: { name: 'qwen', model: 'Qwen/Qwen2.5-VL-7B-Instruct', calls: 3, failures: 1, tokens: 9000 },
        },
      },
    } as unknown as RunSummary,
    issues: [],
    cache: { 'builtin/motion': { hits: 3000, misses: 600, unreadable: 0, writeErrors: 0 } },
  };
}

const LABELS = parseLabels('person 10 20\nperson 100 110\nperson 200 210\ndog 50 60\n', 'cam.labels');

describe('alerts', () => {
  it('are confirmed events, and fired events of rules without escalation; not rejected ones, nor fired ones awaiting escalation', () => {
    const alerts = alertsOf(result([event('person', 'confirmed', 12_000), event('person', 'rejected', 13_000), event('person', 'fired', 14_000), event('dog', 'fired', 55_000)]));
    expect(alerts.map((a) => [a.event.label, a.event.status, a.frameMs, a.alertMs])).toEqual([
      ['person', 'confirmed', 12_000, 12_500],
      ['dog', 'fired', 55_000, 55_500],
    ]);
  });
});

describe('evaluate', () => {
  it('counts the first alert in a labeled event as a true positive, later ones as duplicates, others as false; unmatched labels are misses', () => {
    const replayed = result([
      event('person', 'confirmed', 12_000, 12_700), // TP, delay 2.7 s
      event('person', 'confirmed', 15_000), // duplicate
      event('person', 'confirmed', 20_800, 21_000), // within the 1 s tolerance after 20: duplicate
      event('person', 'confirmed', 100_000, 101_000), // TP, delay 1 s
      event('person', 'confirmed', 150_000), // false positive
      event('dog', 'fired', 70_000), // false positive: the dog left at 60 (+1 s)
    ]);
    const { labels, total, footageMs } = evaluate(replayed, { cam: LABELS });
    expect(footageMs).toBe(3_600_000);
    const person = labels.find((l) => l.label === 'person')!;
    expect(person).toMatchObject({ labeled: 3, alerts: 5, truePositives: 2, falsePositives: 1, falseNegatives: 1, duplicates: 2, precision: 2 / 3, recall: 2 / 3, delayMs: { median: 1850, worst: 2700 }, falsePerHour: 1 });
    expect(person.misses).toEqual([{ label: 'person', startMs: 200_000, endMs: 210_000, where: 'cam.labels:3' }]);
    expect(labels.find((l) => l.label === 'dog')).toMatchObject({ labeled: 1, truePositives: 0, falsePositives: 1, falseNegatives: 1, precision: 0, recall: 0, delayMs: { median: null, worst: null } });
    expect(total).toMatchObject({ label: '(all)', labeled: 4, truePositives: 2, falsePositives: 2, falseNegatives: 2, duplicates: 2, precision: 0.5, recall: 0.5, falsePerHour: 2 });
  });

  it('the tolerance is the flag, else the labels file, else 1 s; it never reaches before a start', () => {
    const late = result([event('person', 'confirmed', 22_500), event('person', 'confirmed', 99_500)]);
    expect(evaluate(late, { cam: LABELS }).total.truePositives).toBe(0);
    expect(evaluate(late, { cam: LABELS }, 3000).total.truePositives).toBe(1);
    const withTolerance = parseLabels('{"events":[{"label":"person","start":10,"end":20}],"tolerance":5}', 'cam.json');
    expect(evaluate(late, { cam: withTolerance }).total).toMatchObject({ truePositives: 1, falsePositives: 1 });
  });

  it('warns of labeled events that can only be missed, or not one by one', () => {
    const labels = parseLabels('person 10 20\nperson 15 30\ncat 5 9\nperson 4000 4010\ndog 50 60\n', 'cam.labels');
    const { warnings, total } = evaluate(result([], 3_600_000), { cam: labels });
    expect(warnings).toEqual([
      'cam.labels:4: person starts at 1:06:40, after the replayed footage of cam ends (1:00:00): it can only be missed',
      'cam.labels:1 and cam.labels:2: two "person" events overlap; one alert matches only one of them (merge them into one event)',
      'cam.labels: no rule of test.ovs fires "cat": its 1 event can only be missed',
    ]);
    expect(total.falseNegatives).toBe(5);
    expect(evaluate(result([]), { cam: LABELS }).warnings).toEqual([]);
  });

  it('an alert whose label the labels never mention is false', () => {
    const { labels } = evaluate(result([event('dog', 'fired', 12_000)]), { cam: parseLabels('person 10 20', 'cam.labels') });
    expect(labels.map((l) => [l.label, l.truePositives, l.falsePositives, l.falseNegatives])).toEqual([
      ['person', 0, 0, 1],
      ['dog', 0, 1, 0],
    ]);
  });
});

describe('costs', () => {
  it('counts calls, frames and estimated tokens per model and per hour of footage, as ovs plan does', () => {
    const usage = modelUsage(result([event('person', 'confirmed', 12_000), event('person', 'rejected', 30_000), event('dog', 'fired', 55_000)]));
    const [motion, qwen] = usage;
    expect(motion).toMatchObject({ name: 'motion', watchCalls: 3600, escalationCalls: 0, frames: 3600, estimatedTokens: 0, perHour: { calls: 3600, frames: 3600, estimatedTokens: 0 }, cache: { hits: 3000, misses: 600 } });
    // Two escalations over the last 2 s at 1 fps: 3 frames each, ceil(1280 x 720 / 2048) = 450 tokens a frame.
    expect(qwen).toMatchObject({ name: 'qwen', calls: 3, watchCalls: 0, escalationCalls: 2, frames: 6, estimatedTokens: 6 * 450, reportedTokens: 9000, cache: { hits: 0, misses: 0 } });
  });
});

describe('report and gates', () => {
  const PEOPLE = parseLabels('person 10 20\nperson 100 110\nperson 200 210\n', 'cam.labels');
  const report = buildReport(result([event('person', 'confirmed', 12_000), event('person', 'confirmed', 150_000)]), { cam: PEOPLE });

  it('gates pass or fail with what they measured', () => {
    expect(checkGates(report, { minRecall: 0.3, maxFalsePerHour: 1 })).toEqual([
      { gate: '--min-recall', ok: true, message: 'recall 0.3333 >= --min-recall 0.3' },
      { gate: '--max-false-per-hour', ok: true, message: '1 false alarms per hour <= --max-false-per-hour 1' },
    ]);
    expect(checkGates(report, { minRecall: 0.9, maxFalsePerHour: 0 }).map((g) => [g.ok, g.message])).toEqual([
      [false, 'recall 0.3333 < --min-recall 0.9'],
      [false, '1 false alarms per hour > --max-false-per-hour 0'],
    ]);
    const unlabeled = buildReport(result([]), {});
    expect(checkGates(unlabeled, { minRecall: 0.5 })[0]).toMatchObject({ ok: false, message: expect.stringContaining('give --labels') });
    const empty = buildReport(result([]), { cam: parseLabels('{"events":[]}', 'cam.json') });
    expect(checkGates(empty, { minRecall: 0 })[0]).toMatchObject({ ok: false, message: '--min-recall 0: no labeled event to measure recall on (the labels list none)' });
    const fractional = buildReport(result([event('person', 'confirmed', 500_000)], 3_600_000 * 2), { cam: PEOPLE });
    expect(checkGates(fractional, { maxFalsePerHour: 0.4 })[0]!.message).toBe('0.5 false alarms per hour > --max-false-per-hour 0.4');
  });

  it('lists the alerts of a replay without labels', () => {
    const text = renderReport([buildReport(result([event('dog', 'fired', 12_000), event('person', 'confirmed', 150_000, 151_200)]), {})]);
    expect(text).toContain('  no labels: give --labels NAME=FILE to score the alerts (precision, recall, delay)\n  alert: dog on cam at 12 s (raised at 12.5 s; no labels)\n  alert: person on cam at 2:30 (raised at 2:31.2; no labels)\n');
  });

  it('lists the alerts on clips without labels beside the scores of those with', () => {
    const base = result([event('dog', 'fired', 12_000)]);
    const door = { ...base.clips[0]!, stream: 'door', file: '/clips/door.mp4' };
    const doorAlert = { ...event('person', 'confirmed', 30_000), streams: [{ name: 'door', id: 'd' }], stream: { name: 'door', id: 'd' }, frames: [{ stream: { name: 'door', id: 'd' }, ref: '', frame_index: 30, timestamp_ms: 30_000, source: 'resolved' as const }] };
    const text = renderReport([buildReport({ ...base, clips: [base.clips[0]!, door], events: [...base.events, doorAlert] }, { cam: LABELS })]);
    expect(text).toContain('  alert: person on door at 30 s (raised at 30.5 s; no labels)\n');
    expect(text).not.toContain('on cam at 12 s (raised');
  });

  it('renders the scores, the misses, the false alarms and the costs; several pipelines side by side', () => {
    const text = renderReport([report]);
    expect(text).toContain('clip cam: /clips/cam.mp4 (1:00:00, 1280x720, 3600 frames at 1 fps), labels cam.labels');
    expect(text).toContain('replayed at max speed in 60.0 s: 60.0 s of media per second');
    expect(text).toMatch(/ {2}label +labeled +alerts +TP +FP +FN +dup +precision +recall +delay median +worst +false\/h\n {2}person +3 +2 +1 +1 +2 +0 +0\.50 +0\.33 +2\.5 s +2\.5 s +1\.0\n/);
    expect(text).toContain('missed: person 1:40–1:50 (cam.labels:2)');
    expect(text).toContain('false alarm: person on cam at 2:30');
    expect(text).toMatch(/ {2}qwen +Qwen\/Qwen2\.5-VL-7B-Instruct +3 +3\.0 +6\.0 +2700 /);
    const other = { ...report, pipeline: 'cheaper.ovs' };
    const both = renderReport([report, other]);
    expect(both).toMatch(/ {2}test\.ovs +person .*\n {2}cheaper\.ovs +person /);
  });
});
