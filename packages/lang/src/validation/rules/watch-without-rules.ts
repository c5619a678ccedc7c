import type { ValidationRule } from '../context.js';
import { watchHeadRange } from '../ranges.js';

export const watchWithoutRules: ValidationRule = {
  code: 'OVS1017',
  name: 'watch-without-rules',
  description: 'A watch with no `on` rule calls its models and never acts (warning).',
  check({ symbols, report }) {
    for (const watch of symbols.watches) {
      if (watch.rules.length > 0) continue;
      report({
        severity: 'warning',
        range: watchHeadRange(watch),
        message: 'this watch has no "on" rule: it would call the model and never act on the answers',
        hint: 'add a rule, e.g. on "fall" notify stdout',
      });
    }
  },
};
