import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

const rule = (above: string) => `watch stream A every 2s with gemma\n  on "fire" above ${above} notify stdout`;

describe('OVS1009 confidence-range', () => {
  it('accepts 0..1', () => {
    for (const value of ['0', '0.8', '1']) expect(diagnose(rule(value), 'OVS1009')).toEqual([]);
  });

  it('reads a number above 1 as a percentage', () => {
    expect(diagnose(rule('80'), 'OVS1009')).toEqual([
      { at: '2:19-2:21', severity: 'error', code: 'OVS1009', message: 'the confidence threshold 80 is outside 0..1', hint: 'for 80%, write "above 0.8"' },
    ]);
  });

  it('rejects negative thresholds', () => {
    expect(diagnose(rule('-0.5'), 'OVS1009')[0]?.hint).toBe('confidence is between 0 and 1, e.g. "above 0.8"');
  });

  it('does not guess a percentage for a value just above 1', () => {
    expect(diagnose(rule('1.5'), 'OVS1009')[0]?.hint).toBe('confidence is between 0 and 1, e.g. "above 0.8"');
    expect(diagnose(rule('2'), 'OVS1009')[0]?.hint).toBe('for 2%, write "above 0.02"');
    expect(diagnose(rule('150'), 'OVS1009')[0]?.hint).toBe('confidence is between 0 and 1, e.g. "above 0.8"');
  });

  it('reads ".5" as 0.5', () => {
    expect(diagnose(rule('.5'), 'OVS1009')).toEqual([]);
  });
});
