/**
 * `ovs plan`: what a compiled pipeline costs before it runs — calls, frames and estimated
 * visual tokens per model, per hour and per day, in two cases:
 *
 * - idle:  no event ever fires; only the watches' own calls (every period, every model).
 * - worst: every trigger fires as often as its cooldown allows (at most once per tick of its
 *          watch, since a trigger is evaluated once per answer) and every escalation confirms,
 *          so each firing runs its whole action chain.
 *
 * Budgets (`limit [MODEL] calls|tokens N per ...`) then cap either case, as the runner enforces
 * them (see `applyBudgets`). Pure functions over the IR; the formulas are documented in
 * docs/cli.md.
 */
import { indexGraph } from './graph.js';
import type { GraphIndex } from './graph.js';
import type { Budget, ModelNode, PipelineIr, SourceLoc, View, WatchNode } from './schema.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MINUTES_PER_DAY = 24 * 60;

export interface Resolution {
  readonly width: number;
  readonly height: number;
}

/** Stream resolution assumed when the caller gives none. */
export const DEFAULT_RESOLUTION: Resolution = Object.freeze({ width: 1280, height: 720 });

/** Gemma 4's per-image budgets; 256 is what the hosted service uses when none is given. */
export const GEMMA_IMAGE_TOKEN_BUDGETS: readonly number[] = Object.freeze([70, 140, 280, 560, 1120]);
export const GEMMA_DEFAULT_IMAGE_TOKENS = 256;

/**
 * Frames one call sends: a `frame` view sends one frame per stream; a `window` view sends
 * every frame from `beforeMs` before the anchor to `afterMs` after it at `maxFps`, both ends
 * included: floor(seconds x maxFps) + 1 per stream.
 */
export function framesPerCall(view: View, streamCount = 1): number {
  if (view.kind === 'frame') return streamCount;
  // Whole milliseconds times fps, divided once: keeps 0.7s x 10 fps at exactly 7.
  const perStream = Math.floor(((view.beforeMs + view.afterMs) * view.maxFps) / 1000 + 1e-9) + 1;
  return perStream * streamCount;
}

/** How many visual tokens a model spends on one frame, and why. */
export interface TokenEstimate {
  readonly family: 'qwen' | 'gemma' | 'builtin' | 'unknown';
  /** Null when the model is unknown: its frames are counted, its tokens are not. */
  readonly tokensPerFrame: number | null;
  /** The rule that gave the figure, for people: `ceil(1280x720 / 2048)`. */
  readonly rule: string;
}

/**
 * Visual tokens per frame, by model family:
 * - Qwen-VL (`Qwen/...` or any id containing `qwen`): ceil(width x height / 2048).
 * - Gemma 4 (`google/gemma-...` or any id containing `gemma`): the model's `image_tokens`
 *   parameter if set (70/140/280/560/1120), else 256.
 * - `builtin/...`: runs locally, 0 billed tokens.
 * - anything else: unknown.
 */
export function visualTokensPerFrame(model: Pick<ModelNode, 'model' | 'params'>, resolution: Resolution = DEFAULT_RESOLUTION): TokenEstimate {
  const id = model.model.toLowerCase();
  if (id.startsWith('builtin/')) return { family: 'builtin', tokensPerFrame: 0, rule: 'builtin: runs locally, no billed tokens' };
  if (id.includes('qwen')) {
    const { width, height } = resolution;
    return {
      family: 'qwen',
      tokensPerFrame: Math.ceil((width * height) / 2048),
      rule: `Qwen-VL: ceil(${width}x${height} / 2048)`,
    };
  }
  if (id.includes('gemma')) {
    const budget = model.params['image_tokens'];
    if (typeof budget === 'number' && budget > 0) {
      return { family: 'gemma', tokensPerFrame: budget, rule: `Gemma 4: image_tokens ${budget} per image` };
    }
    return { family: 'gemma', tokensPerFrame: GEMMA_DEFAULT_IMAGE_TOKENS, rule: `Gemma 4: default ${GEMMA_DEFAULT_IMAGE_TOKENS} per image` };
  }
  return { family: 'unknown', tokensPerFrame: null, rule: 'unknown model: tokens not estimated' };
}

/**
 * The shortest time between two firings of a trigger whose every answer has its label: one
 * tick of its watch, or the cooldown rounded up to whole ticks (a trigger is evaluated only
 * when an answer arrives, and may fire again once `cooldownMs` has passed).
 */
export function minFiringIntervalMs(cooldownMs: number, periodMs: number): number {
  return periodMs * Math.max(1, Math.ceil(cooldownMs / periodMs));
}

