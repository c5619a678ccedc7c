/** The checker: runs every rule over a parsed document and collects what they report. */
import { HOSTED_RETENTION_MS } from '@ovs/ir';
import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { DocumentNode } from '../language/ast.js';
import type { ValidationRule } from './context.js';
import { specifiedRules } from './specified-rules.js';
import { collectSymbols } from './symbols.js';
import { collectSites } from './walk.js';

export interface ValidateOptions {
  /** How far back the backend keeps frames; defaults to the hosted service's 600 s. */
  readonly retentionMs?: number;
  /** The rules to run; defaults to `specifiedRules`. */
  readonly rules?: readonly ValidationRule[];
}

/** Problems in a document that parsed, sorted by where they start. Never throws for a well-formed AST. */
export function validate(document: DocumentNode, options: ValidateOptions = {}): Diagnostic[] {
  const symbols = collectSymbols(document);
  const sites = collectSites(document);
  const retentionMs = options.retentionMs ?? HOSTED_RETENTION_MS;
  const diagnostics: Diagnostic[] = [];
  for (const rule of options.rules ?? specifiedRules) {
    rule.check({
      document,
      symbols,
      sites,
      retentionMs,
      report: ({ severity = 'error', ...problem }) => diagnostics.push({ code: rule.code, severity, ...problem }),
    });
  }
  return sortDiagnostics(diagnostics);
}
