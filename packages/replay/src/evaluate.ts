/**
 * How a replay's events compare with the labels (docs/testing.md, "Matching").
 *
 * An alert is an event the pipeline would have raised: confirmed by its escalations, or fired by
 * a rule without escalation. On each labeled clip (an event of a watch over several streams
 * counts on each of them), an alert with label L whose frame — the frame the watch saw, in media
 * time from the clip's first frame — falls in [start, end + tolerance] of a labeled event L is a
 * true positive for the first such labeled event not matched yet (events the frame falls in
 * before those it reaches only by the tolerance); a later alert in an already matched event is a
 * duplicate (neither true nor false); any other alert is a false positive. A labeled event no alert matched is a false negative. Detection delay is the alert's
 * time (when the pipeline raised it, on the media clock) minus the labeled start.
 */
import { indexGraph } from '@ovs/ir';
import type { EventRecord } from '@ovs/runner';
import type { LabeledEvent, Labels } from './labels.js';
import { formatMediaTime } from './media-time.js';
import type { ReplayResult } from './replay.js';

export const DEFAULT_TOLERANCE_MS = 1000;
const HOUR_MS = 3_600_000;

export interface Alert {
  readonly event: EventRecord;
  readonly stream: string;
  /** The frame the watch saw, ms from the clip's first frame. */
  readonly frameMs: number;
  /** When the pipeline raised it (confirmed, or fired without escalation), ms from the clip's first frame. */
  readonly alertMs: number;
}

export interface Miss {
  readonly label: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly where: string;
}

export interface LabelScore {
  readonly label: string;
  /** Labeled events. */
  readonly labeled: number;
  /** Alerts with the label on labeled clips. */
  readonly alerts: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly duplicates: number;
  /** Null when there is no alert (nothing to be precise about). */
  readonly precision: number | null;
  /** Null when nothing is labeled. */
  readonly recall: number | null;
  /** Over the true positives; null without one. */
  readonly delayMs: { readonly median: number | null; readonly worst: number | null };
  /** False positives per hour of labeled footage. */
  readonly falsePerHour: number;
  readonly misses: readonly Miss[];
  readonly falseAlarms: ReadonlyArray<{ readonly stream: string; readonly frameMs: number; readonly eventId: string }>;
}

export interface Evaluation {
  readonly toleranceMs: number;
  /** Labeled footage: the durations of the clips that have labels, summed. */
  readonly footageMs: number;
  /** One row per label, in the order labels appear (labels files first, then alerts). */
  readonly labels: readonly LabelScore[];
  /** Every label together. */
  readonly total: LabelScore;
  /** Labeled events that can never be matched, or not one by one: said, since they only count as misses. */
  readonly warnings: readonly string[];
}

/** The events of a replay that are alerts, one entry per stream of the event. */
export function alertsOf(result: ReplayResult): Alert[] {
  const graph = indexGraph(result.ir);
  const origins = new Map(result.clips.map((c) => [c.stream, c.originMs]));
  const alerts: Alert[] = [];
  for (const event of result.events) {
    const escalates = graph.chain(event.trigger).some((action) => action.type === 'escalation');
    if (!(event.status === 'confirmed' || (event.status === 'fired' && !escalates))) continue;
    for (const stream of event.streams) {
      const origin = origins.get(stream.name);
      if (origin === undefined) continue;
      const alertMs = Date.parse(event.time) - origin;
      const seen = event.frames.find((f) => f.stream.name === stream.name);
      alerts.push({ event, stream: stream.name, frameMs: frameMediaTime(result, seen) ?? alertMs, alertMs });
    }
  }
  return alerts;
}

/**
 * A frame's media time. A replay stamps frames with it; the live path (1x) stamps them on arrival,
 * a little off, so there it comes from the frame's index: ingest keeps exactly `fps` frames a second.
 */
function frameMediaTime(result: ReplayResult, frame: { frame_index: number | null; timestamp_ms: number | null } | undefined): number | null {
  if (!frame) return null;
  if (result.speed.kind === 'live') return frame.frame_index === null ? null : Math.round((frame.frame_index * 1000) / result.fps);
  return frame.timestamp_ms;
}

/**
 * Scores the alerts against the labels of each labeled clip (stream name -> labels).
 * `toleranceMs` overrides the labels files' own tolerance (default 1 s).
 */
