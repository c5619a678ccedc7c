import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ovs, STACK_LINE } from './cli.test-harness.js';
import { VERSION } from './version.js';

const COMMANDS = ['check', 'fmt', 'compile', 'graph', 'plan'];

describe('ovs --version and --help', () => {
  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(await ovs(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('lists every command with a summary, the exit codes and examples', async () => {
    const { code, stdout } = await ovs(['--help']);
    expect(code).toBe(0);
    for (const name of COMMANDS) expect(stdout).toMatch(new RegExp(`^ {2}${name} .*\\S`, 'm'));
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('70 internal error');
  });

  it.each(COMMANDS)('documents "%s": arguments, options, examples, exit status', async (name) => {
    for (const args of [[name, '--help'], ['help', name]]) {
      const { code, stdout } = await ovs(args);
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: ovs ${name} [options]`);
      expect(stdout).toContain('Arguments:');
      expect(stdout).toContain('Examples:');
      expect(stdout).toContain('Exit status:');
    }
  });
});

describe('usage errors', () => {
  it.each([
    [['chek', 'x.ovs'], /^ovs: unknown command 'chek'\n\(Did you mean check\?\)\n\(run "ovs --help" for the list of commands\)\n$/],
    [['check', '--jsn', 'x.ovs'], /^ovs: unknown option '--jsn'\n\(Did you mean --json\?\)\n\(run "ovs check --help" for usage\)\n$/],
    [['compile'], /^ovs: missing required argument 'file'\n\(run "ovs compile --help" for usage\)\n$/],
    [['graph', 'x.ovs', '--format', 'png'], /^ovs: option '-f, --format <format>' argument 'png' is invalid\. Allowed choices are mermaid, dot\.\n/],
    [['plan', 'x.ovs', '--resolution', 'big'], /^ovs: option '--resolution <WxH>' argument 'big' is invalid\. expected WIDTHxHEIGHT in pixels, e\.g\. 1280x720\n/],
    [['plan', 'x.ovs', '--stream', 'A'], /argument 'A' is invalid\. expected NAME=VALUE/],
    [['plan', 'x.ovs', '--stream', 'A=x', '--stream', 'A=y'], /stream "A" is bound twice/],
    [['fmt', '--write', '--check', 'x.ovs'], /^ovs: options '--write' and '--check' cannot be used together\n/],
    [['fmt', '--write', '-'], /^ovs: --write cannot rewrite standard input/],
    [['compile', 'a.ovs', 'b.ovs'], /^ovs: too many arguments for 'compile'\. Expected 1 argument but got 2\.\n/],
  ])('ovs %j is a one-line error with a hint, exit 2', async (args, message) => {
    const { code, stdout, stderr } = await ovs(args);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(STACK_LINE);
    expect(code).toBe(2);
  });

  it('shows the help on stderr when no command is given', async () => {
    const { code, stdout, stderr } = await ovs([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: ovs [options] [command]');
  });
});

describe('internal errors', () => {
  const failingStdin = async (): Promise<Buffer> => {
    throw new Error('stdin exploded\nsecond line');
  };

  it('are one line and exit 70, without a stack', async () => {
    const { code, stderr } = await ovs(['fmt', '-'], { readStdin: failingStdin });
    expect(code).toBe(70);
    expect(stderr).toMatch(/^ovs: internal error: stdin exploded\n/);
    expect(stderr).not.toMatch(STACK_LINE);
  });

  it('show the stack with OVS_DEBUG=1', async () => {
    const { code, stderr } = await ovs(['fmt', '-'], { readStdin: failingStdin, env: { OVS_DEBUG: '1' } });
    expect(code).toBe(70);
    expect(stderr).toMatch(STACK_LINE);
  });
});
