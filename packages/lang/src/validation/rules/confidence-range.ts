import type { ValidationRule } from '../context.js';

export const confidenceRange: ValidationRule = {
  code: 'OVS1009',
  name: 'confidence-range',
  description: 'A confidence threshold (`above X`) must lie between 0 and 1.',
  check({ sites, report }) {
    for (const { rule } of sites.rules) {
      const above = rule.above;
      if (!above || (above.value >= 0 && above.value <= 1)) continue;
      // 80 is surely 80 %; 1.5 could be 1.5 % or a slip, so it gets no guess.
      const asFraction = above.value >= 2 && above.value <= 100 ? above.value / 100 : undefined;
      report({
        range: above.range,
        message: `the confidence threshold ${above.raw} is outside 0..1`,
        hint: asFraction !== undefined ? `for ${above.raw}%, write "above ${asFraction}"` : 'confidence is between 0 and 1, e.g. "above 0.8"',
      });
    }
  },
};
