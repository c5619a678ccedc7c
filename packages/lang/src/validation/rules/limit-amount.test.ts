import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1015 limit-amount', () => {
  it('rejects zero and fractions', () => {
    expect(diagnose('limit concurrency 0', 'OVS1015')).toEqual([
      { at: '1:19-1:20', severity: 'error', code: 'OVS1015', message: 'a concurrency limit must be a whole number above 0, got 0', hint: 'e.g. "limit concurrency 4"' },
    ]);
    expect(diagnose('limit calls 2.5 per hour', 'OVS1015').map((d) => d.hint)).toEqual(['e.g. "limit calls 100 per hour"']);
    expect(diagnose('limit calls 100000000000000000000 per hour', 'OVS1015')).toHaveLength(1);
  });

  it('accepts positive whole numbers', () => {
    expect(diagnose('limit concurrency 16\nlimit tokens 100000 per day', 'OVS1015')).toEqual([]);
  });
});
