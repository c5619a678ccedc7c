import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1006 duration-amount', () => {
  it('asks for a whole number in a smaller unit', () => {
    expect(diagnose('watch stream A every 1.5s with gemma on "x" notify stdout', 'OVS1006')).toEqual([
      { at: '1:22-1:26', severity: 'error', code: 'OVS1006', message: 'a duration must be a whole number of its unit: "1.5s"', hint: 'write "1500ms"' },
    ]);
  });

  it('has no exact rewrite below a millisecond', () => {
    expect(diagnose('watch stream A every 2s with gemma on "x" cooldown 0.5ms notify stdout', 'OVS1006')[0]?.hint).toBe(
      'use a smaller unit, down to whole milliseconds (ms)',
    );
  });

  it('rejects negative durations', () => {
    expect(diagnose('watch stream A every 2s with gemma on "x" cooldown -5s notify stdout', 'OVS1006')).toEqual([
      { at: '1:52-1:55', severity: 'error', code: 'OVS1006', message: 'a duration cannot be negative: "-5s"', hint: 'write a length of time, e.g. "30s"' },
    ]);
  });

  it('rejects durations longer than a year', () => {
    expect(diagnose('watch stream A every 2s with gemma on "x" cooldown 9000h notify stdout', 'OVS1006')).toEqual([
      { at: '1:52-1:57', severity: 'error', code: 'OVS1006', message: 'the duration "9000h" is too long', hint: 'use at most 8760h' },
    ]);
  });

  it('leaves unit problems to their own rules', () => {
    expect(diagnose('watch stream A every 1.5 with gemma on "x" cooldown 1.5sec notify stdout', 'OVS1006')).toEqual([]);
  });
});
