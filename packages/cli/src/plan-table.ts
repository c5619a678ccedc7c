/** `ovs plan` for people: the cost tables, the per-frame token rules, the watches and triggers at worst. */
import { formatDuration } from '@ovs/ir';
import type { CostCase, Plan, SourceLoc, Usage } from '@ovs/ir';

export interface PlanReportContext {
  /** The file, as the user named it. */
  readonly file: string;
  /** Stream parameters the user bound with --stream. */
  readonly bound: readonly string[];
}

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const num = (n: number) => count.format(n);
const tokens = (n: number | null) => (n === null ? 'unknown' : num(n));
const at = (file: string, loc: SourceLoc | undefined) => (loc ? `${file}:${loc.line}:${loc.column}` : file);

/** Rows as aligned text: `align` has one letter per column, `l` or `r`. */
function table(rows: string[][], align: string): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `  ${r.map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

function costTable(cost: CostCase, marks: Map<string, string>): string[] {
  const mark = (budgets: readonly string[]) => budgets.map((b) => marks.get(b)).join('');
  const rows = [['MODEL', 'ID', 'CALLS/H', 'FRAMES/H', 'TOKENS/H', '']];
  for (const m of cost.models) {
    rows.push([m.model, m.modelId, num(m.perHour.calls), num(m.perHour.frames), tokens(m.perHour.tokens), mark(m.cappedBy)]);
  }
  const t = cost.total;
  rows.push(['total', '', num(t.perHour.calls), num(t.perHour.frames), totalTokens(t.perHour, t.tokensUnknownFor), mark(t.cappedBy)]);
  return table(rows, 'llrrrl');
}

/** A total leaving out models of unknown cost says so with a `+`. */
function totalTokens(usage: Usage, unknownFor: readonly string[]): string {
  if (usage.tokens === null) return 'unknown';
  return unknownFor.length ? `${num(usage.tokens)}+` : num(usage.tokens);
}

const perDay = (usage: Usage) =>
  `${num(usage.calls)} calls, ${num(usage.frames)} frames, ${usage.tokens === null ? 'unknown' : num(usage.tokens)} tokens`;

export function renderPlanTable(plan: Plan, context: PlanReportContext): string {
  const { file } = context;
  const { width, height } = plan.resolution;
  const out: string[] = [`${file}: estimated cost per hour, before running (streams at ${width}x${height})`];

  // Each budget that holds a figure back gets a mark, [1], [2], ..., explained under the tables.
  const marks = new Map<string, string>();
  for (const b of plan.budgets) {
    if ([plan.idle, plan.worst].some((c) => c.total.cappedBy.includes(b.text))) marks.set(b.text, `[${marks.size + 1}]`);
  }

  out.push('', 'When no event fires (watch calls only):', ...costTable(plan.idle, marks));
  out.push('', 'Worst case (every trigger fires as often as its cooldown allows, every escalation confirms):', ...costTable(plan.worst, marks));
  for (const [text, mark] of marks) out.push(`  ${mark} held back by "${text}": once it is spent, watch calls wait; escalations go ahead`);
  for (const text of plan.worst.total.exceededBy) out.push(`  (!) escalations alone exceed "${text}"; a budget never holds an escalation back`);
  const unknown = plan.worst.total.tokensUnknownFor;
  if (unknown.length) out.push(`  (+) tokens of ${unknown.join(', ')} unknown: counted as frames only`);

  out.push('', 'Per day:');
  out.push(`  no event fires: ${perDay(plan.idle.total.perDay)}`);
  out.push(`  worst case:     ${perDay(plan.worst.total.perDay)}`);
  const scheduled = plan.watches.filter((w) => w.schedule);
  for (const w of scheduled) {
    out.push(`  the watch at ${at(file, w.loc)} runs between ${w.schedule!.from} and ${w.schedule!.to} only (${num(w.activeHoursPerDay)} h a day)`);
  }
  if (scheduled.length) out.push('  (hourly figures are for an hour in which every watch runs; daily ones follow the schedules)');

  out.push('', 'Visual tokens per frame:');
  out.push(...table(plan.worst.models.map((m) => [m.model, m.tokens.tokensPerFrame === null ? 'unknown' : num(m.tokens.tokensPerFrame), m.tokens.rule]), 'lrl'));

  out.push('', 'Watches:');
  for (const w of plan.watches) {
    const models = w.models.length === 1 ? w.models[0]! : `${w.models.join(', ')} (one call each)`;
    const frames = `${w.framesPerCall} frame${w.framesPerCall === 1 ? '' : 's'} per call`;
    out.push(`  ${at(file, w.loc)} every ${formatDuration(w.periodMs)}: ${w.streams.join(', ')} -> ${models}, ${frames}`);
    for (const t of w.triggers) {
      const labels = t.labels.map((l) => JSON.stringify(l)).join(' or ');
      const chain = t.chain.map((a) => (a.kind === 'escalation' ? `escalate to ${a.models!.join(', ')} (${a.framesPerCall} frames)` : `notify ${a.sink}`));
      out.push(`    on ${labels}: at worst every ${formatDuration(t.minIntervalMs)} (${num(t.firingsPerHour)}/h)${chain.map((c) => ` -> ${c}`).join('')}`);
    }
  }

  const unbound = plan.parameters.filter((p) => !context.bound.includes(p));
  const unused = context.bound.filter((p) => !plan.parameters.includes(p));
  if (plan.parameters.length) {
    out.push('', `Stream parameters: ${plan.parameters.join(', ')}`);
    if (unbound.length) {
      out.push(`  not bound: ${unbound.join(', ')} (a run needs ${unbound.map((p) => `--stream ${p}=...`).join(' ')}; the estimate does not)`);
    }
  }
  if (unused.length) out.push('', `Note: --stream ${unused.join(', ')}: the pipeline has no such stream parameter`);
  return `${out.join('\n')}\n`;
}
