/**
 * Every example checks clean (no error, no warning), compiles to a valid IR, is in the canonical
 * layout, and shows what its name promises.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { indexGraph, PipelineIr, planCost, renderGraph } from '@ovs/ir';
import { check, format, Source } from '@ovs/lang';

const dir = new URL('./', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.ovs')).sort();
const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');

function compile(file: string): PipelineIr {
  const result = check(new Source(read(file), `examples/${file}`));
  expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return PipelineIr.parse(result.ir);
}

describe.each(files)('examples/%s', (file) => {
  it('checks clean and compiles to a valid IR', () => {
    compile(file);
  });

  it('is in the canonical layout', () => {
    const text = read(file);
    if (file === 'oneliner.ovs') {
      // The user's own line, kept verbatim: `;` joins its two clauses, which fmt puts on two lines.
      const formatted = format(text).text;
      expect(formatted).toBe('watch stream A every 2s with gemma\n  on "fall" escalate to qwen over last 30s\n');
      expect(format(formatted).text).toBe(formatted);
      return;
    }
    expect(format(text).text).toBe(text);
  });

  it('explains itself in a comment header', () => {
    if (file !== 'oneliner.ovs') expect(read(file)).toMatch(/^# \S.*\n#\n# \S/);
  });

  it('can be priced and drawn', () => {
    const ir = compile(file);
    expect(planCost(ir).idle.total.perHour.calls).toBeGreaterThan(0);
    expect(renderGraph(ir, 'mermaid')).toMatch(/^flowchart LR\n/);
  });
});

describe('the examples show what they promise', () => {
  const graph = (file: string) => indexGraph(compile(file));
  const escalations = (file: string) => compile(file).nodes.filter((n) => n.type === 'escalation');
  const triggers = (file: string) => graph(file).ir.nodes.filter((n) => n.type === 'trigger');

  it("oneliner: the user's line verbatim", () => {
    expect(read('oneliner.ovs')).toBe('watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s\n');
    expect(graph('oneliner.ovs').parameters.map((s) => s.name)).toEqual(['A']);
  });

  it('fall detection escalates, then notifies only on confirmation', () => {
    const g = graph('fall-detection.ovs');
    const [trigger] = triggers('fall-detection.ovs');
    expect(g.chain(trigger!.id).map((a) => a.type)).toEqual(['escalation', 'notify', 'notify']);
  });

  it('the door camera has cooldowns and a webhook', () => {
    expect(triggers('door-camera.ovs').every((t) => t.type === 'trigger' && t.cooldownMs > 0)).toBe(true);
    expect(graph('door-camera.ovs').sinks.map((s) => s.sink)).toEqual(['webhook']);
  });

  it('two models vote by all', () => {
    const [watch] = graph('two-models-vote.ovs').watches;
    expect(watch!.vote).toEqual({ mode: 'all' });
    expect(graph('two-models-vote.ovs').modelsOf(watch!.id).map((m) => m.name)).toEqual(['gemma', 'qwen']);
  });

  it('two streams go to one watch', () => {
    const g = graph('two-streams.ovs');
    expect(g.watchStreams(g.watches[0]!.id).map((s) => s.name)).toEqual(['lobby', 'door']);
  });

  it('the window reaches before and after the event', () => {
    expect(escalations('window-around-event.ovs').map((e) => e.type === 'escalation' && e.view)).toEqual([
      { kind: 'window', beforeMs: 10_000, afterMs: 5000, maxFps: 2 },
    ]);
  });

  it('the budgeted pipeline has token and call budgets that hold its watches back', () => {
    const ir = compile('budgeted.ovs');
    expect(ir.limits.budgets.map((b) => [b.model ?? 'pipeline', b.metric, b.amount, b.perMs])).toEqual([
      ['pipeline', 'tokens', 400_000, 3_600_000],
      ['model:qwen', 'calls', 60, 3_600_000],
    ]);
    expect(planCost(ir).worst.total.cappedBy).toEqual(['limit tokens 400000 per hour', 'limit qwen calls 60 per hour']);
    expect(graph('budgeted.ovs').watches.map((w) => w.schedule)).toEqual([
      { from: '22:00', to: '06:00' },
      { from: '22:00', to: '06:00' },
    ]);
  });

  it('motion-detect: builtin motion escalating to builtin detect, logged', () => {
    const g = graph('motion-detect.ovs');
    expect(g.models.map((m) => m.model)).toEqual(['builtin/motion', 'builtin/detect']);
    const [trigger] = triggers('motion-detect.ovs');
    expect(g.chain(trigger!.id).map((a) => a.type)).toEqual(['escalation', 'notify']);
    expect(g.parameters.map((s) => s.name)).toEqual(['cam']);
  });
});
