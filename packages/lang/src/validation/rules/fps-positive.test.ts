import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1010 fps-positive', () => {
  it('rejects a zero frame rate on a watch window', () => {
    expect(diagnose('watch stream A every 2s with gemma over last 5s at 0 fps on "x" notify stdout', 'OVS1010')).toEqual([
      { at: '1:52-1:53', severity: 'error', code: 'OVS1010', message: 'a frame rate of 0 fps sends no frames', hint: 'use a rate above zero, e.g. "at 1 fps" or "at 0.5 fps"' },
    ]);
  });

  it('checks escalation windows and accepts fractions', () => {
    expect(diagnose('watch stream A every 2s with gemma on "x" escalate to qwen over last 5s at -1 fps', 'OVS1010').map((d) => d.at)).toEqual(['1:76-1:78']);
    expect(diagnose('watch stream A every 2s with gemma on "x" escalate to qwen over last 5s at 0.5 fps', 'OVS1010')).toEqual([]);
  });
});
