/**
 * The compiler: a checked document to the graph IR (see @ovs/ir's schema.ts for the shapes).
 *
 * `compile()` expects a document `validate()` found no error in; it does not check again.
 * Given a document with errors it may produce an IR that fails `PipelineIr.parse()`, or throw
 * `CompileError` where a value it needs is missing (e.g. a duration without a unit).
 *
 * Node ids are readable and stable across runs: `stream:lobby`, `model:gemma`, `sink:alerts`,
 * `watch:1` (1-based, in source order), `trigger:1.2` (watch.rule), `escalation:1.2.1` and
 * `notify:1.2.2` (watch.rule.position in the action chain). Nodes and edges come in source order:
 * declared streams, then parameters; declared models, then well-known models used without a
 * declaration; declared sinks, then `stdout` if a rule notifies it; then each watch followed by
 * its triggers and their actions. Declarations nobody uses are kept: the graph shows the file.
 */
import { IR_VERSION, WELL_KNOWN_MODELS } from '@ovs/ir';
import type * as Ir from '@ovs/ir';
import type {
  DocumentNode,
  DurationNode,
  EscalateNode,
  LimitNode,
  NameNode,
  OnNode,
  ParamNode,
  Range,
  TimeOfDayNode,
  VoteNode,
  WatchNode,
  WindowNode,
} from '../language/ast.js';
import type { Source } from '../language/source.js';
import { collectSymbols, STDOUT_SINK } from '../validation/symbols.js';
import { STREAM_REFERENCE_PREFIX } from '../validation/url.js';
import { collectSites } from '../validation/walk.js';
import { escalationPrompt, watchPrompt } from './prompts.js';

export interface CompileOptions {
  /** The file name recorded in the IR's `source`, as the user gave it. */
  readonly file?: string;
  /** The document's source text; with it every node records its `loc`. */
  readonly source?: Source;
}

/** The document has an error `validate()` would have reported; compile only checked documents. */
export class CompileError extends Error {
  override readonly name = 'CompileError';
}

const PER_MS: Readonly<Record<'minute' | 'hour' | 'day', number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function compile(document: DocumentNode, options: CompileOptions = {}): Ir.PipelineIr {
  const symbols = collectSymbols(document);
  const sites = collectSites(document);
  const { source } = options;
  const loc = (range: Range): { loc?: Ir.SourceLoc } => (source ? { loc: locationOf(source, range) } : {});
  const nodes: Ir.IrNode[] = [];
  const edges: Ir.Edge[] = [];
  const edge = (from: string, to: string, kind: Ir.EdgeKind) => edges.push({ from, to, kind });

  for (const decl of symbols.streams.values()) {
    const binding: Ir.StreamBinding =
      decl.sourceType === 'id'
        ? { kind: 'id', streamId: streamIdOf(decl.value.value) }
        : { kind: 'source', source: { type: decl.sourceType, url: decl.value.value } };
    nodes.push({ id: streamId(decl.name.value), type: 'stream', name: decl.name.value, binding, ...loc(decl.range) });
  }
  for (const [name, firstUse] of symbols.parameters) {
    nodes.push({ id: streamId(name), type: 'stream', name, binding: { kind: 'param' }, ...loc(firstUse.range) });
  }

  for (const decl of symbols.models.values()) {
    const name = decl.name.value;
    nodes.push({ id: modelId(name), type: 'model', name, model: decl.id.value, params: paramsOf(decl.params), declared: true, ...loc(decl.range) });
  }
  const undeclaredModels = new Map<string, NameNode>();
  for (const reference of sites.modelReferences) {
    if (!symbols.models.has(reference.value) && !undeclaredModels.has(reference.value)) undeclaredModels.set(reference.value, reference);
  }
  for (const [name, firstUse] of undeclaredModels) {
    if (!Object.hasOwn(WELL_KNOWN_MODELS, name)) throw new CompileError(`unknown model "${name}"`);
    const model = WELL_KNOWN_MODELS[name]!;
    nodes.push({ id: modelId(name), type: 'model', name, model, params: {}, declared: false, ...loc(firstUse.range) });
  }

  for (const decl of symbols.sinks.values()) {
    const name = decl.name.value;
    nodes.push({ id: sinkId(name), type: 'sink', name, sink: decl.sinkType, target: decl.target.value, params: paramsOf(decl.params), ...loc(decl.range) });
  }
  const stdoutUse = sites.notifies.find((notify) => notify.sink.value === STDOUT_SINK);
  if (stdoutUse) nodes.push({ id: sinkId(STDOUT_SINK), type: 'sink', name: STDOUT_SINK, sink: 'stdout', params: {}, ...loc(stdoutUse.sink.range) });

  symbols.watches.forEach((watch, w) => {
    const id = `watch:${w + 1}`;
    const view = viewOf(watch.window);
    const labels = [...new Set(watch.rules.flatMap((rule) => rule.labels.map((label) => label.value)))];
    nodes.push({
      id,
      type: 'watch',
      periodMs: ms(watch.every),
      view,
      prompt: watch.ask?.value ?? watchPrompt(labels, view, watch.streams.length),
      promptDerived: watch.ask === null,
      ...(watch.system ? { system: watch.system.value } : {}),
      vote: voteOf(watch.vote, watch.models.length),
      ...(watch.schedule ? { schedule: { from: timeOf(watch.schedule.from), to: timeOf(watch.schedule.to) } } : {}),
      labels,
      ...loc(watch.range),
    });
    for (const stream of watch.streams) edge(streamId(stream.value), id, 'input');
    for (const model of watch.models) edge(modelId(model.value), id, 'model');
    watch.rules.forEach((rule, r) => compileRule(rule, `${w + 1}.${r + 1}`, id, watch));
  });

  function compileRule(rule: OnNode, path: string, watchNodeId: string, watch: WatchNode): void {
    const id = `trigger:${path}`;
    const labels = rule.labels.map((label) => label.value);
    nodes.push({
      id,
      type: 'trigger',
      labels,
      k: rule.kOfN?.k.value ?? 1,
      n: rule.kOfN?.n.value ?? 1,
      above: rule.above?.value ?? null,
      cooldownMs: rule.cooldown ? ms(rule.cooldown) : 0,
      ...loc(rule.range),
    });
    edge(watchNodeId, id, 'trigger');
    let previous = id;
    rule.actions.forEach((action, a) => {
      const actionId = action.kind === 'Escalate' ? `escalation:${path}.${a + 1}` : `notify:${path}.${a + 1}`;
      nodes.push(action.kind === 'Escalate' ? escalationNode(actionId, action, labels, watch) : { id: actionId, type: 'notify', ...loc(action.range) });
      edge(previous, actionId, 'then');
      if (action.kind === 'Escalate') edge(modelId(action.model.value), actionId, 'model');
      else edge(actionId, sinkId(action.sink.value), 'deliver');
      previous = actionId;
    });
  }

  function escalationNode(id: string, escalation: EscalateNode, labels: readonly string[], watch: WatchNode): Ir.EscalationNode {
    const view = viewOf(escalation.window);
    return {
      id,
      type: 'escalation',
      view,
      prompt: escalation.ask?.value ?? escalationPrompt(labels, view, watch.streams.length),
      promptDerived: escalation.ask === null,
      ...loc(escalation.range),
    };
  }

  return {
    version: IR_VERSION,
    ...(options.file !== undefined ? { source: { file: options.file } } : {}),
    nodes,
    edges,
    limits: limitsOf(symbols.limits, loc),
  };
}