type Schedule = { from: string; to: string } | undefined;

/** `HH:MM` as minutes after midnight. */
function minutesOf(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** Whether a watch with this schedule runs at a minute of the day: `from > to` wraps past midnight, equal ends mean all day (as the runner reads them). */
function runsAt(schedule: Schedule, minute: number): boolean {
  if (!schedule) return true;
  const from = minutesOf(schedule.from);
  const to = minutesOf(schedule.to);
  if (from === to) return true;
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

/** Minutes per day a `between FROM and TO` schedule is active. */
export function activeMinutesPerDay(schedule: Schedule): number {
  if (!schedule || schedule.from === schedule.to) return MINUTES_PER_DAY;
  return (minutesOf(schedule.to) - minutesOf(schedule.from) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
}

export interface Usage {
  calls: number;
  frames: number;
  /** Null when no model in it has a known token cost. */
  tokens: number | null;
}

export interface ModelUsage {
  /** The name used in the .ovs file. */
  readonly model: string;
  readonly modelId: string;
  readonly nodeId: string;
  readonly tokens: TokenEstimate;
  /** While every watch is active (a scheduled watch counts only during its hours). */
  readonly perHour: Usage;
  /** A whole day, schedules accounted for. */
  readonly perDay: Usage;
  /** The budgets that held back this model's watch calls, as written (`limit qwen calls 100 per hour`). */
  readonly cappedBy: string[];
}

export interface CostCase {
  readonly models: ModelUsage[];
  readonly total: {
    readonly perHour: Usage;
    readonly perDay: Usage;
    /** Budgets that lowered some figure, as written. */
    readonly cappedBy: string[];
    /** Budgets the escalations alone exceed: the runner never holds an escalation back. */
    readonly exceededBy: string[];
    /** Models whose tokens are unknown and left out of the token total. */
    readonly tokensUnknownFor: string[];
  };
}

export interface ActionPlan {
  readonly kind: 'escalation' | 'notify';
  readonly id: string;
  /** Escalation: the models asked and the frames each call sends. */
  readonly models?: string[];
  readonly framesPerCall?: number;
  /** Notify: the sink. */
  readonly sink?: string;
}

export interface TriggerPlan {
  readonly id: string;
  readonly labels: string[];
  readonly loc?: SourceLoc;
  /** Worst case: the shortest time between firings, and firings per active hour. */
  readonly minIntervalMs: number;
  readonly firingsPerHour: number;
  readonly chain: ActionPlan[];
}

export interface WatchPlan {
  readonly id: string;
  readonly loc?: SourceLoc;
  readonly streams: string[];
  readonly models: string[];
  readonly periodMs: number;
  readonly callsPerHourPerModel: number;
  readonly framesPerCall: number;
  readonly schedule?: { from: string; to: string };
  readonly activeHoursPerDay: number;
  readonly triggers: TriggerPlan[];
}

export interface BudgetPlan {
  /** As written: `limit qwen calls 100 per hour`. */
  readonly text: string;
  readonly model?: string;
  readonly metric: 'calls' | 'tokens';
  /** What the budget allows in one hour and in one day (a day budget may all go in one hour). */
  readonly perHourCap: number;
  readonly perDayCap: number;
}

export interface Plan {
  readonly resolution: Resolution;
  /** Stream parameters, bound at run time with --stream. */
  readonly parameters: string[];
  readonly watches: WatchPlan[];
  readonly budgets: BudgetPlan[];
  readonly idle: CostCase;
  readonly worst: CostCase;
}

export interface PlanOptions {
  readonly resolution?: Resolution;
}

/** The cost of a pipeline before it runs; see the module comment for the two cases. */
export function planCost(ir: PipelineIr, options: PlanOptions = {}): Plan {
  const resolution = options.resolution ?? DEFAULT_RESOLUTION;
  const graph = indexGraph(ir);
  const watches = graph.watches.map((w) => planWatch(graph, w));
  const budgets = ir.limits.budgets.map((budget) => ({ budget, plan: planBudget(graph, budget) }));
  // Every model some watch or escalation asks, even one that only an event would call.
  const used = new Set(ir.edges.filter((e) => e.kind === 'model').map((e) => e.from));
  const models = graph.models.filter((m) => used.has(m.id));
  const tokenOf = new Map(models.map((m) => [m.id, visualTokensPerFrame(m, resolution)]));
  const tokensPerFrame = (modelId: string) => tokenOf.get(modelId)!.tokensPerFrame;

  /** Calls and frames per hour of the given watches, with or without every event firing. */
  const ratesOf = (active: readonly WatchPlan[], withEvents: boolean): Rates => {
    const rates = emptyRates(models.map((m) => m.id));
    const add = (modelId: string, part: Part, calls: number, frames: number) => {
      const tally = rates.get(modelId)![part];
      tally.calls += calls;
      tally.frames += calls * frames;
    };
    for (const w of active) {
      for (const m of graph.modelsOf(w.id)) add(m.id, 'watch', w.callsPerHourPerModel, w.framesPerCall);
      if (!withEvents) continue;
      for (const t of w.triggers) {
        for (const action of t.chain) {
          if (action.kind !== 'escalation') continue;
          for (const m of graph.modelsOf(action.id)) add(m.id, 'escalation', t.firingsPerHour, action.framesPerCall ?? 0);
        }
      }
    }
    return rates;
  };

  const costCase = (withEvents: boolean): CostCase => {
    const binding = new Binding();
    // An hour with every watch running, under every budget (a day's budget may all go in one hour).
    const hour = ratesOf(watches, withEvents);
    holdBack(hour, budgets.map(({ budget, plan }) => ({ budget, text: plan.text, cap: plan.perHourCap })), tokensPerFrame, binding);
    // A day: each stretch with the same watches running, under the budgets of an hour or less;
    // then the longer budgets over the whole day.
    const day = emptyRates(models.map((m) => m.id));
    const shortBudgets = budgets.filter(({ budget }) => budget.perMs <= HOUR_MS);
    for (const { hours, active } of daySegments(watches)) {
      const rates = ratesOf(active, withEvents);
      holdBack(rates, shortBudgets.map(({ budget, plan }) => ({ budget, text: plan.text, cap: plan.perHourCap })), tokensPerFrame, binding);
      for (const [modelId, parts] of rates) {
        for (const part of PARTS) {
          day.get(modelId)![part].calls += parts[part].calls * hours;
          day.get(modelId)![part].frames += parts[part].frames * hours;
        }
      }
    }
    const longBudgets = budgets.filter(({ budget }) => budget.perMs > HOUR_MS);
    holdBack(day, longBudgets.map(({ budget, plan }) => ({ budget, text: plan.text, cap: plan.perDayCap })), tokensPerFrame, binding);

    const usage = (rates: Rates, modelId: string): Usage => {
      const { watch, escalation } = rates.get(modelId)!;
      const frames = watch.frames + escalation.frames;
      const perFrame = tokensPerFrame(modelId);
      return { calls: watch.calls + escalation.calls, frames, tokens: perFrame === null ? null : frames * perFrame };
    };
    const rows = models.map(
      (m): ModelUsage => ({
        model: m.name,
        modelId: m.model,
        nodeId: m.id,
        tokens: tokenOf.get(m.id)!,
        perHour: usage(hour, m.id),
        perDay: usage(day, m.id),
        cappedBy: [...(binding.models.get(m.id) ?? [])],
      }),
    );
    const sum = (span: 'perHour' | 'perDay'): Usage => {
      const known = rows.filter((m) => m[span].tokens !== null);
      return {
        calls: rows.reduce((s, m) => s + m[span].calls, 0),
        frames: rows.reduce((s, m) => s + m[span].frames, 0),
        tokens: known.length === 0 ? null : known.reduce((s, m) => s + (m[span].tokens ?? 0), 0),
      };
    };
    return {
      models: rows,
      total: {
        perHour: sum('perHour'),
        perDay: sum('perDay'),
        cappedBy: [...binding.capped],
        exceededBy: [...binding.exceeded],
        tokensUnknownFor: rows.filter((m) => m.tokens.tokensPerFrame === null).map((m) => m.model),
      },
    };
  };

  return {
    resolution,
    parameters: graph.parameters.map((s) => s.name),
    watches,
    budgets: budgets.map(({ plan }) => plan),
    idle: costCase(false),
    worst: costCase(true),
  };
}

function planWatch(graph: GraphIndex, watch: WatchNode): WatchPlan {
  const streams = graph.watchStreams(watch.id);
  const activeHoursPerDay = activeMinutesPerDay(watch.schedule) / 60;
  const triggers = graph.triggersOf(watch.id).map((t): TriggerPlan => {
    const minIntervalMs = minFiringIntervalMs(t.cooldownMs, watch.periodMs);
    const chain = graph.chain(t.id).map((a): ActionPlan =>
      a.type === 'escalation'
        ? { kind: 'escalation', id: a.id, models: graph.modelsOf(a.id).map((m) => m.name), framesPerCall: framesPerCall(a.view, streams.length) }
        : { kind: 'notify', id: a.id, sink: graph.sinkOf(a.id).name },
    );
    return { id: t.id, labels: t.labels, loc: t.loc, minIntervalMs, firingsPerHour: HOUR_MS / minIntervalMs, chain };
  });
  return {
    id: watch.id,
    loc: watch.loc,
    streams: streams.map((s) => s.name),
    models: graph.modelsOf(watch.id).map((m) => m.name),
    periodMs: watch.periodMs,
    callsPerHourPerModel: HOUR_MS / watch.periodMs,
    framesPerCall: framesPerCall(watch.view, streams.length),
    schedule: watch.schedule,
    activeHoursPerDay,
    triggers,
  };
}

const PER_NAMES: Record<number, string> = { 60_000: 'minute', [HOUR_MS]: 'hour', [DAY_MS]: 'day' };

/** What a budget allows over a span: a budget per window lets `amount` through in any span up to one window. */
function budgetCap(budget: Budget, spanMs: number): number {
  return budget.amount * Math.max(1, spanMs / budget.perMs);
}

function planBudget(graph: GraphIndex, budget: Budget): BudgetPlan {
  const model = budget.model === undefined ? undefined : (graph.node(budget.model) as ModelNode).name;
  const per = PER_NAMES[budget.perMs] ?? `${budget.perMs}ms`;
  return {
    text: `limit ${model ? `${model} ` : ''}${budget.metric} ${budget.amount} per ${per}`,
    model,
    metric: budget.metric,
    perHourCap: budgetCap(budget, HOUR_MS),
    perDayCap: budgetCap(budget, DAY_MS),
  };
}

const PARTS = ['watch', 'escalation'] as const;
type Part = (typeof PARTS)[number];
interface Tally {
  calls: number;
  frames: number;
}
/** Per model: calls and frames from watch ticks and from escalations, apart (budgets hold back only the first). */
type Rates = Map<string, Record<Part, Tally>>;

const emptyRates = (modelIds: readonly string[]): Rates =>
  new Map(modelIds.map((id) => [id, { watch: { calls: 0, frames: 0 }, escalation: { calls: 0, frames: 0 } }]));

/** Which budgets bound, overall and per model. */
class Binding {
  readonly capped = new Set<string>();
  readonly exceeded = new Set<string>();
  readonly models = new Map<string, Set<string>>();
}

/**
 * The stretches of a day in which the same watches run: cut at every schedule's start and end,
 * each with its length in hours and the watches running in it.
 */
function daySegments(watches: readonly WatchPlan[]): Array<{ hours: number; active: WatchPlan[] }> {
  const cuts = new Set([0, MINUTES_PER_DAY]);
  for (const w of watches) if (w.schedule) for (const t of [w.schedule.from, w.schedule.to]) cuts.add(minutesOf(t));
  const sorted = [...cuts].sort((a, b) => a - b);
  return sorted.slice(1).map((end, i) => {
    const start = sorted[i]!;
    const middle = (start + end) / 2;
    return { hours: (end - start) / 60, active: watches.filter((w) => runsAt(w.schedule, middle)) };
  });
}

/**
 * Lowers rates to what the budgets allow, the way the runner enforces them: once a budget is
 * spent, routine watch calls of every model it covers are skipped until its window slides on,
 * while escalations always go ahead (and count against it). So a binding budget scales the
 * watch calls of its models by the share that still fits beside the escalations. Unknown
 * models add no tokens here, though a run would count theirs.
 */
function holdBack(
  rates: Rates,
  budgets: ReadonlyArray<{ budget: Budget; text: string; cap: number }>,
  tokensPerFrame: (modelId: string) => number | null,
  binding: Binding,
): void {
  for (const { budget, text, cap } of budgets) {
    const covered = [...rates].filter(([id]) => budget.model === undefined || budget.model === id);
    const measure = (part: Part) =>
      covered.reduce((sum, [id, parts]) => {
        const { calls, frames } = parts[part];
        return sum + (budget.metric === 'calls' ? calls : frames * (tokensPerFrame(id) ?? 0));
      }, 0);
    const escalations = measure('escalation');
    const watches = measure('watch');
    if (escalations + watches <= cap * (1 + 1e-9)) continue;
    if (escalations >= cap) binding.exceeded.add(text);
    if (watches === 0) continue;
    const share = Math.max(0, cap - escalations) / watches;
    for (const [id, parts] of covered) {
      if (parts.watch.calls === 0) continue;
      parts.watch.calls *= share;
      parts.watch.frames *= share;
      binding.models.set(id, (binding.models.get(id) ?? new Set()).add(text));
    }
    binding.capped.add(text);
  }
}
