import type { ValidationRule } from '../context.js';
import { correctedDuration, DURATION_UNITS, formatDuration } from '../duration.js';

/** A year: longer periods, cooldowns and windows are surely typos (and overflow exact arithmetic). */
const MAX_DURATION_MS = 365 * 86_400_000;

export const durationAmount: ValidationRule = {
  code: 'OVS1006',
  name: 'duration-amount',
  description: 'A duration is not a whole, non-negative number of its unit (write 1500ms, not 1.5s), or is longer than a year.',
  check({ sites, report }) {
    for (const duration of sites.durations) {
      // A missing or unknown unit is its own problem; one report per duration is enough.
      if (duration.unit === null || !(duration.unit in DURATION_UNITS)) continue;
      if (duration.amount < 0) {
        report({ range: duration.range, message: `a duration cannot be negative: "${duration.raw}"`, hint: 'write a length of time, e.g. "30s"' });
      } else if (duration.ms !== null && duration.ms > MAX_DURATION_MS) {
        report({ range: duration.range, message: `the duration "${duration.raw}" is too long`, hint: `use at most ${formatDuration(MAX_DURATION_MS)}` });
      } else if (!Number.isInteger(duration.amount)) {
        const corrected = correctedDuration(duration.amount, duration.unit);
        report({
          range: duration.range,
          message: `a duration must be a whole number of its unit: "${duration.raw}"`,
          hint: corrected ? `write "${corrected}"` : 'use a smaller unit, down to whole milliseconds (ms)',
        });
      }
    }
  },
};
