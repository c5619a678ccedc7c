import type { ValidationRule } from '../context.js';

export const emptyLabel: ValidationRule = {
  code: 'OVS1021',
  name: 'empty-label',
  description: 'An `on` label is empty or only blanks.',
  check({ sites, report }) {
    for (const { rule } of sites.rules) {
      for (const label of rule.labels) {
        if (label.value.trim() !== '') continue;
        report({ range: label.range, message: 'a label cannot be empty', hint: 'name what the model should look for, e.g. on "fall"' });
      }
    }
  },
};
