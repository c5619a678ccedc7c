import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

const watch = (between: string) => `watch stream A every 2s with gemma between ${between}\n  on "x" notify stdout`;

describe('OVS1016 schedule-time', () => {
  it('accepts a range, also past midnight', () => {
    expect(diagnose(watch('08:00 and 18:00'), 'OVS1016')).toEqual([]);
    expect(diagnose(watch('22:00 and 06:00'), 'OVS1016')).toEqual([]);
  });

  it('rejects times out of range', () => {
    expect(diagnose(watch('25:00 and 07:61'), 'OVS1016')).toEqual([
      { at: '1:44-1:49', severity: 'error', code: 'OVS1016', message: '25:00 is not a time of day', hint: 'use a time from 00:00 to 23:59' },
      { at: '1:54-1:59', severity: 'error', code: 'OVS1016', message: '07:61 is not a time of day', hint: 'use a time from 00:00 to 23:59' },
    ]);
  });

  it('rejects equal from and to', () => {
    expect(diagnose(watch('08:00 and 8:00'), 'OVS1016').map((d) => [d.at, d.message])).toEqual([
      ['1:36-1:58', '"between 08:00 and 8:00" starts and ends at the same time'],
    ]);
  });
});
