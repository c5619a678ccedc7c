import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1024 model-id', () => {
  it('rejects an empty id and one with spaces', () => {
    expect(diagnose('model m = ""', 'OVS1024')).toEqual([
      { at: '1:11-1:13', severity: 'error', code: 'OVS1024', message: 'the model id is empty', hint: 'write the id the backend knows, e.g. "google/gemma-4-E4B-it"' },
    ]);
    expect(diagnose('model m = "google gemma"', 'OVS1024').map((d) => d.message)).toEqual(['"google gemma" is not a model id: model ids have no spaces']);
  });

  it('accepts provider/id', () => {
    expect(diagnose('model m = "google/gemma-4-E4B-it"', 'OVS1024')).toEqual([]);
  });
});
