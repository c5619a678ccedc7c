import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { irJsonSchema, irJsonSchemaText } from './json-schema.js';

const committed = fileURLToPath(new URL('../../../docs/ir.schema.json', import.meta.url));

describe('IR JSON Schema', () => {
  it('docs/ir.schema.json is current (regenerate: pnpm --filter @ovs/ir build && node scripts/gen-ir-schema.mjs)', () => {
    expect(readFileSync(committed, 'utf8')).toBe(irJsonSchemaText());
  });

  it('names every node type and references them from the node list', () => {
    const schema = irJsonSchema() as { $defs: Record<string, unknown>; properties: Record<string, unknown> };
    for (const name of ['StreamNode', 'ModelNode', 'SinkNode', 'WatchNode', 'TriggerNode', 'EscalationNode', 'NotifyNode', 'Edge', 'Limits']) {
      expect(schema.$defs).toHaveProperty(name);
    }
    expect(schema.properties.nodes).toEqual({ type: 'array', items: { $ref: '#/$defs/IrNode' } });
  });
});
