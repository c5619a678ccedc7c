import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1021 empty-label', () => {
  it('rejects an empty or blank label', () => {
    expect(diagnose('watch stream a every 2s with gemma on "fire" or "  " notify stdout', 'OVS1021')).toEqual([
      { at: '1:49-1:53', severity: 'error', code: 'OVS1021', message: 'a label cannot be empty', hint: 'name what the model should look for, e.g. on "fall"' },
    ]);
  });
});
