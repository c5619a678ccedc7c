/**
 * The IR as a JSON Schema (draft 2020-12), generated from the zod schema so the two cannot
 * drift. `docs/ir.schema.json` is this output; `scripts/gen-ir-schema.mjs` rewrites it and a
 * test checks that the committed file is current.
 *
 * JSON Schema cannot express the cross-references checked by `PipelineIr`'s refinement
 * (unique node ids, edge endpoints of the right node types); `PipelineIr.parse()` remains the
 * full check.
 */
import { z } from 'zod';
import {
  Budget,
  Edge,
  EscalationNode,
  IrNode,
  Limits,
  ModelNode,
  NotifyNode,
  PipelineIr,
  SinkNode,
  SourceLoc,
  StreamBinding,
  StreamNode,
  TriggerNode,
  View,
  Vote,
  WatchNode,
} from './schema.js';
import { IR_VERSION } from './version.js';

/** Named parts of the schema, emitted once under `$defs` and referenced by name. */
const NAMED: ReadonlyArray<[z.ZodType, string]> = [
  [SourceLoc, 'SourceLoc'],
  [StreamBinding, 'StreamBinding'],
  [View, 'View'],
  [Vote, 'Vote'],
  [StreamNode, 'StreamNode'],
  [ModelNode, 'ModelNode'],
  [SinkNode, 'SinkNode'],
  [WatchNode, 'WatchNode'],
  [TriggerNode, 'TriggerNode'],
  [EscalationNode, 'EscalationNode'],
  [NotifyNode, 'NotifyNode'],
  [IrNode, 'IrNode'],
  [Edge, 'Edge'],
  [Budget, 'Budget'],
  [Limits, 'Limits'],
];

export function irJsonSchema(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of NAMED) registry.add(schema, { id });
  const schema = z.toJSONSchema(PipelineIr, { metadata: registry });
  return {
    $schema: schema.$schema,
    title: `ovs pipeline IR, version ${IR_VERSION}`,
    description:
      'A compiled .ovs pipeline: typed nodes (stream, model, sink, watch, trigger, escalation, notify), ' +
      'typed edges between them (input, model, trigger, then, deliver) and limits. Node ids are unique and ' +
      'every edge joins nodes of the types its kind allows; those two rules are checked by the zod schema ' +
      'in @ovs/ir, not by this JSON Schema.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}

/** The schema as the committed file holds it: two-space indentation and a final newline. */
export function irJsonSchemaText(): string {
  return `${JSON.stringify(irJsonSchema(), null, 2)}\n`;
}
