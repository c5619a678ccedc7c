import { quoted } from '../../diagnostics/quote.js';
import type { ParamNode } from '../../language/ast.js';
import type { ValidationRule } from '../context.js';

export const duplicateParam: ValidationRule = {
  code: 'OVS1020',
  name: 'duplicate-param',
  description: 'A model or sink sets the same parameter twice.',
  check({ document, report }) {
    for (const statement of document.statements) {
      if (statement.kind !== 'ModelDecl' && statement.kind !== 'SinkDecl') continue;
      const first = new Map<string, ParamNode>();
      for (const param of statement.params) {
        const earlier = first.get(param.name.value);
        if (!earlier) {
          first.set(param.name.value, param);
          continue;
        }
        report({
          range: param.name.range,
          message: `parameter ${quoted(param.name.value)} is set twice`,
          hint: 'keep one of them',
          related: [{ range: earlier.name.range, message: 'first set here' }],
        });
      }
    }
  },
};
