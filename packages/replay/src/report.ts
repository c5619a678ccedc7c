/**
 * The report of `ovs test`: per pipeline, what was replayed and how fast, the score per label
 * (with labels), the cost per model; several pipelines (`--vs`) side by side, label by label.
 * As text tables for people and as one JSON document; the gates decide the exit code.
 */
import { modelUsage, type ModelUsage } from './costs.js';
import { alertsOf, evaluate, type Evaluation, type LabelScore } from './evaluate.js';
import type { Labels } from './labels.js';
import { formatMediaTime } from './media-time.js';
import type { ReplayResult } from './replay.js';
import { describeSpeed } from './settings.js';

export interface PipelineReport {
  readonly pipeline: string;
  readonly speed: string;
  readonly fps: number;
  readonly clips: ReadonlyArray<{ readonly stream: string; readonly file: string; readonly durationMs: number; readonly frames: number; readonly width: number | null; readonly height: number | null; readonly labels: string | null }>;
  /** Footage time covered (the longest clip). */
  readonly mediaMs: number;
  readonly wallMs: number;
  readonly mediaSecondsPerWallSecond: number;
  /** Stopped (Ctrl-C) before the clips ended: every figure covers only what was replayed. */
  readonly interrupted: boolean;
  readonly events: { readonly fired: number; readonly confirmed: number; readonly rejected: number; readonly failed: number };
  /** Every alert (confirmed, or fired without escalation), per stream, in media time from the clip's first frame. */
  readonly alerts: ReadonlyArray<{ readonly eventId: string; readonly stream: string; readonly labels: readonly string[]; readonly status: string; readonly frameMs: number; readonly alertMs: number }>;
  /** Null when no clip has labels. */
  readonly evaluation: Evaluation | null;
  readonly models: readonly ModelUsage[];
  /** Deliveries each sink would have made (captured, not performed). */
  readonly sinks: Readonly<Record<string, number>>;
  readonly issues: readonly string[];
}

export function buildReport(result: ReplayResult, labels: Readonly<Record<string, Labels>>, toleranceMs?: number): PipelineReport {
  const labeled = result.clips.some((c) => labels[c.stream] !== undefined);
  const { events, sinks } = result.summary.metrics;
  return {
    pipeline: result.name,
    speed: describeSpeed(result.speed),
    fps: result.fps,
    clips: result.clips.map((c) => ({ stream: c.stream, file: c.file, durationMs: c.durationMs, frames: c.frames, width: c.width, height: c.height, labels: labels[c.stream]?.file ?? null })),
    mediaMs: result.durationMs,
    wallMs: Math.round(result.wallMs),
    mediaSecondsPerWallSecond: result.wallMs > 0 ? result.durationMs / result.wallMs : 0,
    interrupted: result.interrupted,
    events: { ...events },
    alerts: alertsOf(result).map((a) => ({ eventId: a.event.id, stream: a.stream, labels: a.event.labels, status: a.event.status, frameMs: a.frameMs, alertMs: a.alertMs })),
    evaluation: labeled ? evaluate(result, labels, toleranceMs) : null,
    models: modelUsage(result),
    sinks: Object.fromEntries(Object.entries(sinks).filter(([name]) => name !== 'stdout').map(([name, s]) => [name, s.delivered])),
    issues: [...new Set(result.issues.map((i) => i.message)), ...cacheProblems(result)],
  };
}

/** Answers the cache could not keep: a re-run pays for them again. */
function cacheProblems(result: ReplayResult): string[] {
  return Object.entries(result.cache ?? {})
    .filter(([, stats]) => stats.writeErrors > 0)
    .map(([model, stats]) => `${stats.writeErrors} answer${stats.writeErrors === 1 ? '' : 's'} of ${model} could not be written to the response cache: a re-run calls the model for them again`);
}

export interface Gates {
  /** Recall over every label of the first pipeline must be at least this (0..1). */
  readonly minRecall?: number;
  /** False alarms per hour of labeled footage of the first pipeline must be at most this. */
  readonly maxFalsePerHour?: number;
}

export interface GateResult {
  readonly gate: '--min-recall' | '--max-false-per-hour';
  readonly ok: boolean;
  readonly message: string;
}

