import { describe, expect, it } from 'vitest';
import { formatDuration } from './durations.js';
import { describeView, renderDot, renderGraph, renderMermaid } from './render-graph.js';
import { PipelineIr } from './schema.js';
import type { Edge } from './schema.js';

const e = (from: string, to: string, kind: Edge['kind']): Edge => ({ from, to, kind });

/** Two voting models on two streams, a trigger with every qualifier, an escalation gate, a sink — and awkward text. */
const pipeline = PipelineIr.parse({
  version: 1,
  source: { file: 'examples/door "main".ovs' },
  nodes: [
    { id: 'stream:lobby', type: 'stream', name: 'lobby', binding: { kind: 'id', streamId: 'cc3e3f79' } },
    { id: 'stream:A', type: 'stream', name: 'A', binding: { kind: 'param' } },
    { id: 'model:gemma', type: 'model', name: 'gemma', model: 'google/gemma-4-E4B-it', params: { image_tokens: 280 }, declared: true },
    { id: 'model:qwen', type: 'model', name: 'qwen', model: 'Qwen/Qwen3.5-9B', params: { max_tokens: 300 }, declared: true },
    { id: 'sink:alerts', type: 'sink', name: 'alerts', sink: 'webhook', target: 'http://127.0.0.1:9000/hook?a=1&b=2', params: {} },
    {
      id: 'watch@3:1', type: 'watch', periodMs: 2000, view: { kind: 'frame' }, prompt: 'Is anyone "lying" on the floor? #1 <now> \\ `x`',
      promptDerived: false, system: 'Be brief.', vote: { mode: 'at_least', count: 2 }, schedule: { from: '22:00', to: '06:00' }, labels: ['fall'],
    },
    { id: 'trigger@5:3', type: 'trigger', labels: ['fall', 'lying "down"'], k: 2, n: 3, above: 0.8, cooldownMs: 60_000 },
    { id: 'esc@6:5', type: 'escalation', view: { kind: 'window', beforeMs: 10_000, afterMs: 5000, maxFps: 2 }, prompt: 'Did someone fall?', promptDerived: false },
    { id: 'notify@7:5', type: 'notify' },
  ],
  edges: [
    e('stream:lobby', 'watch@3:1', 'input'), e('stream:A', 'watch@3:1', 'input'),
    e('model:gemma', 'watch@3:1', 'model'), e('model:qwen', 'watch@3:1', 'model'),
    e('watch@3:1', 'trigger@5:3', 'trigger'), e('trigger@5:3', 'esc@6:5', 'then'), e('model:qwen', 'esc@6:5', 'model'),
    e('esc@6:5', 'notify@7:5', 'then'), e('notify@7:5', 'sink:alerts', 'deliver'),
  ],
  limits: { modelConcurrency: {}, budgets: [] },
});

describe('formatDuration and describeView', () => {
  it('writes durations as .ovs does', () => {
    expect([0, 1500, 2000, 60_000, 90_000, 3_600_000].map(formatDuration)).toEqual(['0s', '1500ms', '2s', '1m', '90s', '1h']);
  });
  it('writes views as .ovs does', () => {
    expect(describeView({ kind: 'frame' })).toBe('frame');
    expect(describeView({ kind: 'window', beforeMs: 30_000, afterMs: 0, maxFps: 1 })).toBe('over last 30s at 1 fps');
    expect(describeView({ kind: 'window', beforeMs: 10_000, afterMs: 5000, maxFps: 2 })).toBe('over 10s before and 5s after at 2 fps');
  });
});

