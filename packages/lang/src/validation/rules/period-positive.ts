import type { ValidationRule } from '../context.js';

export const periodPositive: ValidationRule = {
  code: 'OVS1007',
  name: 'period-positive',
  description: "A watch's period (`every D`) must be longer than zero.",
  check({ symbols, report }) {
    for (const watch of symbols.watches) {
      const { every } = watch;
      // Unitless or negative periods are reported by the duration rules.
      if (every.ms !== 0) continue;
      report({
        range: every.range,
        message: `the period "${every.raw}" is zero: the watch would call the model without pause`,
        hint: 'give a period longer than zero, e.g. "every 2s"',
      });
    }
  },
};
