import { quoted } from '../../diagnostics/quote.js';
import type { LimitNode } from '../../language/ast.js';
import type { ValidationRule } from '../context.js';

/** Budgets per minute and per hour may both hold; the same limit twice is ambiguous. */
function describe(limit: LimitNode): string {
  const scope = limit.model ? `model ${quoted(limit.model.value)}` : 'the pipeline';
  return limit.per ? `a ${limit.metric} budget per ${limit.per} for ${scope}` : `a concurrency limit for ${scope}`;
}

export const duplicateLimit: ValidationRule = {
  code: 'OVS1014',
  name: 'duplicate-limit',
  description: 'The same limit (same model, metric and period) is set twice.',
  check({ symbols, report }) {
    const seen = new Map<string, LimitNode>();
    for (const limit of symbols.limits) {
      const key = JSON.stringify([limit.model?.value ?? null, limit.metric, limit.per]);
      const first = seen.get(key);
      if (!first) {
        seen.set(key, limit);
        continue;
      }
      report({
        range: limit.range,
        message: `${describe(limit)} is already set`,
        hint: 'keep one of them',
        related: [{ range: first.range, message: 'first set here' }],
      });
    }
  },
};
