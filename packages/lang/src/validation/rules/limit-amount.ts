import type { ValidationRule } from '../context.js';

export const limitAmount: ValidationRule = {
  code: 'OVS1015',
  name: 'limit-amount',
  description: 'A limit or budget must be a whole number above zero.',
  check({ symbols, report }) {
    for (const limit of symbols.limits) {
      const { amount } = limit;
      if (Number.isSafeInteger(amount.value) && amount.value > 0) continue;
      report({
        range: amount.range,
        message: `a ${limit.metric} limit must be a whole number above 0, got ${amount.raw}`,
        hint: limit.per ? `e.g. "limit ${limit.metric} 100 per ${limit.per}"` : 'e.g. "limit concurrency 4"',
      });
    }
  },
};
