/** Diagnostics as JSON, for tools (`ovs check --json`). */
import type { Source } from '../language/source.js';
import type { Range } from '../language/ast.js';
import type { Diagnostic, Severity } from './diagnostic.js';

export interface JsonPosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units. */
  readonly column: number;
  /** 0-based character offset. */
  readonly offset: number;
}

export interface JsonRange {
  readonly start: JsonPosition;
  /** Exclusive. */
  readonly end: JsonPosition;
}

export interface JsonDiagnostic {
  readonly file: string;
  readonly range: JsonRange;
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly hint?: string;
  readonly related?: readonly { readonly file: string; readonly range: JsonRange; readonly message: string }[];
}

export interface DiagnosticsJson {
  /** True when there is no error (warnings allowed). */
  readonly valid: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly diagnostics: readonly JsonDiagnostic[];
}

export interface FileDiagnostics {
  readonly source: Source;
  readonly diagnostics: readonly Diagnostic[];
}

export function diagnosticsToJson(results: readonly FileDiagnostics[]): DiagnosticsJson {
  const diagnostics = results.flatMap(({ source, diagnostics }) => diagnostics.map((d) => toJson(d, source)));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return { valid: errors === 0, errors, warnings: diagnostics.length - errors, diagnostics };
}

function toJson(diagnostic: Diagnostic, source: Source): JsonDiagnostic {
  const file = source.name;
  return {
    file,
    range: rangeToJson(diagnostic.range, source),
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    ...(diagnostic.hint !== undefined && { hint: diagnostic.hint }),
    ...(diagnostic.related?.length
      ? { related: diagnostic.related.map((r) => ({ file, range: rangeToJson(r.range, source), message: r.message })) }
      : {}),
  };
}

function rangeToJson(range: Range, source: Source): JsonRange {
  return { start: positionToJson(range.start, source), end: positionToJson(Math.max(range.start, range.end), source) };
}

function positionToJson(offset: number, source: Source): JsonPosition {
  const { line, column, offset: clamped } = source.positionOf(offset);
  return { line, column, offset: clamped };
}
