/**
 * `parse`: .ovs text to an AST plus syntax diagnostics, never throwing.
 *
 * The text is lexed once, then read one statement at a time: a statement starts at `stream`,
 * `model`, `sink`, `limit` or `watch` (reserved words, so the boundaries are known before
 * parsing), and each statement goes through the single grammar instance. An error inside one
 * statement therefore never swallows the next. A word that is not a keyword, found where the
 * grammar wanted one, is compared with the keywords it could have been; when it is close to one
 * (`wacth`, `escalte`) it is reported as a misspelling and read as that keyword, so the rest of
 * the statement is still checked.
 */
import { EOF } from 'chevrotain';
import type { IRecognitionException, IToken, TokenType } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { nearest } from '../diagnostics/suggest.js';
import type { CommentNode, DocumentNode, Range, StatementNode } from './ast.js';
import { DURATION_UNITS } from '@ovs/ir';
import { OvsParser } from './grammar.js';
import {
  DurationLiteral,
  Identifier,
  Kw,
  keywordNames,
  keywordsOf,
  lex,
  NumberLiteral,
  QuotedString,
  RParen,
  StringLiteral,
  TimeOfDay,
  tokenEnd,
  UnterminatedString,
} from './lexer.js';
import type { Keyword } from './lexer.js';
import { Source } from './source.js';
import { showToken, SyntaxMessages } from './syntax-messages.js';

export interface ParseResult {
  readonly document: DocumentNode;
  /** Syntax diagnostics (codes OVS0001-OVS0006), in reading order. */
  readonly diagnostics: Diagnostic[];
  /** The parsed source, for rendering diagnostics and printing. */
  readonly source: Source;
}

/** At most this many syntax diagnostics, the last saying how many more there were: garbage input stays readable. */
export const MAX_SYNTAX_ERRORS = 100;

/** How many times one statement is re-read after reading a misspelled word as a keyword. */
const MAX_REPAIR_ROUNDS = 4;

/**
 * How many misspelled words one parse reads as keywords. Each one re-reads the rest of its
 * statement, so an unbounded number could make garbage input quadratic.
 */
const MAX_REPAIRS = 50;

const statementKeywords: readonly Keyword[] = ['stream', 'model', 'sink', 'limit', 'watch'];
const declarationKeywords = new Set<TokenType>([Kw.stream, Kw.model, Kw.sink]);
const watchClauseKeywords: readonly Keyword[] = ['over', 'ask', 'system', 'between'];

const messages = new SyntaxMessages();
const grammar = new OvsParser(messages);

export function parse(input: Source | string, name?: string): ParseResult {
  const source = typeof input === 'string' ? new Source(input, name) : input;
  const text = source.body;
  const diagnostics = new DiagnosticList();
  const lexed = lex(text);
  for (const garbage of lexed.garbage) diagnostics.add(garbageDiagnostic(text, garbage.offset, garbage.length));
  for (const token of lexed.tokens) {
    if (token.tokenType === UnterminatedString) {
      diagnostics.add({
        code: 'OVS0002',
        severity: 'error',
        message: 'unterminated string',
        range: { start: token.startOffset, end: tokenEnd(token) },
        hint: 'add the closing " at the end of the string (write \\" for a quote inside it)',
      });
    }
  }
  const reader = new StatementReader(joinSpacedUnits(text, lexed.tokens, diagnostics), text.length, diagnostics);
  const statements = withoutStackTraces(() => reader.readAll());
  checkSemicolons(reader.tokens, lexed.semicolons, diagnostics);
  const comments: CommentNode[] = lexed.comments.map((c) => ({
    kind: 'Comment',
    range: { start: c.startOffset, end: tokenEnd(c) },
    text: c.image.slice(1),
  }));
  return {
    document: { kind: 'Document', range: { start: 0, end: text.length }, statements, comments },
    diagnostics: diagnostics.sorted(),
    source,
  };
}

/**
 * Runs `f` with stack capture off: chevrotain reports each syntax error as an Error object, and
 * capturing their stacks dominated the time taken by inputs with many errors.
 */
