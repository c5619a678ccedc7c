import type { ValidationRule } from '../context.js';
import { correctedDuration } from '../duration.js';

export const durationMissingUnit: ValidationRule = {
  code: 'OVS1004',
  name: 'duration-missing-unit',
  description: 'A number stands where a duration belongs but has no unit (ms, s, m or h).',
  check({ sites, report }) {
    for (const duration of sites.durations) {
      if (duration.unit !== null) continue;
      const corrected = correctedDuration(duration.amount, null);
      report({
        range: duration.range,
        message: `the duration "${duration.raw}" has no unit`,
        hint: corrected ? `write "${corrected}" (units: ms, s, m, h)` : 'add a unit: ms, s, m or h',
      });
    }
  },
};
