import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1003 duplicate-declaration', () => {
  it('points at the second declaration and relates the first', () => {
    expect(diagnose('stream lobby = "a"\nstream lobby = "b"', 'OVS1003')).toEqual([
      {
        at: '2:8-2:13',
        severity: 'error',
        code: 'OVS1003',
        message: 'stream "lobby" is declared twice',
        hint: 'rename one of them or remove this declaration',
        related: ['1:8-1:13 stream "lobby" is first declared here'],
      },
    ]);
  });

  it('covers models and sinks, each in its own namespace', () => {
    const text = 'model m = "a/b"\nsink m = file "x"\nstream m = "s"\nmodel m = "c/d"\nsink m = file "y"';
    expect(diagnose(text, 'OVS1003').map((d) => [d.at, d.message])).toEqual([
      ['4:7-4:8', 'model "m" is declared twice'],
      ['5:6-5:7', 'sink "m" is declared twice'],
    ]);
  });

  it('lets a declaration override a well-known model once', () => {
    expect(diagnose('model gemma = "google/gemma-3"', 'OVS1003')).toEqual([]);
    expect(diagnose('model gemma = "a/b"\nmodel gemma = "c/d"', 'OVS1003')).toHaveLength(1);
  });

  it('refuses to redeclare stdout', () => {
    expect(diagnose('sink stdout = file "out.jsonl"', 'OVS1003')).toEqual([
      {
        at: '1:6-1:12',
        severity: 'error',
        code: 'OVS1003',
        message: 'sink "stdout" is built in and cannot be declared',
        hint: 'choose another name; "notify stdout" always works without a declaration',
      },
    ]);
  });
});