const streamId = (name: string) => `stream:${name}`;
const modelId = (name: string) => `model:${name}`;
const sinkId = (name: string) => `sink:${name}`;

function locationOf(source: Source, range: Range): Ir.SourceLoc {
  const start = source.positionOf(range.start);
  const end = source.positionOf(range.end);
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

/** `"ovs://streams/<id>"` and `"<id>"` both name the stream `<id>`. */
function streamIdOf(text: string): string {
  return text.startsWith(STREAM_REFERENCE_PREFIX) ? text.slice(STREAM_REFERENCE_PREFIX.length) : text;
}
function ms(duration: DurationNode): number {
  if (duration.ms === null) throw new CompileError(`the duration "${duration.raw}" has no valid unit`);
  return duration.ms;
}

function viewOf(window: WindowNode | null): Ir.View {
  if (!window) return { kind: 'frame' };
  return { kind: 'window', beforeMs: ms(window.before), afterMs: window.after ? ms(window.after) : 0, maxFps: window.fps?.value ?? 1 };
}

/** Several models vote by majority unless told otherwise; a single model's answer is the verdict. */
function voteOf(vote: VoteNode | null, modelCount: number): Ir.Vote {
  if (!vote) return { mode: modelCount > 1 ? 'majority' : 'all' };
  if (vote.mode !== 'at_least') return { mode: vote.mode };
  if (!vote.count) throw new CompileError('"by N" without N');
  return { mode: 'at_least', count: vote.count.value };
}

function timeOf(time: TimeOfDayNode): string {
  return `${String(time.hours).padStart(2, '0')}:${String(time.minutes).padStart(2, '0')}`;
}

/** Parameter values as the backend gets them: durations in milliseconds, `true`/`false` as booleans, other names as text. */
function paramsOf(params: readonly ParamNode[]): Record<string, number | string | boolean> {
  const values: Record<string, number | string | boolean> = {};
  for (const { name, value } of params) {
    switch (value.kind) {
      case 'Number':
      case 'String':
        values[name.value] = value.value;
        break;
      case 'Duration':
        values[name.value] = ms(value);
        break;
      case 'Name':
        values[name.value] = value.value === 'true' ? true : value.value === 'false' ? false : value.value;
        break;
    }
  }
  return values;
}

function limitsOf(limits: readonly LimitNode[], loc: (range: Range) => { loc?: Ir.SourceLoc }): Ir.Limits {
  const result: { concurrency?: number; modelConcurrency: Record<string, number>; budgets: Ir.Budget[] } = { modelConcurrency: {}, budgets: [] };
  for (const limit of limits) {
    const amount = limit.amount.value;
    if (limit.metric === 'concurrency') {
      if (limit.model) result.modelConcurrency[modelId(limit.model.value)] = amount;
      else result.concurrency = amount;
    } else {
      if (!limit.per) throw new CompileError(`a ${limit.metric} budget without "per"`);
      result.budgets.push({ ...(limit.model ? { model: modelId(limit.model.value) } : {}), metric: limit.metric, amount, perMs: PER_MS[limit.per], ...loc(limit.range) });
    }
  }
  return result;
}
