import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1005 duration-unknown-unit', () => {
  it('suggests the unit that was meant', () => {
    expect(diagnose('watch stream A every 2sec with gemma on "x" notify stdout', 'OVS1005')).toEqual([
      {
        at: '1:22-1:26',
        severity: 'error',
        code: 'OVS1005',
        message: 'unknown duration unit "sec" in "2sec"',
        hint: 'did you mean "2s"? (units: ms, s, m, h)',
      },
    ]);
  });

  it.each([
    ['5min', '5m'],
    ['1hr', '1h'],
    ['2d', '48h'],
    ['1.5mins', '90s'],
    ['300millis', '300ms'],
  ])('%s -> %s', (written, meant) => {
    expect(diagnose(`watch stream A every 2s with gemma on "x" cooldown ${written} notify stdout`, 'OVS1005')[0]?.hint).toBe(
      `did you mean "${meant}"? (units: ms, s, m, h)`,
    );
  });

  it('lists the units when there is no good guess', () => {
    expect(diagnose('watch stream A every 2xyz with gemma on "x" notify stdout', 'OVS1005')[0]?.hint).toBe('use ms, s, m or h');
  });
});
