/** What a validation rule gets to look at and how it reports a problem. */
import type { DocumentNode, Range } from '../language/ast.js';
import type { RelatedInformation, Severity } from '../diagnostics/diagnostic.js';
import type { Symbols } from './symbols.js';
import type { Sites } from './walk.js';

/** A problem as a rule reports it; the rule's code is added by the checker. */
export interface Problem {
  readonly range: Range;
  readonly message: string;
  readonly hint?: string;
  readonly related?: readonly RelatedInformation[];
  /** Defaults to `error`. */
  readonly severity?: Severity;
}

export interface ValidationContext {
  readonly document: DocumentNode;
  readonly symbols: Symbols;
  readonly sites: Sites;
  /** How far back the backend keeps frames; no window may reach further. */
  readonly retentionMs: number;
  report(problem: Problem): void;
}

/** One check, with the stable code every diagnostic it reports carries. */
export interface ValidationRule {
  /** `OVS1xxx`; never reused for another meaning. */
  readonly code: string;
  /** A short kebab-case name, e.g. `unknown-model`. */
  readonly name: string;
  /** One sentence for the docs' table of codes. */
  readonly description: string;
  check(context: ValidationContext): void;
}
