/**
 * `ovs graph`: a compiled pipeline as a graph people can render — Mermaid (`flowchart LR`)
 * or Graphviz dot. Every IR node becomes one graph node labelled with what it means in .ovs
 * terms, every IR edge one labelled arrow. Pure functions over the IR.
 */
import { formatDuration } from './durations.js';
import type { Edge, EdgeKind, IrNode, PipelineIr, View } from './schema.js';

export type GraphFormat = 'mermaid' | 'dot';
export const GRAPH_FORMATS: readonly GraphFormat[] = Object.freeze(['mermaid', 'dot']);

/** What a call sees, in .ovs words: `frame`, `over last 30s at 2 fps`, `over 10s before and 5s after at 1 fps`. */
export function describeView(view: View): string {
  if (view.kind === 'frame') return 'frame';
  const span =
    view.afterMs === 0
      ? `last ${formatDuration(view.beforeMs)}`
      : `${formatDuration(view.beforeMs)} before and ${formatDuration(view.afterMs)} after`;
  return `over ${span} at ${view.maxFps} fps`;
}

/** Prompts can be long; a graph label shows the start. */
const PROMPT_CHARS = 60;
const quoted = (text: string) => `"${text.length > PROMPT_CHARS ? `${text.slice(0, PROMPT_CHARS - 1)}…` : text}"`;

/** The lines of a node's label. */
function labelLines(node: IrNode): string[] {
  switch (node.type) {
    case 'stream': {
      const b = node.binding;
      const bound =
        b.kind === 'param' ? `parameter: --stream ${node.name}=...` : b.kind === 'id' ? `id ${b.streamId}` : `${b.source.type} ${b.source.url}`;
      return [`stream ${node.name}`, bound];
    }
    case 'model': {
      const params = Object.entries(node.params).map(([k, v]) => `${k} ${typeof v === 'string' ? JSON.stringify(v) : v}`);
      return [`model ${node.name}`, node.model, ...(params.length ? [`(${params.join(', ')})`] : [])];
    }
    case 'sink':
      return [`sink ${node.name}`, node.target === undefined ? node.sink : `${node.sink} ${node.target}`];
    case 'watch':
      return [
        `watch every ${formatDuration(node.periodMs)}`,
        node.view.kind === 'frame' ? 'newest frame' : describeView(node.view),
        `${node.promptDerived ? 'asks (derived) ' : 'ask '}${quoted(node.prompt)}`,
        ...(node.system === undefined ? [] : [`system ${quoted(node.system)}`]),
        ...(node.schedule ? [`between ${node.schedule.from} and ${node.schedule.to}`] : []),
      ];
    case 'trigger': {
      const qualifiers = [
        ...(node.k === 1 && node.n === 1 ? [] : [`${node.k} of ${node.n}`]),
        ...(node.above === null ? [] : [`above ${node.above}`]),
        ...(node.cooldownMs > 0 ? [`cooldown ${formatDuration(node.cooldownMs)}`] : []),
      ];
      const on = `on ${node.labels.map((l) => JSON.stringify(l)).join(' or ')}`;
      return qualifiers.length ? [on, qualifiers.join(', ')] : [on];
    }
    case 'escalation':
      return [
        'escalate',
        node.view.kind === 'frame' ? 'the frame the watch saw' : describeView(node.view),
        `${node.promptDerived ? 'asks (derived) ' : 'ask '}${quoted(node.prompt)}`,
      ];
    case 'notify':
      return ['notify'];
  }
}

/** An edge's label: what flows along it. */
function edgeLabel(edge: Edge, nodes: Map<string, IrNode>, votes: Map<string, string>): string {
  const labels: Record<EdgeKind, string> = {
    input: 'frames',
    model: nodes.get(edge.to)?.type === 'escalation' ? 'confirms' : (votes.get(edge.to) ?? 'answers'),
    trigger: 'on',
    then: nodes.get(edge.from)?.type === 'escalation' ? 'if confirmed' : nodes.get(edge.from)?.type === 'trigger' ? 'fires' : 'then',
    deliver: 'delivers',
  };
  return labels[edge.kind];
}

interface Prepared {
  ids: Map<string, string>;
  nodes: Map<string, IrNode>;
  votes: Map<string, string>;
}

