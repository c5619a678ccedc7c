import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1026 watch-window-after', () => {
  it('rejects "after" on a watch window', () => {
    expect(diagnose('watch stream A every 2s with gemma over 10s before and 5s after on "x" notify stdout', 'OVS1026')).toEqual([
      {
        at: '1:56-1:58',
        severity: 'error',
        code: 'OVS1026',
        message: 'a watch looks at the newest frame of its streams: there are no frames 5s after it',
        hint: 'drop the "after" part and write "over last 10s"; "after" belongs to an escalation\'s window',
      },
    ]);
    expect(diagnose('watch stream A every 2s with gemma over 0s before and 5s after on "x" notify stdout', 'OVS1026')).toHaveLength(1);
  });

  it('accepts a watch window without "after" and an escalation window with it', () => {
    expect(diagnose('watch stream A every 2s with gemma over 10s before on "x" notify stdout', 'OVS1026')).toEqual([]);
    expect(diagnose('watch stream A every 2s with gemma on "x" escalate to qwen over 10s before and 5s after', 'OVS1026')).toEqual([]);
  });
});
