import type { ValidationRule } from '../context.js';

export const voteCount: ValidationRule = {
  code: 'OVS1013',
  name: 'vote-count',
  description: 'A vote (`by N`) needs 1 <= N <= the number of models; a vote over a single model has no effect.',
  check({ symbols, report }) {
    for (const watch of symbols.watches) {
      const { vote, models } = watch;
      if (!vote) continue;
      const count = vote.count;
      if (count && (!Number.isInteger(count.value) || count.value < 1)) {
        report({ range: count.range, message: `"by ${count.raw}": the number of models that must agree is a whole number from 1`, hint: 'e.g. "by 2", or "by majority"' });
      } else if (count && count.value > models.length) {
        report({
          range: count.range,
          message: `"by ${count.raw}" needs ${count.raw} models to agree, but this watch has ${models.length}`,
          hint: models.length > 1 ? `write "by all" or "by ${models.length}", or add models` : 'add models after "with", or remove "by ..."',
        });
      } else if (models.length === 1) {
        report({
          severity: 'warning',
          range: vote.range,
          message: 'a vote needs several models; this watch has one',
          hint: 'remove "by ...", or add models after "with"',
        });
      }
    }
  },
};
