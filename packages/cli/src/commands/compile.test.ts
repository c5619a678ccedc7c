import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PipelineIr } from '@ovs/ir';
import { examplesDir, ovs, tempDir } from '../cli.test-harness.js';

const fall = relative(process.cwd(), join(examplesDir, 'fall-detection.ovs'));

describe('ovs compile', () => {
  it('prints the IR as JSON with two-space indentation', async () => {
    const { code, stdout, stderr } = await ovs(['compile', fall]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const json: unknown = JSON.parse(stdout);
    expect(stdout).toBe(`${JSON.stringify(json, null, 2)}\n`);
    const ir = PipelineIr.parse(json);
    expect(ir.source).toEqual({ file: fall });
    expect(ir.nodes.map((n) => n.type)).toContain('escalation');
  });

  it('prints diagnostics on stderr and nothing on stdout for a file with errors; exit 1', async () => {
    const path = join(tempDir(), 'bad.ovs');
    writeFileSync(path, 'watch stream A every 0s with gemma on "x" notify stdout\n');
    const { code, stdout, stderr } = await ovs(['compile', path]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('error OVS1007');
  });
});
