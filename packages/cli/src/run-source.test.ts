import { describe, expect, it } from 'vitest';
import { PipelineSourceError, runSource } from './run-source.js';

describe('runSource', () => {
  it('rejects source with errors before starting anything, with the diagnostics rendered', async () => {
    const failure = runSource('watch stream A every 2 with gemma; on "fall" notify stdout', { file: 'bad.ovs' });
    await expect(failure).rejects.toBeInstanceOf(PipelineSourceError);
    await expect(failure).rejects.toThrow(/bad\.ovs:1:22: error OVS1004/);
  });

  it('runs valid source: a missing binding is the runner\'s error, naming the flag', async () => {
    await expect(runSource('watch stream A every 2s with gemma; on "fall" notify stdout', { env: {}, stdout: false })).rejects.toThrow(/--stream A=/);
  });
});
