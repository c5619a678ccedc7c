/** `format`: reprints a .ovs text in the canonical layout, unless it has syntax errors. */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { parse } from './parser.js';
import { print } from './printer.js';

export interface FormatResult {
  /** The formatted text, or the input unchanged when it has syntax errors. */
  readonly text: string;
  /** The syntax diagnostics; formatting is refused when any is an error. */
  readonly diagnostics: Diagnostic[];
  readonly changed: boolean;
}

export function format(text: string, name?: string): FormatResult {
  const { document, diagnostics } = parse(text, name);
  if (diagnostics.some((d) => d.severity === 'error')) return { text, diagnostics, changed: false };
  const formatted = print(document, text);
  return { text: formatted, diagnostics, changed: formatted !== text };
}
