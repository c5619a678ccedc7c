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
  const checked = withoutRulelessWatchWarningsAfterSyntaxErrors(parsed.document, parsed.diagnostics, validate(parsed.document, options), source);
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...checked]);
  const parameters = [...collectSymbols(parsed.document).parameters.keys()];
  const valid = diagnostics.every((d) => d.severity !== 'error');
  return {
    document: parsed.document,
    diagnostics,
    ...(valid ? { ir: compile(parsed.document, { file: source.name, source }) } : {}),
    parameters,
  };
}

/**
 * A syntax error inside a watch (or right after it, where its rules were skipped) may have
 * cost it its `on` rules: OVS1017 "no on rule" would then be a false alarm on top of the real error.
 */
function withoutRulelessWatchWarningsAfterSyntaxErrors(
  document: DocumentNode,
  syntaxErrors: readonly Diagnostic[],
  diagnostics: Diagnostic[],
  source: Source,
): Diagnostic[] {
  if (syntaxErrors.length === 0) return diagnostics;
  const { statements } = document;
  // A watch reaches up to the next statement: tokens skipped after it are its own.
  const extentOf = (start: number): { start: number; end: number } => {
    const index = statements.findIndex((s) => s.range.start === start);
    return { start, end: statements[index + 1]?.range.start ?? source.body.length + 1 };
  };
  return diagnostics.filter((d) => {
    if (d.code !== 'OVS1017') return true;
    const watch = statements.find((s) => s.range.start <= d.range.start && d.range.start < s.range.end);
    if (!watch) return true;
    const extent = extentOf(watch.range.start);
    return !syntaxErrors.some((e) => e.range.start >= extent.start && e.range.start < extent.end);
  });
}