/** The CI gates, checked on a pipeline's report; each says what it measured. */
export function checkGates(report: PipelineReport, gates: Gates): GateResult[] {
  const results: GateResult[] = [];
  const total = report.evaluation?.total;
  if (gates.minRecall !== undefined) {
    const recall = total?.recall ?? null;
    results.push(
      recall === null
        ? { gate: '--min-recall', ok: false, message: `--min-recall ${gates.minRecall}: no labeled event to measure recall on (${report.evaluation ? 'the labels list none' : 'give --labels'})` }
        : { gate: '--min-recall', ok: recall >= gates.minRecall, message: `recall ${exact(recall)} ${recall >= gates.minRecall ? '>=' : '<'} --min-recall ${gates.minRecall}` },
    );
  }
  if (gates.maxFalsePerHour !== undefined) {
    const perHour = total?.falsePerHour;
    results.push(
      perHour === undefined
        ? { gate: '--max-false-per-hour', ok: false, message: `--max-false-per-hour ${gates.maxFalsePerHour}: no labels to tell false alarms from true ones (give --labels)` }
        : {
            gate: '--max-false-per-hour',
            ok: perHour <= gates.maxFalsePerHour,
            message: `${exact(perHour)} false alarms per hour ${perHour <= gates.maxFalsePerHour ? '<=' : '>'} --max-false-per-hour ${gates.maxFalsePerHour}`,
          },
    );
  }
  return results;
}

/** Alerts on clips without labels listed in the text report; --json has them all. */
const MAX_ALERTS_LISTED = 20;

