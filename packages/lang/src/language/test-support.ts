/** Helpers for the language tests: compare trees without positions, read fixtures, check ranges. */
import { readdirSync, readFileSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { AstNode } from './ast.js';

/**
 * A plain copy of a tree without ranges, to compare trees parsed from different layouts.
 * Comment texts lose trailing spaces, which the printer drops.
 */
export function withoutRanges(node: AstNode): unknown {
  return JSON.parse(
    JSON.stringify(node, (key, value: unknown) => {
      if (key === 'range') return undefined;
      if (value && typeof value === 'object' && (value as { kind?: string }).kind === 'Comment') {
        return { ...(value as object), text: (value as { text: string }).text.trimEnd() };
      }
      return value;
    }),
  );
}

const fixtureDir = new URL('./fixtures/', import.meta.url);

/** The .ovs files in `fixtures/`, by file name. */
export function fixtures(): Map<string, string> {
  const files = readdirSync(fixtureDir).filter((f) => f.endsWith('.ovs')).sort();
  return new Map(files.map((f) => [f, readFileSync(new URL(f, fixtureDir), 'utf8')]));
}

/** The diagnostics whose range does not lie within a text of this length. */
export function rangesOutside(diagnostics: readonly Diagnostic[], length: number): Diagnostic[] {
  const inside = (r: { start: number; end: number }) =>
    Number.isInteger(r.start) && Number.isInteger(r.end) && 0 <= r.start && r.start <= r.end && r.end <= length;
  return diagnostics.filter((d) => !inside(d.range) || (d.related ?? []).some((r) => !inside(r.range)));
}
