/** A problem found in a .ovs file, with where it is and how to fix it. */
import type { Range } from '../language/ast.js';

export type Severity = 'error' | 'warning';

export interface RelatedInformation {
  readonly range: Range;
  readonly message: string;
}

export interface Diagnostic {
  /** Stable code, e.g. `OVS1003`; the codes are listed in docs/language.md. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly range: Range;
  /** How to fix it, e.g. `did you mean "escalate"?`. */
  readonly hint?: string;
  /** Other places that matter, e.g. the first declaration of a duplicate. */
  readonly related?: readonly RelatedInformation[];
}

/** In reading order: by start offset, then end; the sort is stable, so earlier reports win ties. */
export function sortDiagnostics<T extends Diagnostic>(diagnostics: readonly T[]): T[] {
  return [...diagnostics].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
}
