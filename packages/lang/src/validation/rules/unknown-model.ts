import { quoted } from '../../diagnostics/quote.js';
import { nearest } from '../../diagnostics/suggest.js';
import type { ValidationRule } from '../context.js';

export const unknownModel: ValidationRule = {
  code: 'OVS1001',
  name: 'unknown-model',
  description: 'A watch, escalation or limit names a model that is neither declared nor well known (gemma, qwen).',
  check({ symbols, sites, report }) {
    for (const reference of sites.modelReferences) {
      if (symbols.isModel(reference.value)) continue;
      const suggestion = nearest(reference.value, symbols.modelNames);
      report({
        range: reference.range,
        message: `unknown model ${quoted(reference.value)}`,
        hint: suggestion
          ? `did you mean "${suggestion}"?`
          : `declare it: model ${reference.value} = "provider/id" (or use a model that needs no declaration: ${symbols.modelNames.join(', ')})`,
      });
    }
  },
};
