/**
 * The graph IR of a compiled .ovs pipeline.
 *
 * The IR is a graph: typed nodes (streams, models, sinks, watches, triggers, escalations,
 * notifications) and typed edges between them. Nodes never reference each other directly;
 * every link is an edge, so the graph is the single source of truth and renders as-is
 * (`ovs graph`). `indexGraph()` in ./graph.ts builds the lookups the runner needs.
 *
 * This module depends on zod only: a program can build, validate and run an IR without
 * the parser.
 */
import { z } from 'zod';
import { IR_VERSION } from './version.js';

/** Where a node came from in the .ovs source: 1-based line and column, end exclusive. */
export const SourceLoc = z.object({
  line: z.number().int().min(1),
  column: z.number().int().min(1),
  endLine: z.number().int().min(1),
  endColumn: z.number().int().min(1),
});
export type SourceLoc = z.infer<typeof SourceLoc>;

const NodeId = z.string().min(1);

/** How a stream is bound: an existing stream id, a source the backend pulls, or a parameter bound at run time. */
export const StreamBinding = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('id'), streamId: z.string().min(1) }),
  z.object({
    kind: z.literal('source'),
    source: z.object({
      type: z.enum(['rtsp', 'hls', 'file', 'mjpeg']),
      url: z.string().min(1),
    }),
  }),
  z.object({ kind: z.literal('param') }),
]);
export type StreamBinding = z.infer<typeof StreamBinding>;

/**
 * What a call sees. `frame`: one frame (the newest for a watch; the frame the watch saw for
 * an escalation). `window`: the frames from `beforeMs` before the anchor to `afterMs` after it,
 * sampled at most `maxFps` per second.
 */
export const View = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('frame') }),
  z.object({
    kind: z.literal('window'),
    beforeMs: z.number().int().min(0),
    afterMs: z.number().int().min(0),
    maxFps: z.number().positive(),
  }),
]);
export type View = z.infer<typeof View>;

/** How the answers of several models watching one stream combine into one verdict per label. */
export const Vote = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('all') }),
  z.object({ mode: z.literal('any') }),
  z.object({ mode: z.literal('majority') }),
  z.object({ mode: z.literal('at_least'), count: z.number().int().min(1) }),
]);
export type Vote = z.infer<typeof Vote>;

const ParamValue = z.union([z.number(), z.string(), z.boolean()]);

const base = { id: NodeId, loc: SourceLoc.optional() };

export const StreamNode = z.object({
  ...base,
  type: z.literal('stream'),
  name: z.string().min(1),
  binding: StreamBinding,
});
export const ModelNode = z.object({
  ...base,
  type: z.literal('model'),
  name: z.string().min(1),
  /** The model id sent to the backend, e.g. `google/gemma-4-E4B-it`. */
  model: z.string().min(1),
  /** Request parameters (max_tokens, temperature, ...), sent with every call to this model. */
  params: z.record(z.string(), ParamValue),
  /** False for a well-known name used without a declaration (gemma, qwen). */
  declared: z.boolean(),
});
export const SinkNode = z.object({
  ...base,
  type: z.literal('sink'),
  name: z.string().min(1),
  sink: z.enum(['stdout', 'file', 'webhook', 'mqtt']),
  /** File path, webhook URL or MQTT URL (mqtt://host:port/topic); absent for stdout. */
  target: z.string().optional(),
  params: z.record(z.string(), ParamValue),
});
export const WatchNode = z.object({
  ...base,
  type: z.literal('watch'),
  periodMs: z.number().int().positive(),
  view: View,
  prompt: z.string(),
  /** True when no `ask` was written and the prompt was derived from the labels. */
  promptDerived: z.boolean(),
  system: z.string().optional(),
  vote: Vote,
  /** Local time of day when the watch runs, `HH:MM`; `from > to` wraps past midnight. */
  schedule: z.object({ from: z.string(), to: z.string() }).optional(),
  /** Every label any of its triggers listens for, in order of first appearance. */
  labels: z.array(z.string().min(1)),
});
export const TriggerNode = z.object({
  ...base,
  type: z.literal('trigger'),
  labels: z.array(z.string().min(1)).min(1),
  /** Fire when at least k of the last n answers had one of the labels. */
  k: z.number().int().min(1),
  n: z.number().int().min(1),
  /** Minimum confidence (0..1), or null for any positive answer. */
  above: z.number().min(0).max(1).nullable(),
  cooldownMs: z.number().int().min(0),
});
export const EscalationNode = z.object({
  ...base,
  type: z.literal('escalation'),
  view: View,
  prompt: z.string(),
  promptDerived: z.boolean(),
});
export const NotifyNode = z.object({ ...base, type: z.literal('notify') });

