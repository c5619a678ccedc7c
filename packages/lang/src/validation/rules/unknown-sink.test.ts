import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1002 unknown-sink', () => {
  it('accepts declared sinks and the built-in stdout', () => {
    expect(diagnose('sink alerts = webhook "http://127.0.0.1:9000/hook"\nwatch stream A every 2s with gemma\n  on "x" notify alerts then notify stdout', 'OVS1002')).toEqual([]);
  });

  it('suggests the nearest sink', () => {
    expect(diagnose('sink alerts = file "a.jsonl"\nwatch stream A every 2s with gemma\n  on "x" notify alert', 'OVS1002')).toEqual([
      { at: '3:17-3:22', severity: 'error', code: 'OVS1002', message: 'unknown sink "alert"', hint: 'did you mean "alerts"?' },
    ]);
  });

  it('suggests stdout', () => {
    expect(diagnose('watch stream A every 2s with gemma on "x" notify stdot', 'OVS1002')[0]?.hint).toBe('did you mean "stdout"?');
  });

  it('gives the declaration syntax when nothing is close', () => {
    expect(diagnose('watch stream A every 2s with gemma on "x" notify pager', 'OVS1002')[0]?.hint).toBe(
      'declare it: sink pager = webhook "https://..." (or file "events.jsonl", or mqtt "mqtt://host:1883/topic"), or notify stdout',
    );
  });
});
