import { lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ovs, tempDir } from '../cli.test-harness.js';

const dir = tempDir();
const MESSY = 'watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s';
const TIDY = 'watch stream A every 2s with gemma\n  on "fall" escalate to qwen over last 30s\n';
const BROKEN = 'watch stream A every 2s with gemma\n  on "fall escalate to qwen\n';
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o640 });
  return path;
};
const read = (path: string) => readFileSync(path, 'utf8');

describe('ovs fmt', () => {
  it('prints the formatted text', async () => {
    expect(await ovs(['fmt', write('print.ovs', MESSY)])).toEqual({ code: 0, stdout: TIDY, stderr: '' });
  });

  it('reads standard input for -', async () => {
    expect(await ovs(['fmt', '-'], { stdin: MESSY })).toEqual({ code: 0, stdout: TIDY, stderr: '' });
  });

  it('--check lists the files that would change and exits 1', async () => {
    const messy = write('check-messy.ovs', MESSY);
    const tidy = write('check-tidy.ovs', TIDY);
    const { code, stdout, stderr } = await ovs(['fmt', '--check', messy, tidy]);
    expect(code).toBe(1);
    expect(stdout).toBe(`${messy}\n`);
    expect(stderr).toBe('1 file is not formatted; run "ovs fmt --write" on it\n');
    expect(read(messy)).toBe(MESSY);
    expect(await ovs(['fmt', '--check', tidy])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('--write rewrites only the files that change, keeping their mode, leaving no temporary file', async () => {
    const messy = write('write-messy.ovs', MESSY);
    const tidy = write('write-tidy.ovs', TIDY);
    const before = statSync(tidy).mtimeMs;
    const { code, stdout } = await ovs(['fmt', '--write', messy, tidy]);
    expect(code).toBe(0);
    expect(stdout).toBe(`formatted ${messy}\n`);
    expect(read(messy)).toBe(TIDY);
    expect(statSync(messy).mode & 0o777).toBe(0o640);
    expect(statSync(tidy).mtimeMs).toBe(before);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves a file with syntax errors untouched, reports it, and goes on; exit 1', async () => {
    const broken = write('broken.ovs', BROKEN);
    const messy = write('after-broken.ovs', MESSY);
    const { code, stdout, stderr } = await ovs(['fmt', '--write', broken, messy]);
    expect(code).toBe(1);
    expect(read(broken)).toBe(BROKEN);
    expect(read(messy)).toBe(TIDY);
    expect(stderr).toContain(`${broken}:2:6: error OVS0002: unterminated string`);
    expect(stderr).toContain(`${broken}: not formatted (fix the syntax errors first)`);
    expect(stdout).toBe(`formatted ${messy}\n`);
  });

  it('reports a missing file and exits 1', async () => {
    const { code, stderr } = await ovs(['fmt', join(dir, 'missing.ovs')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/missing\.ovs: error OVS9001: cannot read .*: no such file/);
  });

  it('--write through a symbolic link rewrites its target and keeps the link', async () => {
    const target = write('target.ovs', MESSY);
    const link = join(dir, 'link.ovs');
    symlinkSync(target, link);
    expect(await ovs(['fmt', '--write', link])).toEqual({ code: 0, stdout: `formatted ${link}\n`, stderr: '' });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(read(target)).toBe(TIDY);
  });
});
