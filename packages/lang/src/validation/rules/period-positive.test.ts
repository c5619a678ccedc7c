import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1007 period-positive', () => {
  it('rejects a zero period', () => {
    expect(diagnose('watch stream A every 0s with gemma on "x" notify stdout', 'OVS1007')).toEqual([
      {
        at: '1:22-1:24',
        severity: 'error',
        code: 'OVS1007',
        message: 'the period "0s" is zero: the watch would call the model without pause',
        hint: 'give a period longer than zero, e.g. "every 2s"',
      },
    ]);
  });

  it('leaves negative periods to OVS1006', () => {
    const found = diagnose('watch stream A every -2s with gemma on "x" notify stdout');
    expect(found.map((d) => d.code)).toEqual(['OVS1006']);
  });

  it('accepts a positive period', () => {
    expect(diagnose('watch stream A every 1ms with gemma on "x" notify stdout', 'OVS1007')).toEqual([]);
  });
});
