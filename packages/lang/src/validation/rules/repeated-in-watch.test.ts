import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1019 repeated-in-watch', () => {
  it('rejects the same stream twice', () => {
    expect(diagnose('watch streams a, b, a every 2s with gemma on "x" notify stdout', 'OVS1019')).toEqual([
      {
        at: '1:21-1:22',
        severity: 'error',
        code: 'OVS1019',
        message: 'stream "a" is named twice in this watch',
        hint: 'remove the repeated name',
        related: ['1:15-1:16 first named here'],
      },
    ]);
  });

  it('rejects the same model twice', () => {
    expect(diagnose('watch stream a every 2s with gemma, gemma on "x" notify stdout', 'OVS1019').map((d) => [d.at, d.message])).toEqual([
      ['1:37-1:42', 'model "gemma" is named twice in this watch'],
    ]);
  });
});
