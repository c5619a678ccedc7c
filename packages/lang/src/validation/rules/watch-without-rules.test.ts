import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1017 watch-without-rules', () => {
  it('warns about a watch that never acts, pointing at its head', () => {
    expect(diagnose('watch streams a, b every 2s with gemma ask "What is going on?"', 'OVS1017')).toEqual([
      {
        at: '1:1-1:19',
        severity: 'warning',
        code: 'OVS1017',
        message: 'this watch has no "on" rule: it would call the model and never act on the answers',
        hint: 'add a rule, e.g. on "fall" notify stdout',
      },
    ]);
  });

  it('is quiet when the watch has a rule', () => {
    expect(diagnose('watch stream A every 2s with gemma on "x" notify stdout', 'OVS1017')).toEqual([]);
  });
});
