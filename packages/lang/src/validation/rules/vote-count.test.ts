import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

const watch = (models: string) => `watch stream A every 2s with ${models}\n  on "x" notify stdout`;

describe('OVS1013 vote-count', () => {
  it('accepts votes among several models', () => {
    for (const vote of ['by all', 'by any', 'by majority', 'by 2']) expect(diagnose(watch(`gemma, qwen ${vote}`), 'OVS1013')).toEqual([]);
  });

  it('rejects by N with more agreeing models than there are', () => {
    expect(diagnose(watch('gemma, qwen by 3'), 'OVS1013')).toEqual([
      {
        at: '1:45-1:46',
        severity: 'error',
        code: 'OVS1013',
        message: '"by 3" needs 3 models to agree, but this watch has 2',
        hint: 'write "by all" or "by 2", or add models',
      },
    ]);
  });

  it('rejects by 0', () => {
    expect(diagnose(watch('gemma, qwen by 0'), 'OVS1013').map((d) => d.message)).toEqual([
      '"by 0": the number of models that must agree is a whole number from 1',
    ]);
  });

  it('warns about a vote over one model', () => {
    expect(diagnose(watch('gemma by all'), 'OVS1013')).toEqual([
      {
        at: '1:36-1:42',
        severity: 'warning',
        code: 'OVS1013',
        message: 'a vote needs several models; this watch has one',
        hint: 'remove "by ...", or add models after "with"',
      },
    ]);
  });
});
