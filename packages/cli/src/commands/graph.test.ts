import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { examplesDir, ovs } from '../cli.test-harness.js';

const twoStreams = relative(process.cwd(), join(examplesDir, 'two-streams.ovs'));

describe('ovs graph', () => {
  it('draws Mermaid by default', async () => {
    const { code, stdout } = await ovs(['graph', twoStreams]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^flowchart LR\n/);
    expect(stdout).toContain('stream lobby');
    expect(stdout).toContain('-->|"if confirmed"|');
  });

  it('draws Graphviz with --format dot', async () => {
    const { code, stdout } = await ovs(['graph', '--format', 'dot', twoStreams]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^digraph ovs \{\n/);
    expect(stdout).toMatch(/\n\}\n$/);
    expect(stdout).toContain('shape=cylinder');
  });

  it('fails with exit 1 on a missing file', async () => {
    const { code, stdout, stderr } = await ovs(['graph', 'no/such.ovs']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('no/such.ovs: error OVS9001');
  });
});
