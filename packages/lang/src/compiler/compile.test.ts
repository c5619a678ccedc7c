import { indexGraph, PipelineIr } from '@ovs/ir';
import { describe, expect, it } from 'vitest';
import { parse } from '../language/parser.js';
import { Source } from '../language/source.js';
import { validate } from '../validation/validate.js';
import { compile } from './compile.js';

/** Compiles a text that must check without errors, and checks the result against the IR schema. */
function compileText(text: string, file = 'test.ovs'): PipelineIr {
  const source = new Source(text, file);
  const { document, diagnostics } = parse(source);
  const errors = [...diagnostics, ...validate(document)].filter((d) => d.severity === 'error');
  expect(errors).toEqual([]);
  const ir = compile(document, { file, source });
  expect(() => PipelineIr.parse(ir)).not.toThrow();
  return ir;
}

const withoutLoc = <T extends { loc?: unknown }>({ loc: _loc, ...rest }: T) => rest;

const ONE_LINER = 'watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s';

const FULL_EXAMPLE = `# a comment runs to the end of the line
stream lobby = "cc3e3f79-c5c4-4d1c-985e-028b42030569"   # an existing stream id (or "ovs://streams/<id>")
stream door  = rtsp "rtsp://127.0.0.1:8554/door"         # a source the backend pulls
stream feed  = hls "https://example.com/live.m3u8"
stream clip  = file "media/lobby.mp4"                    # local backends only

model gemma = "google/gemma-4-E4B-it"
model qwen  = "Qwen/Qwen3.5-9B" (max_tokens 300, temperature 0)

sink alerts = webhook "http://127.0.0.1:9000/hook"
sink log    = file "events.jsonl"
# stdout is always there as a sink named stdout

limit concurrency 16          # calls in flight across the pipeline
limit qwen concurrency 2      # calls in flight to one model

watch stream lobby every 2s with gemma
  ask "Is anyone lying on the floor?"
  on "fall" 2 of 3 cooldown 60s
    escalate to qwen over last 30s at 2 fps ask "Did someone fall? Describe what happened."
    then notify alerts
  on "fire" or "smoke" above 0.8 notify alerts

watch streams lobby, door every 5s with gemma over last 5s
  ask "Is the same person visible on both cameras?"
  on "same person" notify log
`;

