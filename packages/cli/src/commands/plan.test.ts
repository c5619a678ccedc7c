import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { examplesDir, ovs } from '../cli.test-harness.js';

const example = (name: string) => relative(process.cwd(), join(examplesDir, name));
const oneliner = example('oneliner.ovs');

describe('ovs plan', () => {
  it("prices the one-liner: gemma every 2s; at worst qwen on 31 frames every 2s", async () => {
    const { code, stdout, stderr } = await ovs(['plan', oneliner]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    const idle = lines.indexOf('When no event fires (watch calls only):');
    expect(lines.slice(idle + 1, idle + 5)).toEqual([
      '  MODEL  ID                     CALLS/H  FRAMES/H  TOKENS/H',
      '  gemma  google/gemma-4-E4B-it    1,800     1,800   460,800',
      '  qwen   Qwen/Qwen3.5-9B              0         0         0',
      '  total                           1,800     1,800   460,800',
    ]);
    const worst = lines.findIndex((l) => l.startsWith('Worst case'));
    expect(lines.slice(worst + 2, worst + 5)).toEqual([
      '  gemma  google/gemma-4-E4B-it    1,800     1,800     460,800',
      '  qwen   Qwen/Qwen3.5-9B          1,800    55,800  25,110,000',
      '  total                           3,600    57,600  25,570,800',
    ]);
    expect(stdout).toContain('  qwen   450  Qwen-VL: ceil(1280x720 / 2048)');
    expect(stdout).toContain('    on "fall": at worst every 2s (1,800/h) -> escalate to qwen (31 frames)');
    expect(stdout).toContain('  not bound: A (a run needs --stream A=...; the estimate does not)');
  });

  it('uses --resolution for pixel-priced models and knows bound streams', async () => {
    const { code, stdout } = await ovs(['plan', oneliner, '--resolution', '640x640', '--stream', 'A=file:clip.mp4', '--stream', 'B=x']);
    expect(code).toBe(0);
    expect(stdout).toContain('(streams at 640x640)');
    expect(stdout).toContain('  qwen   Qwen/Qwen3.5-9B          1,800    55,800  11,160,000');
    expect(stdout).not.toContain('not bound');
    expect(stdout).toContain('Note: --stream B: the pipeline has no such stream parameter');
  });

  it('marks where budgets hold the pipeline back', async () => {
    const { stdout } = await ovs(['plan', example('budgeted.ovs')]);
    expect(stdout).toMatch(/ {2}qwen {3}Qwen\/Qwen3\.5-9B +60 +60 +27,000 {2}\[2\]\n/);
    expect(stdout).toContain('[1] held back by "limit tokens 400000 per hour"');
    expect(stdout).toContain('[2] held back by "limit qwen calls 60 per hour"');
    expect(stdout).toContain('runs between 22:00 and 06:00 only (8 h a day)');
  });

  it('shows frames only for builtin models', async () => {
    const { stdout } = await ovs(['plan', example('motion-detect.ovs')]);
    expect(stdout).toContain('  motion  0  builtin: runs locally, no billed tokens');
    expect(stdout).toMatch(/ {2}detect +builtin\/detect +3,600 +10,800 +0\n/);
  });

  it('prints the plan as JSON with --json', async () => {
    const { code, stdout } = await ovs(['plan', '--json', oneliner]);
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan.file).toBe(oneliner);
    expect(plan.unboundParameters).toEqual(['A']);
    expect(plan.resolution).toEqual({ width: 1280, height: 720 });
    expect(plan.worst.total.perHour).toEqual({ calls: 3600, frames: 57_600, tokens: 25_570_800 });
    expect(plan.idle.models[0]).toMatchObject({ model: 'gemma', perHour: { calls: 1800, frames: 1800, tokens: 460_800 } });
  });

  it('refuses a --stream value no run would accept, as a usage error', async () => {
    const { code, stdout, stderr } = await ovs(['plan', oneliner, '--stream', 'A=ftp://x']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--stream A: ');
    expect(stderr).toContain('bind it with --stream A=<stream id | ovs://streams/<id> | file:PATH');
    expect((await ovs(['plan', oneliner, '--stream', 'A=rtsp://127.0.0.1:8554/cam'])).code).toBe(0);
  });
});
