import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1020 duplicate-param', () => {
  it('rejects a parameter set twice', () => {
    expect(diagnose('model qwen = "Qwen/Qwen3.5-9B" (max_tokens 300, temperature 0, max_tokens 200)', 'OVS1020')).toEqual([
      {
        at: '1:64-1:74',
        severity: 'error',
        code: 'OVS1020',
        message: 'parameter "max_tokens" is set twice',
        hint: 'keep one of them',
        related: ['1:33-1:43 first set here'],
      },
    ]);
  });

  it('accepts distinct parameters', () => {
    expect(diagnose('model qwen = "Qwen/Qwen3.5-9B" (max_tokens 300, temperature 0)', 'OVS1020')).toEqual([]);
  });
});
