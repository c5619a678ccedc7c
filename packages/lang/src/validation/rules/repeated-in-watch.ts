import { quoted } from '../../diagnostics/quote.js';
import type { NameNode } from '../../language/ast.js';
import type { ValidationContext, ValidationRule } from '../context.js';

function reportRepeats(names: readonly NameNode[], what: 'stream' | 'model', report: ValidationContext['report']): void {
  const first = new Map<string, NameNode>();
  for (const name of names) {
    const earlier = first.get(name.value);
    if (!earlier) {
      first.set(name.value, name);
      continue;
    }
    report({
      range: name.range,
      message: `${what} ${quoted(name.value)} is named twice in this watch`,
      hint: 'remove the repeated name',
      related: [{ range: earlier.range, message: 'first named here' }],
    });
  }
}

export const repeatedInWatch: ValidationRule = {
  code: 'OVS1019',
  name: 'repeated-in-watch',
  description: 'The same stream or the same model is named twice in one watch.',
  check({ symbols, report }) {
    for (const watch of symbols.watches) {
      reportRepeats(watch.streams, 'stream', report);
      reportRepeats(watch.models, 'model', report);
    }
  },
};
