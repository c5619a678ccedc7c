import type { ValidationRule } from '../context.js';

export const scheduleTime: ValidationRule = {
  code: 'OVS1016',
  name: 'schedule-time',
  description: '`between HH:MM and HH:MM` needs two different times of day from 00:00 to 23:59.',
  check({ symbols, report }) {
    for (const watch of symbols.watches) {
      const schedule = watch.schedule;
      if (!schedule) continue;
      const invalid = [schedule.from, schedule.to].filter((time) => time.hours > 23 || time.minutes > 59);
      for (const time of invalid) {
        report({ range: time.range, message: `${time.raw} is not a time of day`, hint: 'use a time from 00:00 to 23:59' });
      }
      if (invalid.length === 0 && schedule.from.hours === schedule.to.hours && schedule.from.minutes === schedule.to.minutes) {
        report({
          range: schedule.range,
          message: `"between ${schedule.from.raw} and ${schedule.to.raw}" starts and ends at the same time`,
          hint: 'to watch around the clock, remove "between ..."; a window past midnight is written e.g. "between 22:00 and 06:00"',
        });
      }
    }
  },
};
