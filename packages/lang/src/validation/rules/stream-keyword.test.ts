import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1018 stream-keyword', () => {
  it('warns about "streams" with one stream', () => {
    expect(diagnose('watch streams lobby every 2s with gemma on "x" notify stdout', 'OVS1018')).toEqual([
      { at: '1:1-1:20', severity: 'warning', code: 'OVS1018', message: '"streams" is followed by a single stream', hint: 'write "watch stream lobby"' },
    ]);
  });

  it('warns about "stream" with several', () => {
    expect(diagnose('watch stream lobby, door every 2s with gemma on "x" notify stdout', 'OVS1018')).toEqual([
      { at: '1:1-1:25', severity: 'warning', code: 'OVS1018', message: '"stream" is followed by several streams', hint: 'write "watch streams lobby, door"' },
    ]);
  });

  it('accepts the right keyword', () => {
    expect(diagnose('watch streams a, b every 2s with gemma on "x" notify stdout\nwatch stream a every 2s with gemma on "x" notify stdout', 'OVS1018')).toEqual([]);
  });
});
