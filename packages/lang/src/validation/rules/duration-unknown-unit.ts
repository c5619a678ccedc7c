import type { ValidationRule } from '../context.js';
import { correctedDuration, DURATION_UNITS } from '../duration.js';

export const durationUnknownUnit: ValidationRule = {
  code: 'OVS1005',
  name: 'duration-unknown-unit',
  description: 'A duration has a unit other than ms, s, m or h.',
  check({ sites, report }) {
    for (const duration of sites.durations) {
      if (duration.unit === null || duration.unit in DURATION_UNITS) continue;
      const corrected = correctedDuration(duration.amount, duration.unit);
      report({
        range: duration.range,
        message: `unknown duration unit "${duration.unit}" in "${duration.raw}"`,
        hint: corrected ? `did you mean "${corrected}"? (units: ms, s, m, h)` : 'use ms, s, m or h',
      });
    }
  },
};
