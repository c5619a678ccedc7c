/**
 * Diagnostics for people:
 *
 *     lobby.ovs:3:30: error OVS1001: unknown model "gema"
 *       3 | watch stream A every 2s with gema
 *         |                              ^^^^
 *       hint: did you mean "gemma"?
 *     lobby.ovs:1:7: note: ...
 *
 * Never throws for a range inside the file: the quoted line is made printable (tabs expanded,
 * control characters replaced), long lines are cut around the caret, and a range running
 * past its first line is underlined to the end of that line.
 */
import type { Source } from '../language/source.js';
import type { Diagnostic, Severity } from './diagnostic.js';
import { escapeControl } from './quote.js';

export interface RenderOptions {
  /** ANSI colours, for terminals. Off by default. */
  readonly color?: boolean;
}

const TAB_WIDTH = 4;
/** Lines wider than this are cut to a window of `WINDOW_WIDTH` cells around the caret. */
const MAX_LINE_WIDTH = 200;
const WINDOW_WIDTH = 160;
/** How many cells of context a cut line keeps before the caret. */
const WINDOW_LEAD = 40;

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', red: '\x1b[31m', yellow: '\x1b[33m', blue: '\x1b[34m', cyan: '\x1b[36m' } as const;
type Style = keyof typeof ANSI;

export function renderDiagnostic(diagnostic: Diagnostic, source: Source, options: RenderOptions = {}): string {
  const paint = (text: string, ...styles: Style[]) =>
    options.color ? `${styles.map((s) => ANSI[s]).join('')}${text}${ANSI.reset}` : text;
  const severityStyle: Style = diagnostic.severity === 'error' ? 'red' : 'yellow';
  const start = source.positionOf(diagnostic.range.start);
  const end = source.positionOf(Math.max(diagnostic.range.start, diagnostic.range.end));
  const lines = [
    `${paint(location(source, start.offset), 'bold')} ${paint(`${diagnostic.severity} ${diagnostic.code}:`, 'bold', severityStyle)} ${paint(escapeControl(diagnostic.message), 'bold')}`,
  ];
  const excerpt = excerptOf(source.lineText(start.line), start.column, end.line === start.line ? end.column : Infinity);
  const number = String(start.line);
  const gutter = ' '.repeat(number.length);
  lines.push(`  ${paint(`${number} |`, 'blue')} ${excerpt.text}`.trimEnd());
  lines.push(`  ${paint(`${gutter} |`, 'blue')} ${' '.repeat(excerpt.caretStart)}${paint('^'.repeat(excerpt.caretWidth), 'bold', severityStyle)}`);
  if (diagnostic.hint) lines.push(`  ${paint('hint:', 'bold', 'cyan')} ${escapeControl(diagnostic.hint)}`);
  for (const related of diagnostic.related ?? []) {
    lines.push(`${paint(location(source, related.range.start), 'bold')} ${paint('note:', 'bold', 'blue')} ${escapeControl(related.message)}`);
  }
  return lines.join('\n');
}

/** Several diagnostics of one file, one after the other. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], source: Source, options: RenderOptions = {}): string {
  return diagnostics.map((d) => renderDiagnostic(d, source, options)).join('\n');
}

/** A closing line for a run: `2 errors, 1 warning`. */
export function summarize(diagnostics: readonly Diagnostic[]): string {
  const count = (severity: Severity) => diagnostics.filter((d) => d.severity === severity).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}`;
}

function location(source: Source, offset: number): string {
  const { line, column } = source.positionOf(offset);
  return `${source.name}:${line}:${column}:`;
}

interface Excerpt {
  /** The line as printed. */
  readonly text: string;
  /** Cells before the caret, and how many carets. */
  readonly caretStart: number;
  readonly caretWidth: number;
}

/**
 * The printable form of a source line with the caret position for columns
 * `[startColumn, endColumn)` (1-based, in UTF-16 units as `Source` counts them).
 */
function excerptOf(line: string, startColumn: number, endColumn: number): Excerpt {
  // One printable cell string per display column; `cellAt[i]` = cells before code unit i.
  const cells: string[] = [];
  const cellAt: number[] = [];
  for (let i = 0; i < line.length; i++) {
    cellAt.push(cells.length);
    const code = line.charCodeAt(i);
    if (code === 9) {
      do cells.push(' ');
      while (cells.length % TAB_WIDTH !== 0);
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < line.length && isLowSurrogate(line.charCodeAt(i + 1))) {
      cells.push(line.slice(i, i + 2));
      cellAt.push(cells.length - 1);
      i++;
    } else if (code < 32 || (code >= 0x7f && code <= 0x9f) || (code >= 0xd800 && code <= 0xdfff)) {
      cells.push('\ufffd');
    } else {
      cells.push(line[i]!);
    }
  }
  cellAt.push(cells.length);
  const cellOf = (column: number) => cellAt[Math.min(Math.max(column - 1, 0), line.length)]!;
  const caretStart = cellOf(startColumn);
  const caretEnd = Math.max(caretStart + 1, endColumn === Infinity ? cells.length : cellOf(endColumn));
  if (cells.length <= MAX_LINE_WIDTH) {
    return { text: cells.join(''), caretStart, caretWidth: caretEnd - caretStart };
  }
  const from = Math.max(0, Math.min(caretStart - WINDOW_LEAD, cells.length - WINDOW_WIDTH));
  const to = Math.min(cells.length, from + WINDOW_WIDTH);
  const lead = from > 0 ? '…' : '';
  return {
    text: `${lead}${cells.slice(from, to).join('')}${to < cells.length ? '…' : ''}`,
    caretStart: lead.length + caretStart - from,
    caretWidth: Math.max(1, Math.min(caretEnd, to) - caretStart),
  };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