function withoutStackTraces<T>(f: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return f();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

class DiagnosticList {
  private readonly items: Diagnostic[] = [];
  private left = 0;

  add(diagnostic: Diagnostic): void {
    if (this.items.length < MAX_SYNTAX_ERRORS - 1) this.items.push(diagnostic);
    else this.left++;
  }

  /** In reading order; past the cap, the last one says how many more were not shown. */
  sorted(): Diagnostic[] {
    const sorted = this.items.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
    const last = sorted[sorted.length - 1];
    if (this.left === 0 || !last) return sorted;
    const note: Diagnostic = {
      code: 'OVS0003',
      severity: 'error',
      message: `${this.left} more syntax error${this.left === 1 ? '' : 's'} not shown`,
      range: { start: last.range.end, end: last.range.end },
      hint: 'fix the errors above first',
    };
    return [...sorted, note];
  }
}

/** Reads the statements of a token stream one by one (see the module comment). */
class StatementReader {
  /** The tokens, misspelled keywords replaced by retyped copies once read. */
  readonly tokens: IToken[];
  private repairs = 0;

  constructor(
    tokens: readonly IToken[],
    private readonly textLength: number,
    private readonly diagnostics: DiagnosticList,
  ) {
    this.tokens = tokens.slice();
  }

  readAll(): StatementNode[] {
    const statements: StatementNode[] = [];
    let i = 0;
    while (i < this.tokens.length) {
      if (!this.startsStatement(i) && !this.repairStatementKeyword(i)) {
        i = this.skipToStatement(i, undefined);
        continue;
      }
      const { statement, next } = this.readStatement(i);
      if (statement) statements.push(statement);
      i = next;
    }
    return statements;
  }

  private startsStatement(i: number): boolean {
    const type = this.tokens[i]!.tokenType;
    const previous = this.tokens[i - 1]?.tokenType;
    // `stream watch = ...`: a reserved word where a declaration wants its name is that name, wrongly.
    if (previous !== undefined && declarationKeywords.has(previous) && this.startsStatement(i - 1)) return false;
    if (type === Kw.stream) return previous !== Kw.watch;
    return type === Kw.model || type === Kw.sink || type === Kw.limit || type === Kw.watch;
  }

  private statementEnd(from: number): number {
    let i = from + 1;
    while (i < this.tokens.length && !this.startsStatement(i)) i++;
    return i;
  }

  /** Reads the statement at `start`; returns it (if complete) and where the next one starts. */
  private readStatement(start: number): { statement: StatementNode | undefined; next: number } {
    for (let round = 0; ; round++) {
      const end = this.statementEnd(start);
      const following = this.tokens[end];
      messages.nextStatement = following;
      messages.expectedAt.clear();
      grammar.issues = [];
      grammar.input = this.tokens.slice(start, end);
      const statement = grammar.statement();
      const errors = grammar.errors;
      if (round < MAX_REPAIR_ROUNDS && errors.map((e) => this.repairKeyword(e, start)).includes(true)) continue;

      for (const issue of grammar.issues) this.diagnostics.add(issue);
      let resumeAt = end;
      for (const error of errors) {
        if (error.name === 'NotAllInputParsedException') {
          resumeAt = this.tokens.indexOf(error.token, start);
        } else {
          this.diagnostics.add(this.syntaxError(error, following));
        }
      }
      // Tokens left after the statement: reported up to the next statement (which may be a
      // misspelled statement keyword within them).
      const next = resumeAt >= 0 && resumeAt < end ? this.skipToStatement(resumeAt, this.tokens[start]!.tokenType) : end;
      return { statement, next };
    }
  }

  /**
   * Reports the tokens from `i` up to the next statement as one error, and returns the index of
   * that statement. `after` is the keyword of the statement they follow, if any.
   */
  private skipToStatement(i: number, after: TokenType | undefined): number {
    let end = i + 1;
    while (end < this.tokens.length && !this.startsStatement(end) && !this.isMisspelledStatementKeyword(end)) end++;
    const first = this.tokens[i]!;
    const last = this.tokens[end - 1]!;
    // An unterminated string on its own is reported already (OVS0002).
    if (end === i + 1 && first.tokenType === UnterminatedString) return end;
    const found = showToken(first);
    const range = { start: first.startOffset, end: tokenEnd(last) };
    const keyword = keywordsOf(first.tokenType)[0];
    let message = `expected a statement (stream, model, sink, limit or watch), found ${found}`;
    let hint: string | undefined;
    if (keyword === 'on') {
      message = after === Kw.watch ? `unexpected "on"` : `an "on" rule must follow a "watch" statement`;
      if (after !== Kw.watch) hint = 'move it under the watch it belongs to';
    } else if ((keyword === 'notify' || keyword === 'escalate') && after === Kw.watch) {
      message = `unexpected "${keyword}": the actions of a rule are chained with "then"`;
      hint = `write "then ${keyword} ..."`;
    } else if (keyword && watchClauseKeywords.includes(keyword) && after === Kw.watch) {
      message = `the "${keyword}" clause must come before the watch's "on" rules`;
      hint = `move it up, right after the "watch ..." line`;
    } else if (after !== undefined) {
      message = `unexpected ${found}; expected a new statement (stream, model, sink, limit or watch)`;
    }
    this.diagnostics.add({ code: 'OVS0003', severity: 'error', message, range, ...(hint ? { hint } : {}) });
    return end;
  }

  private isMisspelledStatementKeyword(i: number): boolean {
    return this.misspelling(this.tokens[i]!, statementKeywords, 3) !== undefined;
  }

  /** At a statement boundary: reads a misspelled statement keyword (`wacth`) as the keyword. */
  private repairStatementKeyword(i: number): boolean {
    const keyword = this.misspelling(this.tokens[i]!, statementKeywords, 3);
    if (!keyword) return false;
    this.retype(i, keyword);
    return true;
  }

  /**
   * When a syntax error found a word close to a keyword the grammar wanted, reads it as that
   * keyword. The word may also be the one before: an optional name took it (`limit concurency 2`).
   */
  private repairKeyword(error: IRecognitionException, statementStart: number): boolean {
    const complete = error.name === 'NotAllInputParsedException';
    const token = error.token;
    const expected = complete ? this.keywordsThatCouldFollow(token, statementStart) : this.expectedKeywords(error);
    // Any keyword may be meant where one was expected, or after a complete statement; a word
    // where a name or a string was expected is not a misspelled keyword (`on fall`).
    const anyKeyword = expected.length > 0 || complete;
    const keyword = this.misspelling(token, expected, 2) ?? (anyKeyword ? this.misspelling(token, keywordNames, 3) : undefined);
    if (keyword) return this.retypeToken(token, keyword, statementStart);
    const previous = (error as IRecognitionException & { previousToken?: IToken }).previousToken;
    const previousKeyword = previous && this.misspelling(previous, expected, 3);
    return previousKeyword ? this.retypeToken(previous, previousKeyword, statementStart) : false;
  }

  private retypeToken(token: IToken, keyword: Keyword, statementStart: number): boolean {
    const index = this.tokens.indexOf(token, statementStart);
    if (index < 0) return false;
    this.retype(index, keyword);
    return true;
  }

  /**
   * After a complete statement, the keywords that could have continued it at `token`
   * (`with gemma bi all`: "by", "over", "on", ...), so a short misspelling there is still found.
   */
  private keywordsThatCouldFollow(token: IToken, statementStart: number): Keyword[] {
    const index = this.tokens.indexOf(token, statementStart);
    if (index < 0 || this.repairs >= MAX_REPAIRS || token.tokenType !== Identifier) return [];
    const paths = grammar.computeContentAssist('statement', this.tokens.slice(statementStart, index));
    return paths.flatMap((path) => keywordsOf(path.nextTokenType));
  }

  private expectedKeywords(error: IRecognitionException): Keyword[] {
    return (messages.expectedAt.get(error.token) ?? []).flatMap((type) => keywordsOf(type));
  }

  /** The keyword a word is probably a misspelling of, if it is a plain word of `minLength` letters or more. */
  private misspelling(token: IToken, candidates: readonly Keyword[], minLength: number): Keyword | undefined {
    if (this.repairs >= MAX_REPAIRS || token.tokenType !== Identifier || token.image.length < minLength) return undefined;
    return nearest(token.image, candidates) as Keyword | undefined;
  }

  private retype(index: number, keyword: Keyword): void {
    this.repairs++;
    const token = this.tokens[index]!;
    this.diagnostics.add({
      code: 'OVS0004',
      severity: 'error',
      message: `unknown keyword "${token.image}"`,
      range: { start: token.startOffset, end: tokenEnd(token) },
      hint: `did you mean "${keyword}"?`,
    });
    const type = Kw[keyword];
    this.tokens[index] = { ...token, tokenType: type, tokenTypeIdx: type.tokenTypeIdx! };
  }

  private syntaxError(error: IRecognitionException, next: IToken | undefined): Diagnostic {
    const token = error.token;
    let range: Range;
    if (token.tokenType !== EOF && !Number.isNaN(token.startOffset)) {
      range = { start: token.startOffset, end: tokenEnd(token) };
    } else if (next) {
      range = { start: next.startOffset, end: tokenEnd(next) };
    } else {
      // At the end of the file: right after the last token.
      const last = this.tokens[this.tokens.length - 1];
      const at = last ? Math.min(tokenEnd(last), this.textLength) : 0;
      range = { start: at, end: at };
    }
    return { code: 'OVS0003', severity: 'error', message: error.message, range, ...this.syntaxHint(error) };
  }

  private syntaxHint(error: IRecognitionException): { hint?: string } {
    const token = error.token;
    const reserved = keywordsOf(token.tokenType)[0];
    if (reserved && messages.expectedAt.get(token)?.includes(Identifier)) return { hint: `"${reserved}" is a reserved word: pick another name` };
    if (token.tokenType !== Identifier) return {};
    if (messages.expectedAt.get(token)?.includes(StringLiteral)) return { hint: `strings go in double quotes: "${token.image}"` };
    const suggestion = token.image.length >= 2 ? nearest(token.image, this.expectedKeywords(error)) : undefined;
    return suggestion ? { hint: `did you mean "${suggestion}"?` } : {};
  }
}

/**
 * `every 2 s`: a number, a space and a duration unit on the same line are reported once and read
 * as the duration `2s`, instead of a cascade of errors about a model named "s".
 */
function joinSpacedUnits(text: string, tokens: readonly IToken[], diagnostics: DiagnosticList): IToken[] {
  const joined: IToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const number = tokens[i]!;
    const unit = tokens[i + 1];
    const spaced =
      number.tokenType === NumberLiteral &&
      unit?.tokenType === Identifier &&
      Object.hasOwn(DURATION_UNITS, unit.image) &&
      /^[ \t]+$/.test(text.slice(tokenEnd(number), unit.startOffset));
    if (!spaced) {
      joined.push(number);
      continue;
    }
    const written = `${number.image}${unit.image}`;
    diagnostics.add({
      code: 'OVS0003',
      severity: 'error',
      message: `a space between the number and its unit: "${text.slice(number.startOffset, tokenEnd(unit))}"`,
      range: { start: number.startOffset, end: tokenEnd(unit) },
      hint: `write the unit right after the number: ${written}`,
    });
    joined.push({ ...number, image: written, tokenType: DurationLiteral, tokenTypeIdx: DurationLiteral.tokenTypeIdx! });
    i++;
  }
  return joined;
}

