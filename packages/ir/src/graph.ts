/** Lookups over an IR graph: who feeds what, in the order the source wrote them. */
import type {
  Edge,
  EdgeKind,
  EscalationNode,
  IrNode,
  ModelNode,
  NotifyNode,
  PipelineIr,
  SinkNode,
  StreamNode,
  TriggerNode,
  WatchNode,
} from './schema.js';

export type ActionNode = EscalationNode | NotifyNode;

export interface GraphIndex {
  readonly ir: PipelineIr;
  node(id: string): IrNode;
  streams: StreamNode[];
  models: ModelNode[];
  sinks: SinkNode[];
  watches: WatchNode[];
  /** Streams a watch looks at. */
  watchStreams(watchId: string): StreamNode[];
  /** Models that answer for a watch or an escalation. */
  modelsOf(nodeId: string): ModelNode[];
  triggersOf(watchId: string): TriggerNode[];
  /** The action that runs after a trigger fires or an escalation confirms, if any. */
  next(nodeId: string): ActionNode | undefined;
  /** The whole action chain of a trigger, in order. */
  chain(triggerId: string): ActionNode[];
  sinkOf(notifyId: string): SinkNode;
  /** The watch a trigger belongs to. */
  watchOf(triggerId: string): WatchNode;
  /** Streams that are parameters, to be bound at run time. */
  parameters: StreamNode[];
}

export function indexGraph(ir: PipelineIr): GraphIndex {
  const byId = new Map<string, IrNode>(ir.nodes.map((n) => [n.id, n]));
  const out = new Map<string, Edge[]>();
  const into = new Map<string, Edge[]>();
  for (const edge of ir.edges) {
    (out.get(edge.from) ?? out.set(edge.from, []).get(edge.from)!).push(edge);
    (into.get(edge.to) ?? into.set(edge.to, []).get(edge.to)!).push(edge);
  }
  const node = (id: string): IrNode => {
    const found = byId.get(id);
    if (!found) throw new Error(`IR has no node "${id}"`);
    return found;
  };
  const ofType = <T extends IrNode['type']>(type: T) =>
    ir.nodes.filter((n): n is Extract<IrNode, { type: T }> => n.type === type);
  const sources = (id: string, kind: EdgeKind) =>
    (into.get(id) ?? []).filter((e) => e.kind === kind).map((e) => node(e.from));
  const targets = (id: string, kind: EdgeKind) =>
    (out.get(id) ?? []).filter((e) => e.kind === kind).map((e) => node(e.to));
  const next = (id: string) => targets(id, 'then')[0] as ActionNode | undefined;
  const streams = ofType('stream');
  return {
    ir,
    node,
    streams,
    models: ofType('model'),
    sinks: ofType('sink'),
    watches: ofType('watch'),
    watchStreams: (id) => sources(id, 'input') as StreamNode[],
    modelsOf: (id) => sources(id, 'model') as ModelNode[],
    triggersOf: (id) => targets(id, 'trigger') as TriggerNode[],
    next,
    chain(triggerId) {
      const actions: ActionNode[] = [];
      for (let a = next(triggerId); a; a = next(a.id)) actions.push(a);
      return actions;
    },
    sinkOf: (id) => targets(id, 'deliver')[0] as SinkNode,
    watchOf: (id) => sources(id, 'trigger')[0] as WatchNode,
    parameters: streams.filter((s) => s.binding.kind === 'param'),
  };
}
