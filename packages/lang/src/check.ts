/** Parse, check and (when there is no error) compile a .ovs source in one call. */
import type { PipelineIr } from '@ovs/ir';
import { compile } from './compiler/compile.js';
import { sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.js';
import type { DocumentNode } from './language/ast.js';
import { parse } from './language/parser.js';
import type { Source } from './language/source.js';
import { collectSymbols } from './validation/symbols.js';
import { validate } from './validation/validate.js';

export interface CheckOptions {
  /** How far back the backend keeps frames; defaults to the hosted service's 600 s. */
  readonly retentionMs?: number;
}

export interface CheckResult {
  readonly document: DocumentNode;
  /** Syntax and checker diagnostics, in reading order. */
  readonly diagnostics: Diagnostic[];
  /** The compiled pipeline, present only when no diagnostic is an error. */
  readonly ir?: PipelineIr;
  /** Streams the watches use without declaring them, to be bound at run time; in order of first use. */
  readonly parameters: string[];
}

export function check(source: Source, options: CheckOptions = {}): CheckResult {
  const parsed = parse(source);
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...validate(parsed.document, options)]);
  const parameters = [...collectSymbols(parsed.document).parameters.keys()];
  const valid = diagnostics.every((d) => d.severity !== 'error');
  return {
    document: parsed.document,
    diagnostics,
    ...(valid ? { ir: compile(parsed.document, { file: source.name, source }) } : {}),
    parameters,
  };
}
