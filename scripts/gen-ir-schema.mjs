#!/usr/bin/env node
// Writes docs/ir.schema.json from the zod schema in @ovs/ir (build it first:
// `pnpm --filter @ovs/ir build`). packages/ir/src/json-schema.test.ts fails when the
// committed file is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { irJsonSchemaText } from '../packages/ir/dist/index.js';

const target = fileURLToPath(new URL('../docs/ir.schema.json', import.meta.url));
writeFileSync(target, irJsonSchemaText());
console.log(`wrote ${target}`);