/** Characters that look like a space (or nothing) in an editor, named so the message can be read. */
const invisibleCharacters: Readonly<Record<string, string>> = {
  '\u00a0': 'no-break space',
  '\u2007': 'figure space',
  '\u202f': 'narrow no-break space',
  '\u200b': 'zero-width space',
  '\u200c': 'zero-width non-joiner',
  '\u200d': 'zero-width joiner',
  '\u2028': 'line separator',
  '\u2029': 'paragraph separator',
  '\u3000': 'ideographic space',
};

function garbageDiagnostic(text: string, offset: number, length: number): Diagnostic {
  const chars = text.slice(offset, offset + length);
  const shown = JSON.stringify(chars.length > 20 ? `${chars.slice(0, 20)}...` : chars);
  const first = chars[0] ?? '';
  const invisible = invisibleCharacters[first];
  let what = `${length > 1 ? 's' : ''} ${shown}`;
  let hint = 'remove it';
  if (invisible) {
    what = ` U+${first.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} (${invisible})${length > 1 ? ` in ${shown}` : ''}`;
    hint = /[\u2028\u2029]/.test(first) ? 'replace it with a line break' : 'replace it with a plain space';
  } else if (chars.startsWith("'")) hint = 'strings use double quotes: "..."';
  else if (/^[\u2018\u2019\u201c\u201d\u00ab\u00bb\u201e]/.test(chars)) hint = 'use straight quotes "..." (an editor may have curled them)';
  else if (chars.startsWith('//')) hint = 'comments start with "#"';
  else if (chars.startsWith('.') && /\d/.test(text[offset + length] ?? '')) hint = 'write a leading zero: 0.5, not .5';
  else if (/^[^\x20-\x7e\s]/.test(chars)) hint = 'is this a text file? .ovs files are plain text';
  return {
    code: 'OVS0001',
    severity: 'error',
    message: `unexpected character${what}`,
    range: { start: offset, end: offset + length },
    hint,
  };
}

