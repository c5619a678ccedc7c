import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1014 duplicate-limit', () => {
  it('rejects the same limit twice and relates the first', () => {
    expect(diagnose('limit concurrency 4\nlimit concurrency 8', 'OVS1014')).toEqual([
      {
        at: '2:1-2:20',
        severity: 'error',
        code: 'OVS1014',
        message: 'a concurrency limit for the pipeline is already set',
        hint: 'keep one of them',
        related: ['1:1-1:20 first set here'],
      },
    ]);
  });

  it('tells models, metrics and periods apart', () => {
    const text = 'limit concurrency 4\nlimit qwen concurrency 2\nlimit gemma concurrency 2\nlimit calls 100 per hour\nlimit calls 1000 per day\nlimit qwen tokens 5000 per hour';
    expect(diagnose(text, 'OVS1014')).toEqual([]);
  });

  it('names the model and period of a repeated budget', () => {
    expect(diagnose('limit qwen calls 10 per minute\nlimit qwen calls 20 per minute', 'OVS1014').map((d) => d.message)).toEqual([
      'a calls budget per minute for model "qwen" is already set',
    ]);
  });
});