export function evaluate(result: ReplayResult, labels: Readonly<Record<string, Labels>>, toleranceMs?: number): Evaluation {
  const labeledClips = result.clips.filter((c) => labels[c.stream] !== undefined);
  const footageMs = labeledClips.reduce((sum, c) => sum + c.durationMs, 0);
  const alerts = alertsOf(result);
  const tolerances = labeledClips.map((c) => toleranceMs ?? labels[c.stream]!.toleranceMs ?? DEFAULT_TOLERANCE_MS);
  const order: string[] = [];
  const note = (label: string) => void (order.includes(label) || order.push(label));
  for (const clip of labeledClips) for (const e of labels[clip.stream]!.events) note(e.label);
  for (const a of alerts) if (labels[a.stream]) for (const l of a.event.labels) note(l);

  const tallies = new Map(order.map((label) => [label, new Tally(label)]));
  labeledClips.forEach((clip, i) => {
    const clipAlerts = alerts.filter((a) => a.stream === clip.stream).sort((a, b) => a.frameMs - b.frameMs);
    for (const label of order) {
      const intervals = labels[clip.stream]!.events.filter((e) => e.label === label);
      match(tallies.get(label)!, intervals, clipAlerts.filter((a) => a.event.labels.includes(label)), tolerances[i]!);
    }
  });
  const rows = order.map((label) => tallies.get(label)!.score(footageMs));
  const total = new Tally('(all)');
  for (const t of tallies.values()) total.add(t);
  return { toleranceMs: Math.max(0, ...tolerances), footageMs, labels: rows, total: total.score(footageMs), warnings: labelWarnings(result, labels, labeledClips) };
}

/** Labeled events beyond the footage, labels no rule fires, and overlapping events of one label. */
function labelWarnings(result: ReplayResult, labels: Readonly<Record<string, Labels>>, clips: ReplayResult['clips']): string[] {
  const fired = new Set(result.ir.nodes.flatMap((n) => (n.type === 'trigger' ? n.labels : [])));
  const warnings: string[] = [];
  for (const clip of clips) {
    const { file, events } = labels[clip.stream]!;
    for (const e of events.filter((e) => e.startMs >= clip.durationMs)) {
      warnings.push(`${e.where}: ${e.label} starts at ${formatMediaTime(e.startMs)}, after the replayed footage of ${clip.stream} ends (${formatMediaTime(clip.durationMs)}): it can only be missed`);
    }
    for (const label of new Set(events.map((e) => e.label))) {
      const own = events.filter((e) => e.label === label).sort((a, b) => a.startMs - b.startMs);
      if (!fired.has(label)) warnings.push(`${file}: no rule of ${result.name} fires "${label}": its ${own.length} event${own.length === 1 ? '' : 's'} can only be missed`);
      for (let i = 1; i < own.length; i++) {
        if (own[i]!.startMs <= own[i - 1]!.endMs) warnings.push(`${own[i - 1]!.where} and ${own[i]!.where}: two "${label}" events overlap; one alert matches only one of them (merge them into one event)`);
      }
    }
  }
  return warnings;
}

function match(tally: Tally, intervals: readonly LabeledEvent[], alerts: readonly Alert[], toleranceMs: number): void {
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs);
  const matched = new Set<LabeledEvent>();
  tally.labeled += sorted.length;
  for (const alert of alerts) {
    tally.alerts++;
    const within = (e: LabeledEvent) => alert.frameMs >= e.startMs && alert.frameMs <= e.endMs;
    // Events the frame falls in come before those it reaches only by the tolerance.
    const containing = [...sorted.filter(within), ...sorted.filter((e) => !within(e) && alert.frameMs >= e.startMs && alert.frameMs <= e.endMs + toleranceMs)];
    if (containing.length === 0) {
      tally.falseAlarms.push({ stream: alert.stream, frameMs: alert.frameMs, eventId: alert.event.id });
      continue;
    }
    const first = containing.find((e) => !matched.has(e));
    if (!first) {
      tally.duplicates++;
      continue;
    }
    matched.add(first);
    tally.delays.push(Math.max(0, alert.alertMs - first.startMs));
  }
  for (const e of sorted) if (!matched.has(e)) tally.misses.push({ label: e.label, startMs: e.startMs, endMs: e.endMs, where: e.where });
}

class Tally {
  labeled = 0;
  alerts = 0;
  duplicates = 0;
  readonly delays: number[] = [];
  readonly misses: Miss[] = [];
  readonly falseAlarms: Array<{ stream: string; frameMs: number; eventId: string }> = [];

  constructor(readonly label: string) {}

  add(other: Tally): void {
    this.labeled += other.labeled;
    this.alerts += other.alerts;
    this.duplicates += other.duplicates;
    this.delays.push(...other.delays);
    this.misses.push(...other.misses);
    this.falseAlarms.push(...other.falseAlarms);
  }

  score(footageMs: number): LabelScore {
    const tp = this.delays.length;
    const fp = this.falseAlarms.length;
    const delays = [...this.delays].sort((a, b) => a - b);
    return {
      label: this.label,
      labeled: this.labeled,
      alerts: this.alerts,
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: this.misses.length,
      duplicates: this.duplicates,
      precision: tp + fp === 0 ? null : tp / (tp + fp),
      recall: this.labeled === 0 ? null : tp / this.labeled,
      delayMs: { median: delays.length === 0 ? null : median(delays), worst: delays.at(-1) ?? null },
      falsePerHour: footageMs > 0 ? fp / (footageMs / HOUR_MS) : 0,
      misses: this.misses,
      falseAlarms: this.falseAlarms,
    };
  }
}

/** The middle value (the mean of the two middle ones for an even count) of sorted numbers. */
function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
