/**
 * Test support for the rule tests: check a text and describe its diagnostics compactly, as
 * `line:col-line:col severity CODE message` plus hint and related locations.
 */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { parse } from '../../language/parser.js';
import { Source } from '../../language/source.js';
import { validate, type ValidateOptions } from '../validate.js';

export interface Found {
  readonly at: string;
  readonly severity: Diagnostic['severity'];
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly related?: string[];
}

/** The checker's diagnostics for a text that must parse cleanly, optionally only those with one code. */
export function diagnose(text: string, code?: string, options?: ValidateOptions): Found[] {
  const source = new Source(text, 'test.ovs');
  const { document, diagnostics } = parse(source);
  if (diagnostics.length > 0) {
    throw new Error(`test input does not parse: ${diagnostics.map((d) => `${span(source, d.range)} ${d.message}`).join('; ')}`);
  }
  return validate(document, options)
    .filter((d) => code === undefined || d.code === code)
    .map((d) => ({
      at: span(source, d.range),
      severity: d.severity,
      code: d.code,
      message: d.message,
      ...(d.hint !== undefined ? { hint: d.hint } : {}),
      ...(d.related ? { related: d.related.map((r) => `${span(source, r.range)} ${r.message}`) } : {}),
    }));
}

function span(source: Source, range: { start: number; end: number }): string {
  const start = source.positionOf(range.start);
  const end = source.positionOf(range.end);
  return `${start.line}:${start.column}-${end.line}:${end.column}`;
}
