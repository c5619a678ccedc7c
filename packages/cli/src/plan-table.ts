/** `ovs plan` for people: the cost tables, the per-frame token rules, the triggers at worst. */
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

/** Right-aligns every column but the first two. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    `  ${r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`.trimEnd(),
  );
}

function costTable(cost: CostCase, marks: Map<string, string>): string[] {
  const mark = (capped: string[]) => capped.map((b) => marks.get(b)).join('');
  const rows = [['MODEL', 'ID', 'CALLS/H', 'FRAMES/H', 'TOKENS/H', '']];
  for (const m of cost.models) {
    rows.push([m.model, m.modelId, num(m.perHour.calls), num(m.perHour.frames), tokens(m.perHour.tokens), mark(m.cappedBy)]);
  }
  const t = cost.total;
  rows.push(['total', '', num(t.perHour.calls), num(t.perHour.frames), totalTokens(t.perHour, t.tokensUnknownFor), mark(t.cappedBy)]);
  return table(rows);
}

function totalTokens(usage: Usage, unknownFor: readonly string[]): string {
  if (usage.tokens === null) return 'unknown';
  return unknownFor.length ? `${num(usage.tokens)}+` : num(usage.tokens);
}

const perDay = (usage: Usage) => `${num(usage.calls)} calls, ${num(usage.frames)} frames, ${usage.tokens === null ? 'unknown' : num(usage.tokens)} tokens`;

const at = (file: string, loc: SourceLoc | undefined) => (loc ? `${file}:${loc.line}:${loc.column}` : file);

export function renderPlanTable(plan: Plan, context: PlanReportContext): string {
  const { file } = context;
  const { width, height } = plan.resolution;
  const out: string[] = [`${file}: estimated cost per hour, before running (streams at ${width}x${height})`];

  // Budgets that cap a figure get a mark: *, **, ...
  const marks = new Map<string, string>();
  for (const b of plan.budgets) {
    const capping = [plan.idle, plan.worst].some((c) => c.total.cappedBy.includes(b.text) || c.models.some((m) => m.cappedBy.includes(b.text)));
    if (capping) marks.set(b.text, '*'.repeat(marks.size + 1));
  }

  out.push('', 'When no event fires (watch calls only):', ...costTable(plan.idle, marks));
  out.push('', 'Worst case (every trigger fires as often as its cooldown allows, every escalation confirms):', ...costTable(plan.worst, marks));
  for (const [text, mark] of marks) out.push(`  ${mark} held back by the budget "${text}" (it skips watch calls once spent)`);
  for (const text of plan.worst.total.exceededBy) {
    out.push(`  ! escalations alone exceed the budget "${text}"; they are never held back`);
  }
  if (plan.worst.total.tokensUnknownFor.length) {
    out.push(`  + tokens of ${plan.worst.total.tokensUnknownFor.join(', ')} unknown, not counted`);
  }

  const scheduled = plan.watches.filter((w) => w.schedule);
  out.push('', 'Per day:');
  out.push(`  no event fires: ${perDay(plan.idle.total.perDay)}`);
  out.push(`  worst case:     ${perDay(plan.worst.total.perDay)}`);
  for (const w of scheduled) {
    out.push(`  the watch at ${at(file, w.loc)} runs only between ${w.schedule!.from} and ${w.schedule!.to} (${num(w.activeHoursPerDay)} h a day); hourly figures count it as running`);
  }

  out.push('', 'Visual tokens per frame:');
  out.push(...table(plan.worst.models.map((m) => [m.model, m.tokens.tokensPerFrame === null ? 'unknown' : num(m.tokens.tokensPerFrame), m.tokens.rule])));

  out.push('', 'Watches:');
  for (const w of plan.watches) {
    const models = w.models.length === 1 ? w.models[0]! : `${w.models.join(', ')} (one call each)`;
    out.push(`  ${at(file, w.loc)} every ${formatDuration(w.periodMs)}: ${w.streams.join(', ')} -> ${models}, ${w.framesPerCall} frame${w.framesPerCall === 1 ? '' : 's'} per call`);
    for (const t of w.triggers) {
      const chain = t.chain.map((a) => (a.kind === 'escalation' ? `escalate to ${a.models!.join(', ')} (${a.framesPerCall} frames)` : `notify ${a.sink}`));
      const labels = t.labels.map((l) => JSON.stringify(l)).join(' or ');
      out.push(`    on ${labels}: at worst every ${formatDuration(t.minIntervalMs)} (${num(t.firingsPerHour)}/h)${chain.length ? ` -> ${chain.join(' -> ')}` : ''}`);
    }
  }

  const unbound = plan.parameters.filter((p) => !context.bound.includes(p));
  const unused = context.bound.filter((p) => !plan.parameters.includes(p));
  if (plan.parameters.length) {
    out.push('', `Stream parameters: ${plan.parameters.join(', ')}`);
    if (unbound.length) out.push(`  not bound: ${unbound.join(', ')} (a run needs ${unbound.map((p) => `--stream ${p}=...`).join(' ')}; the estimate does not)`);
  }
  if (unused.length) out.push('', `Note: --stream ${unused.join(', ')}: the pipeline has no such stream parameter`);
  return `${out.join('\n')}\n`;
}
