import { PipelineIr } from '@ovs/ir';
import { describe, expect, it } from 'vitest';
import { check } from './check.js';
import { Source } from './language/source.js';

describe('check', () => {
  it('checks and compiles the one-liner and names its parameters', () => {
    const result = check(new Source('watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s', 'fall.ovs'));
    expect(result.diagnostics).toEqual([]);
    expect(result.parameters).toEqual(['A']);
    expect(result.ir?.source).toEqual({ file: 'fall.ovs' });
    expect(() => PipelineIr.parse(result.ir)).not.toThrow();
  });

  it('merges syntax and checker diagnostics in reading order and compiles nothing', () => {
    const text = 'watch stream A every 2 with gema\n  on "x" notify stdout\nstream = "oops"\nlimit concurrency 0';
    const result = check(new Source(text, 'bad.ovs'));
    const starts = result.diagnostics.map((d) => d.range.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(result.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['OVS1004', 'OVS1001', 'OVS1015']));
    expect(result.diagnostics.some((d) => d.code.startsWith('OVS0'))).toBe(true);
    expect(result.ir).toBeUndefined();
    expect(result.parameters).toEqual(['A']);
  });

  it('compiles when there are only warnings', () => {
    const result = check(new Source('watch streams A every 2s with gemma'));
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['OVS1017', 'warning'],
      ['OVS1018', 'warning'],
    ]);
    expect(result.ir).toBeDefined();
  });

  it('passes the retention on to the checker', () => {
    const text = 'watch stream A every 2s with gemma on "x" escalate to qwen over last 5m';
    expect(check(new Source(text)).ir).toBeDefined();
    expect(check(new Source(text), { retentionMs: 60_000 }).diagnostics.map((d) => d.code)).toEqual(['OVS1011']);
  });

  it('does not warn that a watch has no "on" rule when a syntax error may have cost it its rules', () => {
    const codes = (text: string) => check(new Source(text)).diagnostics.map((d) => d.code);
    expect(codes('watch stream A every 2s with gemma\n  on "x" 2 of notify stdout')).toEqual(['OVS0003']);
    expect(codes('watch stream A every 2s with gemma\n  on "x" then then notify stdout')).toEqual(['OVS0003']);
    expect(codes('watch stream A every 2s with gemma\n  on "x" or notify stdout')).toEqual(['OVS0003']);
    expect(codes('watch stream A every 2s with gemma, qwen bi all\n  on "x" notify stdout')).toEqual(['OVS0004']);
    // A watch without rules and without a syntax error in it is still warned about.
    expect(codes('watch stream A every 2s with gemma\nwatch stream B every 2s with gemma\n  on "x" 2 of notify stdout')).toEqual([
      'OVS1017',
      'OVS0003',
    ]);
  });
});
