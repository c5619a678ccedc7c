import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

const rule = (kOfN: string) => `watch stream A every 2s with gemma\n  on "fall" ${kOfN} notify stdout`;

describe('OVS1008 k-of-n', () => {
  it('accepts 1 <= K <= N', () => {
    expect(diagnose(rule('2 of 3'), 'OVS1008')).toEqual([]);
    expect(diagnose(rule('3 of 3'), 'OVS1008')).toEqual([]);
  });

  it('rejects K > N and proposes the swap', () => {
    expect(diagnose(rule('5 of 3'), 'OVS1008')).toEqual([
      {
        at: '2:13-2:19',
        severity: 'error',
        code: 'OVS1008',
        message: '"5 of 3" asks for more positive answers than it remembers (K > N)',
        hint: 'did you mean "3 of 5"?',
      },
    ]);
  });

  it('rejects K = 0', () => {
    expect(diagnose(rule('0 of 3'), 'OVS1008')).toEqual([
      {
        at: '2:13-2:14',
        severity: 'error',
        code: 'OVS1008',
        message: 'K in "K of N" must be at least 1, got 0',
        hint: '"1 of 3" fires on one positive answer among the last 3',
      },
    ]);
  });

  it('rejects N = 0, fractions and huge N', () => {
    expect(diagnose(rule('0 of 0'), 'OVS1008').map((d) => [d.at, d.message])).toEqual([['2:18-2:19', 'N in "K of N" must be at least 1, got 0']]);
    expect(diagnose(rule('1.5 of 3'), 'OVS1008').map((d) => d.at)).toEqual(['2:13-2:16']);
    expect(diagnose(rule('2 of 5000'), 'OVS1008').map((d) => d.message)).toEqual(['"of 5000" remembers too many answers (at most 1000)']);
  });
});
