import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1012 empty-window', () => {
  it('rejects a window of zero length', () => {
    expect(diagnose('watch stream A every 2s with gemma over last 0s on "x" notify stdout', 'OVS1012')).toEqual([
      {
        at: '1:36-1:48',
        severity: 'error',
        code: 'OVS1012',
        message: 'this window has zero length and sees no frames',
        hint: 'give it a length, e.g. "over last 5s", or remove it to look at a single frame',
      },
    ]);
  });

  it('accepts a window only after the event', () => {
    expect(diagnose('watch stream A every 2s with gemma on "x" escalate to qwen over 0s before and 5s after', 'OVS1012')).toEqual([]);
  });
});
