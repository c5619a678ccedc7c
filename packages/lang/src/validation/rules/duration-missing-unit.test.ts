import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1004 duration-missing-unit', () => {
  it('reports a period without a unit and proposes seconds', () => {
    expect(diagnose('watch stream A every 2 with gemma on "x" notify stdout', 'OVS1004')).toEqual([
      { at: '1:22-1:23', severity: 'error', code: 'OVS1004', message: 'the duration "2" has no unit', hint: 'write "2s" (units: ms, s, m, h)' },
    ]);
  });

  it('checks cooldowns and windows', () => {
    const text = 'watch stream A every 2s with gemma over last 30\n  on "x" cooldown 60 escalate to qwen over last 5 then notify stdout';
    expect(diagnose(text, 'OVS1004').map((d) => d.at)).toEqual(['1:46-1:48', '2:19-2:21', '2:49-2:50']);
  });

  it('accepts every unit', () => {
    expect(diagnose('watch stream A every 1500ms with gemma over last 1m on "x" cooldown 1h notify stdout', 'OVS1004')).toEqual([]);
  });
});