describe('renderMermaid', () => {
  const text = renderMermaid(pipeline);
  const lines = text.trimEnd().split('\n');
  const node = /^ {2}(n\d+)(\(\[|\{\{|\[\(|\[\[|\[|>|\()"([^"]*)"(\]\)|\}\}|\)\]|\]\]|\]|\))$/;
  const edge = /^ {2}(n\d+) -->\|"([^"]*)"\| (n\d+)$/;

  it('is a flowchart with one node per IR node and one labelled edge per IR edge', () => {
    expect(lines[0]).toBe('flowchart LR');
    const nodes = lines.filter((l) => node.test(l));
    const edges = lines.filter((l) => edge.test(l));
    expect(nodes).toHaveLength(pipeline.nodes.length);
    expect(edges).toHaveLength(pipeline.edges.length);
    const ids = new Set(nodes.map((l) => node.exec(l)![1]));
    for (const l of edges) {
      const [, from, , to] = edge.exec(l)!;
      expect(ids.has(from!) && ids.has(to!)).toBe(true);
    }
    // Every other line is a comment or styling.
    for (const l of lines.slice(1)) expect(node.test(l) || edge.test(l) || /^ {2}(%%|classDef |class )/.test(l)).toBe(true);
  });

  it('escapes characters Mermaid reads as syntax', () => {
    expect(text).toContain('ask #34;Is anyone #34;lying#34; on the floor? #35;1 #60;now#62; \\ #96;x#96;#34;');
    expect(text).toContain('webhook http://127.0.0.1:9000/hook?a=1#38;b=2');
  });

  it('labels what each node and edge means', () => {
    expect(text).toMatch(/n1\(\["stream A<br\/>parameter: --stream A=\.\.\."\]\)/);
    expect(text).toContain('watch every 2s<br/>newest frame');
    expect(text).toContain('between 22:00 and 06:00');
    expect(text).toContain('on #34;fall#34; or #34;lying \\#34;down\\#34;#34;<br/>2 of 3, above 0.8, cooldown 1m');
    expect(text).toContain('escalate<br/>over 10s before and 5s after at 2 fps');
    expect(text).toContain('n2 -->|"votes by 2"| n5');
    expect(text).toContain('n3 -->|"confirms"| n7');
    expect(text).toContain('n6 -->|"fires"| n7');
    expect(text).toContain('n7 -->|"if confirmed"| n8');
    expect(text).toContain('n8 -->|"delivers"| n4');
  });
});

/** A small reader for the dot subset the renderer writes: proves quoting and structure are valid. */
function parseDot(text: string) {
  const tokens: string[] = [];
  const re = /\s+|\/\/[^\n]*|"(?:[^"\\]|\\.)*"|->|[{}[\]=;,]|[A-Za-z_][A-Za-z0-9_.]*|-?\d+(?:\.\d+)?/y;
  for (let at = 0; at < text.length; ) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new Error(`bad dot at ${at}: ${text.slice(at, at + 20)}`);
    if (!/^\s|^\/\//.test(m[0])) tokens.push(m[0]);
    at = re.lastIndex;
  }
  let i = 0;
  const take = (want?: string) => {
    const t = tokens[i++];
    if (t === undefined || (want !== undefined && t !== want)) throw new Error(`expected ${want ?? 'a token'}, got ${t}`);
    return t;
  };
  const attrs = () => {
    const out: Record<string, string> = {};
    take('[');
    while (tokens[i] !== ']') {
      const k = take();
      take('=');
      out[k] = take();
      if (tokens[i] === ',') i++;
    }
    take(']');
    return out;
  };
  take('digraph');
  take();
  take('{');
  const nodes = new Map<string, Record<string, string>>();
  const edges: Array<{ from: string; to: string; attrs: Record<string, string> }> = [];
  while (tokens[i] !== '}') {
    const id = take();
    if (tokens[i] === '=') {
      i++;
      take();
    } else if (tokens[i] === '->') {
      i++;
      edges.push({ from: id, to: take(), attrs: attrs() });
    } else {
      const a = attrs();
      if (id !== 'node' && id !== 'edge') nodes.set(id, a);
    }
    take(';');
  }
  take('}');
  expect(i).toBe(tokens.length);
  return { nodes, edges };
}

describe('renderDot', () => {
  const text = renderDot(pipeline);
  it('is a digraph with one node per IR node and one labelled edge per IR edge between declared nodes', () => {
    const { nodes, edges } = parseDot(text);
    expect(nodes.size).toBe(pipeline.nodes.length);
    expect(edges).toHaveLength(pipeline.edges.length);
    for (const edge of edges) {
      expect(nodes.has(edge.from) && nodes.has(edge.to)).toBe(true);
      expect(edge.attrs['label']).toMatch(/^".+"$/);
    }
  });
  it('escapes quotes and backslashes in labels', () => {
    expect(text).toContain('ask \\"Is anyone \\"lying\\" on the floor? #1 <now> \\\\ `x`\\"');
    expect(text).toContain('label="examples/door \\"main\\".ovs"');
    expect(text).toContain('on \\"fall\\" or \\"lying \\\\\\"down\\\\\\"\\"\\n2 of 3, above 0.8, cooldown 1m');
  });
  it('is what renderGraph gives for "dot", and mermaid is the default', () => {
    expect(renderGraph(pipeline, 'dot')).toBe(text);
    expect(renderGraph(pipeline)).toBe(renderMermaid(pipeline));
  });
});