/** The reports as text: a header per pipeline, then the label and model tables (pipelines side by side). */
export function renderReport(reports: readonly PipelineReport[], gates: readonly GateResult[] = []): string {
  const several = reports.length > 1;
  const out: string[] = [];
  for (const r of reports) {
    out.push(`ovs test ${r.pipeline}`);
    for (const c of r.clips) {
      const size = c.width && c.height ? `, ${c.width}x${c.height}` : '';
      out.push(`  clip ${c.stream}: ${c.file} (${formatMediaTime(c.durationMs)}${size}, ${c.frames} frame${c.frames === 1 ? '' : 's'} at ${r.fps} fps)${c.labels ? `, labels ${c.labels}` : ''}`);
    }
    out.push(`  replayed at ${r.speed} speed in ${formatSeconds(r.wallMs)}: ${fixed(r.mediaSecondsPerWallSecond, 1)} s of media per second`);
    if (r.interrupted) out.push(`  INTERRUPTED after ${formatMediaTime(r.mediaMs)} of media: every figure below covers only that part`);
    const warnings = r.evaluation?.warnings ?? [];
    for (const warning of warnings.slice(0, 5)) out.push(`  warning: ${warning}`);
    if (warnings.length > 5) out.push(`  (${warnings.length - 5} more warnings; --json lists them all)`);
    const sinks = Object.entries(r.sinks).map(([name, n]) => `${name} ${n}`);
    out.push(`  events: ${r.events.fired} fired, ${r.events.confirmed} confirmed, ${r.events.rejected} rejected, ${r.events.failed} failed; ${r.alerts.length} alert${r.alerts.length === 1 ? '' : 's'}${sinks.length ? `; deliveries (captured): ${sinks.join(', ')}` : ''}`);
    for (const issue of r.issues.slice(0, 5)) out.push(`  problem: ${issue}`);
    if (r.issues.length > 5) out.push(`  (${r.issues.length - 5} more problems; --json lists them all)`);
  }
  out.push('');

  const evaluated = reports.filter((r) => r.evaluation !== null);
  if (evaluated.length > 0) {
    const labels = [...new Set(evaluated.flatMap((r) => r.evaluation!.labels.map((l) => l.label)))];
    const rows: string[][] = [];
    for (const label of [...labels, '(all)']) {
      for (const r of evaluated) {
        const score = label === '(all)' ? r.evaluation!.total : r.evaluation!.labels.find((l) => l.label === label);
        if (score) rows.push([...(several ? [r.pipeline] : []), label === '(all)' ? 'all labels' : label, ...scoreCells(score)]);
      }
    }
    out.push(table([...(several ? ['pipeline'] : []), 'label', 'labeled', 'alerts', 'TP', 'FP', 'FN', 'dup', 'precision', 'recall', 'delay median', 'worst', 'false/h'], rows, several ? 2 : 1));
    for (const r of evaluated) {
      const prefix = several ? `${r.pipeline}: ` : '';
      for (const miss of r.evaluation!.total.misses) out.push(`  ${prefix}missed: ${miss.label} ${formatMediaTime(miss.startMs)}–${formatMediaTime(miss.endMs)} (${miss.where})`);
      for (const fa of r.evaluation!.total.falseAlarms) {
        const alert = r.alerts.find((a) => a.eventId === fa.eventId && a.stream === fa.stream);
        out.push(`  ${prefix}false alarm: ${alert?.labels.join(', ') ?? '?'} on ${fa.stream} at ${formatMediaTime(fa.frameMs)}`);
      }
    }
    out.push(`  (tolerance after each labeled end: ${formatMediaTime(Math.max(...evaluated.map((r) => r.evaluation!.toleranceMs)))})`);
  } else {
    out.push('  no labels: give --labels NAME=FILE to score the alerts (precision, recall, delay)');
  }
  // The alerts on clips without labels: listed, not scored.
  for (const r of reports) {
    const unlabeled = new Set(r.clips.filter((c) => c.labels === null).map((c) => c.stream));
    const alerts = r.alerts.filter((a) => unlabeled.has(a.stream));
    const prefix = several ? `${r.pipeline}: ` : '';
    for (const a of alerts.slice(0, MAX_ALERTS_LISTED)) out.push(`  ${prefix}alert: ${a.labels.join(', ')} on ${a.stream} at ${formatMediaTime(a.frameMs)} (raised at ${formatMediaTime(a.alertMs)}; no labels)`);
    if (alerts.length > MAX_ALERTS_LISTED) out.push(`  ${prefix}(${alerts.length - MAX_ALERTS_LISTED} more alerts on clips without labels; --json lists them all)`);
  }
  out.push('');

  const modelRows = reports.flatMap((r) =>
    r.models.map((m) => [
      ...(several ? [r.pipeline] : []),
      m.name,
      m.model,
      String(m.calls),
      rate(m.perHour.calls),
      rate(m.perHour.frames),
      m.perHour.estimatedTokens === null ? 'unknown' : rate(m.perHour.estimatedTokens),
      m.cache ? String(m.cache.misses) : String(m.calls),
      m.cache ? String(m.cache.hits) : '-',
    ]),
  );
  out.push(table([...(several ? ['pipeline'] : []), 'model', 'id', 'calls', 'calls/h', 'frames/h', 'est. tokens/h', 'model calls', 'from cache'], modelRows, several ? 3 : 2));
  out.push('  (per hour of footage; frames and tokens estimated as ovs plan does)');
  if (gates.length > 0) {
    out.push('');
    for (const g of gates) out.push(`${g.ok ? 'pass' : 'FAIL'}: ${g.message}`);
  }
  return `${out.join('\n')}\n`;
}

function scoreCells(s: LabelScore): string[] {
  return [
    String(s.labeled),
    String(s.alerts),
    String(s.truePositives),
    String(s.falsePositives),
    String(s.falseNegatives),
    String(s.duplicates),
    s.precision === null ? '-' : fixed(s.precision),
    s.recall === null ? '-' : fixed(s.recall),
    s.delayMs.median === null ? '-' : formatMediaTime(s.delayMs.median),
    s.delayMs.worst === null ? '-' : formatMediaTime(s.delayMs.worst),
    rate(s.falsePerHour),
  ];
}

/** Columns padded to their widest cell; the first `textColumns` left-aligned, numbers right-aligned. */
function table(headers: readonly string[], rows: readonly string[][], textColumns: number): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => (i < textColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

const fixed = (x: number, digits = 2) => x.toFixed(digits);
/** Rates: whole numbers from 10 on (and 0), one decimal below. */
const rate = (x: number) => (x >= 10 || x === 0 ? String(Math.round(x)) : x.toFixed(1));
const formatSeconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** Up to four decimals, enough to see why a gate compared as it did (0.6667 < 0.667). */
const exact = (x: number) => String(Math.round(x * 10_000) / 10_000);
