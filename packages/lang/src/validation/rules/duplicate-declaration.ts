import { quoted } from '../../diagnostics/quote.js';
import type { NameNode } from '../../language/ast.js';
import type { ValidationRule } from '../context.js';
import { STDOUT_SINK } from '../symbols.js';

const DECLARED_KIND = { StreamDecl: 'stream', ModelDecl: 'model', SinkDecl: 'sink' } as const;

export const duplicateDeclaration: ValidationRule = {
  code: 'OVS1003',
  name: 'duplicate-declaration',
  description:
    'A stream, model or sink name is declared twice (declaring gemma or qwen overrides the well-known model and is fine; stdout is built in).',
  check({ document, report }) {
    const seen = { stream: new Map<string, NameNode>(), model: new Map<string, NameNode>(), sink: new Map<string, NameNode>() };
    for (const statement of document.statements) {
      if (statement.kind !== 'StreamDecl' && statement.kind !== 'ModelDecl' && statement.kind !== 'SinkDecl') continue;
      const kind = DECLARED_KIND[statement.kind];
      const name = statement.name;
      if (kind === 'sink' && name.value === STDOUT_SINK) {
        report({
          range: name.range,
          message: `sink "${STDOUT_SINK}" is built in and cannot be declared`,
          hint: `choose another name; "notify ${STDOUT_SINK}" always works without a declaration`,
        });
        continue;
      }
      const first = seen[kind].get(name.value);
      if (first) {
        report({
          range: name.range,
          message: `${kind} ${quoted(name.value)} is declared twice`,
          hint: `rename one of them or remove this declaration`,
          related: [{ range: first.range, message: `${kind} ${quoted(name.value)} is first declared here` }],
        });
      } else {
        seen[kind].set(name.value, name);
      }
    }
  },
};