describe('compile', () => {
  it('compiles the one-liner', () => {
    const ir = compileText(ONE_LINER, 'fall.ovs');
    expect({ ...ir, nodes: ir.nodes.map(withoutLoc) }).toEqual({
      version: 1,
      source: { file: 'fall.ovs' },
      nodes: [
        { id: 'stream:A', type: 'stream', name: 'A', binding: { kind: 'param' } },
        { id: 'model:gemma', type: 'model', name: 'gemma', model: 'google/gemma-4-E4B-it', params: {}, declared: false },
        { id: 'model:qwen', type: 'model', name: 'qwen', model: 'Qwen/Qwen3.5-9B', params: {}, declared: false },
        {
          id: 'watch:1',
          type: 'watch',
          periodMs: 2000,
          view: { kind: 'frame' },
          prompt: 'Is any of the following happening in this image: "fall"? Answer for each label.',
          promptDerived: true,
          vote: { mode: 'all' },
          labels: ['fall'],
        },
        { id: 'trigger:1.1', type: 'trigger', labels: ['fall'], k: 1, n: 1, above: null, cooldownMs: 0 },
        {
          id: 'escalation:1.1.1',
          type: 'escalation',
          view: { kind: 'window', beforeMs: 30_000, afterMs: 0, maxFps: 1 },
          prompt: 'Did any of the following really happen in these frames: "fall"? Look closely before you confirm, and answer for each label.',
          promptDerived: true,
        },
      ],
      edges: [
        { from: 'stream:A', to: 'watch:1', kind: 'input' },
        { from: 'model:gemma', to: 'watch:1', kind: 'model' },
        { from: 'watch:1', to: 'trigger:1.1', kind: 'trigger' },
        { from: 'trigger:1.1', to: 'escalation:1.1.1', kind: 'then' },
        { from: 'model:qwen', to: 'escalation:1.1.1', kind: 'model' },
      ],
      limits: { modelConcurrency: {}, budgets: [] },
    });
  });

  it('records where every node came from', () => {
    const ir = compileText(ONE_LINER);
    const loc = Object.fromEntries(ir.nodes.map((n) => [n.id, n.loc]));
    expect(loc['stream:A']).toEqual({ line: 1, column: 14, endLine: 1, endColumn: 15 });
    expect(loc['model:gemma']).toEqual({ line: 1, column: 30, endLine: 1, endColumn: 35 });
    expect(loc['watch:1']).toEqual({ line: 1, column: 1, endLine: 1, endColumn: ONE_LINER.length + 1 });
    expect(loc['escalation:1.1.1']).toEqual({ line: 1, column: 47, endLine: 1, endColumn: ONE_LINER.length + 1 });
    expect(ir.nodes.every((n) => n.loc !== undefined)).toBe(true);
  });

  it('compiles the design note example', () => {
    const ir = compileText(FULL_EXAMPLE);
    expect(ir.nodes.map((n) => n.id)).toEqual([
      'stream:lobby',
      'stream:door',
      'stream:feed',
      'stream:clip',
      'model:gemma',
      'model:qwen',
      'sink:alerts',
      'sink:log',
      'watch:1',
      'trigger:1.1',
      'escalation:1.1.1',
      'notify:1.1.2',
      'trigger:1.2',
      'notify:1.2.1',
      'watch:2',
      'trigger:2.1',
      'notify:2.1.1',
    ]);
    const byId = new Map(ir.nodes.map((n) => [n.id, withoutLoc(n)]));
    expect(byId.get('stream:lobby')).toMatchObject({ binding: { kind: 'id', streamId: 'cc3e3f79-c5c4-4d1c-985e-028b42030569' } });
    expect(byId.get('stream:door')).toMatchObject({ binding: { kind: 'source', source: { type: 'rtsp', url: 'rtsp://127.0.0.1:8554/door' } } });
    expect(byId.get('stream:clip')).toMatchObject({ binding: { kind: 'source', source: { type: 'file', url: 'media/lobby.mp4' } } });
    expect(byId.get('model:qwen')).toEqual({
      id: 'model:qwen',
      type: 'model',
      name: 'qwen',
      model: 'Qwen/Qwen3.5-9B',
      params: { max_tokens: 300, temperature: 0 },
      declared: true,
    });
    expect(byId.get('sink:alerts')).toEqual({ id: 'sink:alerts', type: 'sink', name: 'alerts', sink: 'webhook', target: 'http://127.0.0.1:9000/hook', params: {} });
    expect(byId.get('watch:1')).toEqual({
      id: 'watch:1',
      type: 'watch',
      periodMs: 2000,
      view: { kind: 'frame' },
      prompt: 'Is anyone lying on the floor?',
      promptDerived: false,
      vote: { mode: 'all' },
      labels: ['fall', 'fire', 'smoke'],
    });
    expect(byId.get('trigger:1.1')).toEqual({ id: 'trigger:1.1', type: 'trigger', labels: ['fall'], k: 2, n: 3, above: null, cooldownMs: 60_000 });
    expect(byId.get('escalation:1.1.1')).toEqual({
      id: 'escalation:1.1.1',
      type: 'escalation',
      view: { kind: 'window', beforeMs: 30_000, afterMs: 0, maxFps: 2 },
      prompt: 'Did someone fall? Describe what happened.',
      promptDerived: false,
    });
    expect(byId.get('trigger:1.2')).toMatchObject({ labels: ['fire', 'smoke'], above: 0.8 });
    expect(byId.get('watch:2')).toMatchObject({ periodMs: 5000, view: { kind: 'window', beforeMs: 5000, afterMs: 0, maxFps: 1 }, labels: ['same person'] });
    expect(ir.edges).toEqual([
      { from: 'stream:lobby', to: 'watch:1', kind: 'input' },
      { from: 'model:gemma', to: 'watch:1', kind: 'model' },
      { from: 'watch:1', to: 'trigger:1.1', kind: 'trigger' },
      { from: 'trigger:1.1', to: 'escalation:1.1.1', kind: 'then' },
      { from: 'model:qwen', to: 'escalation:1.1.1', kind: 'model' },
      { from: 'escalation:1.1.1', to: 'notify:1.1.2', kind: 'then' },
      { from: 'notify:1.1.2', to: 'sink:alerts', kind: 'deliver' },
      { from: 'watch:1', to: 'trigger:1.2', kind: 'trigger' },
      { from: 'trigger:1.2', to: 'notify:1.2.1', kind: 'then' },
      { from: 'notify:1.2.1', to: 'sink:alerts', kind: 'deliver' },
      { from: 'stream:lobby', to: 'watch:2', kind: 'input' },
      { from: 'stream:door', to: 'watch:2', kind: 'input' },
      { from: 'model:gemma', to: 'watch:2', kind: 'model' },
      { from: 'watch:2', to: 'trigger:2.1', kind: 'trigger' },
      { from: 'trigger:2.1', to: 'notify:2.1.1', kind: 'then' },
      { from: 'notify:2.1.1', to: 'sink:log', kind: 'deliver' },
    ]);
    expect(ir.limits).toEqual({ concurrency: 16, modelConcurrency: { 'model:qwen': 2 }, budgets: [] });

    const graph = indexGraph(ir);
    expect(graph.parameters).toEqual([]);
    expect(graph.chain('trigger:1.1').map((a) => a.id)).toEqual(['escalation:1.1.1', 'notify:1.1.2']);
    expect(graph.sinkOf('notify:2.1.1').name).toBe('log');
  });

  it('binds ovs://streams/<id> to the bare id', () => {
    const ir = compileText('stream s = "ovs://streams/abc-123"\nwatch stream s every 1s with gemma on "x" notify stdout');
    expect(ir.nodes[0]).toMatchObject({ id: 'stream:s', binding: { kind: 'id', streamId: 'abc-123' } });
  });

  it('adds stdout only when a rule notifies it', () => {
    expect(compileText('watch stream s every 1s with gemma on "x" notify stdout').nodes.map((n) => n.id)).toContain('sink:stdout');
    const ir = compileText('watch stream s every 1s with gemma on "x" escalate to qwen');
    expect(ir.nodes.some((n) => n.type === 'sink')).toBe(false);
    expect(ir.nodes.find((n) => n.id === 'sink:stdout')).toBeUndefined();
  });

  it('defaults the vote to majority for several models and keeps an explicit one', () => {
    const several = compileText('watch stream s every 1s with gemma, qwen on "x" notify stdout');
    expect(several.nodes.find((n) => n.id === 'watch:1')).toMatchObject({ vote: { mode: 'majority' } });
    expect(several.edges.filter((e) => e.kind === 'model').map((e) => e.from)).toEqual(['model:gemma', 'model:qwen']);
    const atLeast = compileText('watch stream s every 1s with gemma, qwen by 2 on "x" notify stdout');
    expect(atLeast.nodes.find((n) => n.id === 'watch:1')).toMatchObject({ vote: { mode: 'at_least', count: 2 } });
  });

  it('compiles windows around an event, schedules, system prompts and budgets', () => {
    const ir = compileText(
      [
        'limit calls 100 per hour',
        'limit qwen tokens 50000 per day',
        'watch stream s every 10s with gemma between 8:00 and 18:30 system "You watch a shop."',
        '  on "theft" escalate to qwen over 10s before and 5s after at 4 fps then notify stdout',
      ].join('\n'),
    );
    expect(ir.nodes.find((n) => n.id === 'watch:1')).toMatchObject({ schedule: { from: '08:00', to: '18:30' }, system: 'You watch a shop.' });
    expect(ir.nodes.find((n) => n.id === 'escalation:1.1.1')).toMatchObject({ view: { kind: 'window', beforeMs: 10_000, afterMs: 5000, maxFps: 4 } });
    expect(ir.limits.budgets.map(withoutLoc)).toEqual([
      { metric: 'calls', amount: 100, perMs: 3_600_000 },
      { model: 'model:qwen', metric: 'tokens', amount: 50_000, perMs: 86_400_000 },
    ]);
  });

  it('derives prompts for several streams and for watches without rules', () => {
    const ir = compileText('watch streams a, b every 5s with gemma on "same person" notify stdout\nwatch stream c every 5s with gemma over last 3s');
    expect(ir.nodes.find((n) => n.id === 'watch:1')).toMatchObject({
      prompt: 'Is any of the following happening in these images: "same person"? Answer for each label.',
    });
    expect(ir.nodes.find((n) => n.id === 'watch:2')).toMatchObject({ prompt: 'Describe what is happening in these frames.', promptDerived: true, labels: [] });
  });

  it('lists parameters in order of first use, after declared streams', () => {
    const ir = compileText('stream d = "id1"\nwatch streams b, d every 1s with gemma on "x" notify stdout\nwatch streams a, b every 1s with gemma on "x" notify stdout');
    expect(ir.nodes.filter((n) => n.type === 'stream').map((n) => n.id)).toEqual(['stream:d', 'stream:b', 'stream:a']);
    expect(indexGraph(ir).parameters.map((s) => s.name)).toEqual(['b', 'a']);
  });

  it('omits loc without a source and source without a file', () => {
    const { document } = parse(new Source(ONE_LINER));
    const ir = compile(document);
    expect(ir.source).toBeUndefined();
    expect(ir.nodes.every((n) => n.loc === undefined)).toBe(true);
    expect(() => PipelineIr.parse(ir)).not.toThrow();
  });
});