// ---- where ";" may go: between statements and between clauses ----

const clauseStarts = new Set<TokenType>([
  NumberLiteral, // K of N
  ...([...statementKeywords, 'every', 'with', 'by', 'over', 'ask', 'system', 'between', 'on', 'then', 'escalate', 'notify', 'above', 'cooldown'] as const).map((k) => Kw[k]),
]);

const clauseEnds = new Set<TokenType>([
  Identifier,
  QuotedString,
  UnterminatedString,
  NumberLiteral,
  DurationLiteral,
  TimeOfDay,
  RParen,
  ...(['fps', 'all', 'any', 'majority', 'minute', 'hour', 'day', 'before', 'after'] as const).map((k) => Kw[k]),
]);

function checkSemicolons(tokens: readonly IToken[], semicolons: readonly IToken[], diagnostics: DiagnosticList): void {
  let next = 0;
  for (const semicolon of semicolons) {
    while (next < tokens.length && tokens[next]!.startOffset < semicolon.startOffset) next++;
    const before = tokens[next - 1];
    const after = tokens[next];
    if ((before === undefined || clauseEnds.has(before.tokenType)) && (after === undefined || clauseStarts.has(after.tokenType))) continue;
    diagnostics.add({
      code: 'OVS0003',
      severity: 'error',
      message: '";" can only separate statements and clauses',
      range: { start: semicolon.startOffset, end: semicolon.startOffset + 1 },
      hint: 'remove the ";"',
    });
  }
}
