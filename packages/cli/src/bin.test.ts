/** The built `ovs` executable, spawned as people run it: exit codes and output on real pipes. */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STACK_LINE } from './cli.test-harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

function ovs(...args: string[]) {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run "pnpm --filter @ovs/cli build" first`);
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 20_000, env: { ...process.env, NO_COLOR: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the ovs executable', () => {
  it('checks a file given relative to the working directory, exit 0', () => {
    expect(ovs('check', 'examples/oneliner.ovs')).toEqual({
      code: 0,
      stdout: 'examples/oneliner.ovs: ok (parameters: A — bind with --stream A=...)\n',
      stderr: '',
    });
  });

  it('exits 1 on problems in the input, with plain text on a pipe', () => {
    const { code, stdout } = ovs('check', 'examples/missing.ovs');
    expect(code).toBe(1);
    expect(stdout).toBe(
      'examples/missing.ovs: error OVS9001: cannot read "examples/missing.ovs": no such file\n' +
        '  hint: check the path (a relative path starts at the current directory)\n' +
        'examples/missing.ovs: 1 error, 0 warnings\n',
    );
  });

  it('exits 2 on a usage error, in one line and a hint', () => {
    const { code, stdout, stderr } = ovs('plan', '--budget', 'examples/oneliner.ovs');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe("ovs: unknown option '--budget'\n(run \"ovs plan --help\" for usage)\n");
    expect(stderr).not.toMatch(STACK_LINE);
  });

  it('prints its version and help, exit 0', () => {
    expect(ovs('--version')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    expect(ovs('graph', '--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: ovs graph [options] <file>') });
  });

  it('formats standard input', () => {
    const result = spawnSync(process.execPath, [bin, 'fmt', '-'], { cwd: root, encoding: 'utf8', input: 'watch stream A every 2s with gemma; on "x" notify stdout', timeout: 20_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('watch stream A every 2s with gemma\n  on "x" notify stdout\n');
  });

  it('stops reading an endless standard input at the size limit and reports OVS9003', () => {
    const zero = openSync('/dev/zero', 'r');
    try {
      for (const command of ['check', 'fmt']) {
        const result = spawnSync(process.execPath, [bin, command, '-'], { cwd: root, encoding: 'utf8', stdio: [zero, 'pipe', 'pipe'], timeout: 20_000 });
        expect(result.status).toBe(1);
        expect(`${result.stdout}${result.stderr}`).toContain('<stdin>: error OVS9003: input is too large for a .ovs file (more than 16.0 MiB)');
      }
    } finally {
      closeSync(zero);
    }
  });
});