export const IrNode = z.discriminatedUnion('type', [
  StreamNode,
  ModelNode,
  SinkNode,
  WatchNode,
  TriggerNode,
  EscalationNode,
  NotifyNode,
]);
export type StreamNode = z.infer<typeof StreamNode>;
export type ModelNode = z.infer<typeof ModelNode>;
export type SinkNode = z.infer<typeof SinkNode>;
export type WatchNode = z.infer<typeof WatchNode>;
export type TriggerNode = z.infer<typeof TriggerNode>;
export type EscalationNode = z.infer<typeof EscalationNode>;
export type NotifyNode = z.infer<typeof NotifyNode>;
export type IrNode = z.infer<typeof IrNode>;
export type IrNodeType = IrNode['type'];

/**
 * Edge kinds, always pointing the way data flows:
 * - `input`:   stream -> watch (the watch looks at the stream; order = order written)
 * - `model`:   model -> watch | escalation (the model answers for it; order = order written)
 * - `trigger`: watch -> trigger
 * - `then`:    trigger | escalation | notify -> escalation | notify (the next action in the
 *              chain; after an escalation it runs only when the escalation confirms)
 * - `deliver`: notify -> sink
 */
export const EdgeKind = z.enum(['input', 'model', 'trigger', 'then', 'deliver']);
export type EdgeKind = z.infer<typeof EdgeKind>;
export const Edge = z.object({ from: NodeId, to: NodeId, kind: EdgeKind });
export type Edge = z.infer<typeof Edge>;

export const Budget = z.object({
  /** Model node id, or absent for the whole pipeline. */
  model: NodeId.optional(),
  metric: z.enum(['calls', 'tokens']),
  amount: z.number().int().positive(),
  perMs: z.number().int().positive(),
  loc: SourceLoc.optional(),
});
export type Budget = z.infer<typeof Budget>;

export const Limits = z.object({
  /** Calls in flight across the pipeline, or absent for the runner's default. */
  concurrency: z.number().int().positive().optional(),
  /** Calls in flight per model node id. */
  modelConcurrency: z.record(NodeId, z.number().int().positive()),
  budgets: z.array(Budget),
});
export type Limits = z.infer<typeof Limits>;

export const PipelineIr = z
  .object({
    version: z.literal(IR_VERSION),
    /** The .ovs file the IR was compiled from, as the user named it. */
    source: z.object({ file: z.string() }).optional(),
    nodes: z.array(IrNode),
    edges: z.array(Edge),
    limits: Limits,
  })
  .superRefine((ir, ctx) => {
    const types = new Map<string, IrNodeType>();
    ir.nodes.forEach((node, i) => {
      if (types.has(node.id)) {
        ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: `duplicate node id "${node.id}"` });
      }
      types.set(node.id, node.type);
    });
    const allowed: Record<EdgeKind, [IrNodeType[], IrNodeType[]]> = {
      input: [['stream'], ['watch']],
      model: [['model'], ['watch', 'escalation']],
      trigger: [['watch'], ['trigger']],
      then: [['trigger', 'escalation', 'notify'], ['escalation', 'notify']],
      deliver: [['notify'], ['sink']],
    };
    ir.edges.forEach((edge, i) => {
      const [fromTypes, toTypes] = allowed[edge.kind];
      const from = types.get(edge.from);
      const to = types.get(edge.to);
      if (!from || !fromTypes.includes(from)) {
        ctx.addIssue({ code: 'custom', path: ['edges', i, 'from'], message: `a "${edge.kind}" edge must start at a ${fromTypes.join(' or ')} node; "${edge.from}" is ${from ? `a ${from}` : 'not a node'}` });
      }
      if (!to || !toTypes.includes(to)) {
        ctx.addIssue({ code: 'custom', path: ['edges', i, 'to'], message: `a "${edge.kind}" edge must end at a ${toTypes.join(' or ')} node; "${edge.to}" is ${to ? `a ${to}` : 'not a node'}` });
      }
    });
  });
export type PipelineIr = z.infer<typeof PipelineIr>;
