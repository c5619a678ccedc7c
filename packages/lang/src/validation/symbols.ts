/**
 * The names a document declares and uses, collected once and shared by the checker's rules
 * and the compiler.
 */
import { WELL_KNOWN_MODELS } from '@ovs/ir';
import type {
  DocumentNode,
  LimitNode,
  ModelDeclNode,
  NameNode,
  SinkDeclNode,
  StreamDeclNode,
  WatchNode,
} from '../language/ast.js';

/** The sink every pipeline has without declaring it. */
export const STDOUT_SINK = 'stdout';

export interface Symbols {
  /** The first declaration of each stream name, in source order. */
  readonly streams: ReadonlyMap<string, StreamDeclNode>;
  readonly models: ReadonlyMap<string, ModelDeclNode>;
  readonly sinks: ReadonlyMap<string, SinkDeclNode>;
  readonly watches: readonly WatchNode[];
  readonly limits: readonly LimitNode[];
  /**
   * Streams used by watches but never declared, to be bound when the pipeline runs: each name
   * with its first use, in order of first use.
   */
  readonly parameters: ReadonlyMap<string, NameNode>;
  /** Every model name a reference may use: declared ones, then the well-known ones. */
  readonly modelNames: readonly string[];
  /** Every sink name a `notify` may use: declared ones, then stdout. */
  readonly sinkNames: readonly string[];
  isModel(name: string): boolean;
  isSink(name: string): boolean;
}

export function collectSymbols(document: DocumentNode): Symbols {
  const streams = new Map<string, StreamDeclNode>();
  const models = new Map<string, ModelDeclNode>();
  const sinks = new Map<string, SinkDeclNode>();
  const watches: WatchNode[] = [];
  const limits: LimitNode[] = [];
  for (const statement of document.statements) {
    switch (statement.kind) {
      case 'StreamDecl':
        firstWins(streams, statement.name, statement);
        break;
      case 'ModelDecl':
        firstWins(models, statement.name, statement);
        break;
      case 'SinkDecl':
        firstWins(sinks, statement.name, statement);
        break;
      case 'Watch':
        watches.push(statement);
        break;
      case 'Limit':
        limits.push(statement);
        break;
    }
  }
  const parameters = new Map<string, NameNode>();
  for (const watch of watches) {
    for (const stream of watch.streams) if (!streams.has(stream.value)) firstWins(parameters, stream, stream);
  }
  const modelNames = unique([...models.keys(), ...Object.keys(WELL_KNOWN_MODELS)]);
  const sinkNames = unique([...sinks.keys(), STDOUT_SINK]);
  return {
    streams,
    models,
    sinks,
    watches,
    limits,
    parameters,
    modelNames,
    sinkNames,
    isModel: (name) => models.has(name) || Object.hasOwn(WELL_KNOWN_MODELS, name),
    isSink: (name) => name === STDOUT_SINK || sinks.has(name),
  };
}

function firstWins<T>(map: Map<string, T>, name: NameNode, node: T): void {
  if (!map.has(name.value)) map.set(name.value, node);
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}
