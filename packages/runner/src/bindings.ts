/**
 * Which backend stream each pipeline stream is, for this run: declared ids and sources from the
 * IR, parameters (and overrides) from `bindings`. Everything here is checked before anything
 * starts, so a missing or malformed binding is reported without touching the backend.
 */
import path from 'node:path';
import type { GraphIndex, StreamNode } from '@ovs/ir';
import { BINDING_FORMS, parseStreamBinding, type StreamBinding, type StreamSource } from '@ovs/protocol';
import { RunError } from './errors.js';

/** How to obtain one stream: use an existing id, or have the backend pull a source. */
export type StreamPlan =
  | { readonly node: StreamNode; readonly kind: 'id'; readonly streamId: string }
  | { readonly node: StreamNode; readonly kind: 'source'; readonly source: StreamSource };

export { BINDING_FORMS };

/** Reads one `--stream NAME=VALUE` value (the forms are @ovs/protocol's, shared with `ovs plan`). */
export function parseBinding(name: string, value: string): StreamBinding {
  const binding = parseStreamBinding(value);
  if (!binding.ok) throw new RunError('invalid_binding', `stream ${name}: ${binding.error}; bind it with --stream ${name}=${BINDING_FORMS}`);
  return binding.value;
}

export interface PlanOptions {
  bindings: Readonly<Record<string, string>>;
  /** False for the hosted service: it cannot read this machine's files. */
  canReadLocalFiles: boolean;
  /** Resolve local file paths to absolute ones (the embedded server), or pass them as written. */
  absoluteFiles: boolean;
  /** Directory relative paths in bindings are resolved against (default: the working directory). */
  cwd: string;
  /** Directory relative paths in declared `file` streams are resolved against (the .ovs file's). */
  sourceDir: string;
}

/** One plan per stream node, or a RunError naming every missing binding and how to give it. */
export function planStreams(graph: GraphIndex, options: PlanOptions): StreamPlan[] {
  const byName = new Map(graph.streams.map((s) => [s.name, s]));
  const unknown = Object.keys(options.bindings).filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    const names = graph.streams.map((s) => s.name).join(', ') || '(none)';
    throw new RunError(
      'unknown_binding',
      `--stream ${unknown.join(', ')}: the pipeline has no stream of that name (its streams: ${names})`,
    );
  }
  const missing = graph.parameters.filter((s) => options.bindings[s.name] === undefined);
  if (missing.length > 0) {
    const lines = missing.map((s) => `  --stream ${s.name}=${BINDING_FORMS}`);
    throw new RunError(
      'missing_binding',
      `stream ${missing.map((s) => s.name).join(', ')} ${missing.length === 1 ? 'is a parameter' : 'are parameters'} of the pipeline and ${missing.length === 1 ? 'has' : 'have'} no binding; bind ${missing.length === 1 ? 'it' : 'them'} with:\n${lines.join('\n')}`,
    );
  }
  return graph.streams.map((node) => {
    const value = options.bindings[node.name];
    let binding: StreamBinding;
    let base: string;
    if (value !== undefined) {
      binding = parseBinding(node.name, value);
      base = options.cwd;
    } else if (node.binding.kind === 'id') {
      binding = { kind: 'id', streamId: node.binding.streamId };
      base = options.sourceDir;
    } else if (node.binding.kind === 'source') {
      binding = { kind: 'source', source: { ...node.binding.source } };
      base = options.sourceDir;
    } else {
      throw new Error(`unreachable: parameter ${node.name} without binding`);
    }
    if (binding.kind === 'id') return { node, kind: 'id', streamId: binding.streamId };
    const source = binding.source;
    if (source.type === 'file') {
      if (!options.canReadLocalFiles) {
        throw new RunError(
          'file_source_unsupported',
          `stream ${node.name} reads the local file "${source.url}", but the backend (the hosted service) cannot read this machine's files; run against the embedded server (no --backend and no API key) or a local "ovs serve", or publish the file as an rtsp/hls source`,
        );
      }
      if (options.absoluteFiles) return { node, kind: 'source', source: { ...source, url: path.resolve(base, source.url) } };
    }
    return { node, kind: 'source', source };
  });
}
