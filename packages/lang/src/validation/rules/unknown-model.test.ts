import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1001 unknown-model', () => {
  it('accepts well-known models without a declaration', () => {
    expect(diagnose('watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s', 'OVS1001')).toEqual([]);
  });

  it('accepts declared models', () => {
    expect(diagnose('model big = "org/big"\nwatch stream A every 2s with big\n  on "x" notify stdout', 'OVS1001')).toEqual([]);
  });

  it('suggests the nearest model name', () => {
    expect(diagnose('watch stream A every 2s with gema\n  on "x" notify stdout', 'OVS1001')).toEqual([
      { at: '1:30-1:34', severity: 'error', code: 'OVS1001', message: 'unknown model "gema"', hint: 'did you mean "gemma"?' },
    ]);
  });

  it('suggests declared names too', () => {
    const found = diagnose('model llava = "l/llava"\nwatch stream A every 2s with gemma\n  on "x" escalate to lava', 'OVS1001');
    expect(found).toEqual([{ at: '3:22-3:26', severity: 'error', code: 'OVS1001', message: 'unknown model "lava"', hint: 'did you mean "llava"?' }]);
  });

  it('says how to declare a model nothing resembles', () => {
    const [found] = diagnose('watch stream A every 2s with florence\n  on "x" notify stdout', 'OVS1001');
    expect(found?.hint).toBe('declare it: model florence = "provider/id" (or use a model that needs no declaration: gemma, qwen)');
  });

  it('checks limits', () => {
    expect(diagnose('limit qwne concurrency 2', 'OVS1001')).toEqual([
      { at: '1:7-1:11', severity: 'error', code: 'OVS1001', message: 'unknown model "qwne"', hint: 'did you mean "qwen"?' },
    ]);
  });
});
