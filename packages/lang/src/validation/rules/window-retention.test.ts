import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1011 window-retention', () => {
  it('accepts windows up to the hosted retention of 600 s', () => {
    expect(diagnose('watch stream A every 2s with gemma on "x" escalate to qwen over last 10m', 'OVS1011')).toEqual([]);
  });

  it('rejects an escalation window reaching further back', () => {
    expect(diagnose('watch stream A every 2s with gemma on "x" escalate to qwen over last 601s', 'OVS1011')).toEqual([
      {
        at: '1:70-1:74',
        severity: 'error',
        code: 'OVS1011',
        message: "this escalation's window reaches 601s back, but the backend keeps only the last 10m of a stream",
        hint: 'shorten it to at most 10m',
      },
    ]);
  });

  it('checks watch windows and the before part of a window around the event', () => {
    expect(diagnose('watch stream A every 2s with gemma over last 1h on "x" notify stdout', 'OVS1011').map((d) => d.message)).toEqual([
      "this watch's window reaches 1h back, but the backend keeps only the last 10m of a stream",
    ]);
    expect(diagnose('watch stream A every 2s with gemma on "x" escalate to qwen over 20m before and 20m after', 'OVS1011').map((d) => d.at)).toEqual([
      '1:65-1:68',
    ]);
  });

  it('uses the retention it is given', () => {
    const text = 'watch stream A every 2s with gemma on "x" escalate to qwen over last 5m';
    expect(diagnose(text, 'OVS1011', { retentionMs: 60_000 }).map((d) => d.hint)).toEqual(['shorten it to at most 1m']);
  });
});