/** Stable, always-valid node ids (`n0`, `n1`, ...): IR ids may hold characters neither syntax accepts. */
function prepare(ir: PipelineIr): Prepared {
  const ids = new Map(ir.nodes.map((n, i) => [n.id, `n${i}`]));
  const nodes = new Map(ir.nodes.map((n) => [n.id, n]));
  // A watch with several models says how they vote on each of its model edges.
  const modelCount = new Map<string, number>();
  for (const e of ir.edges) if (e.kind === 'model') modelCount.set(e.to, (modelCount.get(e.to) ?? 0) + 1);
  const votes = new Map<string, string>();
  for (const n of ir.nodes) {
    if (n.type === 'watch' && (modelCount.get(n.id) ?? 0) > 1) {
      votes.set(n.id, `votes ${n.vote.mode === 'at_least' ? `by ${n.vote.count}` : `by ${n.vote.mode}`}`);
    }
  }
  return { ids, nodes, votes };
}

const NODE_STYLES: Record<IrNode['type'], { fill: string; stroke: string }> = {
  stream: { fill: '#e3f2fd', stroke: '#1e88e5' },
  model: { fill: '#f3e5f5', stroke: '#8e24aa' },
  sink: { fill: '#e8f5e9', stroke: '#43a047' },
  watch: { fill: '#fffde7', stroke: '#f9a825' },
  trigger: { fill: '#fff3e0', stroke: '#fb8c00' },
  escalation: { fill: '#fce4ec', stroke: '#d81b60' },
  notify: { fill: '#e0f2f1', stroke: '#00897b' },
};

const MERMAID_SHAPES: Record<IrNode['type'], [string, string]> = {
  stream: ['([', '])'],
  model: ['{{', '}}'],
  sink: ['[(', ')]'],
  watch: ['[', ']'],
  trigger: ['>', ']'],
  escalation: ['[[', ']]'],
  notify: ['(', ')'],
};

/** Mermaid label text inside `"..."`: entity codes for the characters Mermaid would read as syntax. */
function mermaidText(text: string): string {
  return text.replace(/[#"<>&`]/g, (c) => `#${c.charCodeAt(0)};`);
}

export function renderMermaid(ir: PipelineIr): string {
  const { ids, nodes, votes } = prepare(ir);
  const lines = ['flowchart LR'];
  if (ir.source) lines.push(`  %% ${ir.source.file.replace(/[\r\n]/g, ' ')}`);
  for (const node of ir.nodes) {
    const [open, close] = MERMAID_SHAPES[node.type];
    const label = labelLines(node).map(mermaidText).join('<br/>');
    lines.push(`  ${ids.get(node.id)}${open}"${label}"${close}`);
  }
  for (const edge of ir.edges) {
    lines.push(`  ${ids.get(edge.from)} -->|"${mermaidText(edgeLabel(edge, nodes, votes))}"| ${ids.get(edge.to)}`);
  }
  for (const [type, style] of Object.entries(NODE_STYLES)) {
    const members = ir.nodes.filter((n) => n.type === type).map((n) => ids.get(n.id));
    if (members.length === 0) continue;
    lines.push(`  classDef ${type} fill:${style.fill},stroke:${style.stroke}`);
    lines.push(`  class ${members.join(',')} ${type}`);
  }
  return `${lines.join('\n')}\n`;
}

const DOT_SHAPES: Record<IrNode['type'], string> = {
  stream: 'oval',
  model: 'hexagon',
  sink: 'cylinder',
  watch: 'box',
  trigger: 'cds',
  escalation: 'box3d',
  notify: 'rarrow',
};

/** A dot double-quoted string: backslashes and quotes escaped, lines joined with `\n`. */
function dotString(lines: string[]): string {
  return `"${lines.map((l) => l.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')).join('\\n')}"`;
}

export function renderDot(ir: PipelineIr): string {
  const { ids, nodes, votes } = prepare(ir);
  const lines = ['digraph ovs {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11, style=filled];', '  edge [fontname="Helvetica", fontsize=10];'];
  if (ir.source) lines.push(`  label=${dotString([ir.source.file])};`, '  labelloc=t;');
  for (const node of ir.nodes) {
    const style = NODE_STYLES[node.type];
    lines.push(`  ${ids.get(node.id)} [label=${dotString(labelLines(node))}, shape=${DOT_SHAPES[node.type]}, fillcolor="${style.fill}", color="${style.stroke}"];`);
  }
  for (const edge of ir.edges) {
    lines.push(`  ${ids.get(edge.from)} -> ${ids.get(edge.to)} [label=${dotString([edgeLabel(edge, nodes, votes)])}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function renderGraph(ir: PipelineIr, format: GraphFormat = 'mermaid'): string {
  return format === 'dot' ? renderDot(ir) : renderMermaid(ir);
}
