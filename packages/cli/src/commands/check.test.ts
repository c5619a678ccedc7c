import { chmodSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { examplesDir, ovs, STACK_LINE, tempDir } from '../cli.test-harness.js';

const dir = tempDir();
const write = (name: string, text: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const oneliner = relative(process.cwd(), join(examplesDir, 'oneliner.ovs'));
const clean = write('clean.ovs', 'stream lobby = "cc3e3f79"\nwatch stream lobby every 2s with gemma\n  on "fall" notify stdout\n');
const broken = write('broken.ovs', 'watch stream A every 2 with gema\n  on "fall" notify pager\n');
const warned = write('warned.ovs', 'watch stream A every 2s with gemma by all\n  on "fall" notify stdout\n');

describe('ovs check', () => {
  it('says ok, and which streams are parameters, with the path as typed', async () => {
    const { code, stdout, stderr } = await ovs(['check', oneliner]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(`${oneliner}: ok (parameters: A — bind with --stream A=...)\n`);
  });

  it('renders every error with file:line:col, code, source line, caret and hint; exit 1', async () => {
    const { code, stdout } = await ovs(['check', broken]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${broken}:1:22: error OVS1004: the duration "2" has no unit\n  1 | watch stream A every 2 with gema\n    |                      ^\n  hint: write "2s"`);
    expect(stdout).toContain(`${broken}:1:29: error OVS1001: unknown model "gema"`);
    expect(stdout).toContain('hint: did you mean "gemma"?');
    expect(stdout).toContain(`${broken}:2:20: error OVS1002: unknown sink "pager"`);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(`${broken}: 3 errors, 0 warnings`);
  });

  it('passes with warnings', async () => {
    const { code, stdout } = await ovs(['check', warned]);
    expect(code).toBe(0);
    expect(stdout).toContain('warning OVS1013');
    expect(stdout).toMatch(/warned\.ovs: 0 errors, 1 warning \(parameters: A — bind with --stream A=\.\.\.\)\n$/);
  });

  it('checks several files and sums them up', async () => {
    const { code, stdout } = await ovs(['check', clean, broken, oneliner]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${clean}: ok\n`);
    expect(stdout).toMatch(/\n3 files checked, 1 with errors \(3 errors, 0 warnings\)\n$/);
  });

  it('colours only terminals, and never with NO_COLOR', async () => {
    expect((await ovs(['check', broken], { tty: true })).stdout).toContain('\x1b[');
    expect((await ovs(['check', broken], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\x1b[');
    expect((await ovs(['check', broken])).stdout).not.toContain('\x1b[');
  });

  it('prints JSON with --json: the diagnostics and each file with its parameters', async () => {
    const { code, stdout } = await ovs(['check', '--json', broken, oneliner]);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ valid: false, errors: 3, warnings: 0 });
    expect(json.diagnostics[0]).toEqual({
      file: broken,
      range: { start: { line: 1, column: 22, offset: 21 }, end: { line: 1, column: 23, offset: 22 } },
      code: 'OVS1004',
      severity: 'error',
      message: 'the duration "2" has no unit',
      hint: 'write "2s" (units: ms, s, m, h)',
    });
    expect(json.files).toEqual([
      { file: broken, valid: false, parameters: ['A'] },
      { file: oneliner, valid: true, parameters: ['A'] },
    ]);
  });
});

describe('ovs check on files that are not .ovs text', () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['a missing file', () => join(dir, 'nope.ovs'), /nope\.ovs: error OVS9001: cannot read ".*nope\.ovs": no such file\n {2}hint: check the path/],
    ['a directory', () => dir, /: error OVS9001: cannot read ".*": is a directory, not a \.ovs file\n {2}hint: name the files inside it/],
    ['a binary file', () => write('image.ovs', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])), /image\.ovs:3:1: error OVS9002: not a text file: it contains a NUL byte\n/],
    [
      'a huge file',
      () => {
        const path = write('huge.ovs', '');
        truncateSync(path, 17 * 1024 * 1024);
        return path;
      },
      /huge\.ovs: error OVS9003: file is too large for a \.ovs file \(17\.0 MiB; the limit is 16\.0 MiB\)\n/,
    ],
    ['random bytes', () => write('random.ovs', Buffer.from(Array.from({ length: 4000 }, (_, i) => ((i * 7919) % 255) + 1))), /random\.ovs:\d+:\d+: error OVS0001/],
  ];

  it.each(cases)('reports %s as a diagnostic, exit 1, no crash', async (_, path, message) => {
    const { code, stdout, stderr } = await ovs(['check', path()]);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).toMatch(message);
    expect(stdout).not.toMatch(STACK_LINE);
  });

  it('reports an unreadable file', async () => {
    if (process.getuid?.() === 0) return; // root reads everything
    const path = write('secret.ovs', 'watch stream A every 2s with gemma on "x" notify stdout');
    chmodSync(path, 0o000);
    const { code, stdout } = await ovs(['check', path]);
    expect(code).toBe(1);
    expect(stdout).toContain('permission denied');
  });

  it('keeps going after a bad file and gives JSON for it too', async () => {
    mkdirSync(join(dir, 'sub.ovs'), { recursive: true });
    const { code, stdout } = await ovs(['check', '--json', join(dir, 'sub.ovs'), clean]);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json.diagnostics.map((d: { code: string }) => d.code)).toEqual(['OVS9001']);
    expect(json.files.map((f: { valid: boolean }) => f.valid)).toEqual([false, true]);
  });
});
