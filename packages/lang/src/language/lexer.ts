/**
 * The .ovs lexer (chevrotain). Whitespace and newlines are insignificant; comments and `;` are
 * kept out of the parser's token stream in their own groups (the printer needs the comments,
 * `parse` checks that every `;` sits between two clauses).
 */
import { createToken, Lexer } from 'chevrotain';
import type { IToken, TokenType } from 'chevrotain';

/** Any word, keyword or not: parameter names and values (`(format file)`) may be keywords. */
export const Word = createToken({ name: 'Word', pattern: Lexer.NA, label: 'a name' });
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  label: 'a name',
  categories: [Word],
});

/** Every reserved word, in the order the documentation lists them. */
export const keywordNames = [
  'stream',
  'streams',
  'model',
  'sink',
  'limit',
  'watch',
  'every',
  'with',
  'by',
  'all',
  'any',
  'majority',
  'over',
  'last',
  'before',
  'and',
  'after',
  'at',
  'fps',
  'ask',
  'system',
  'between',
  'on',
  'or',
  'of',
  'above',
  'cooldown',
  'escalate',
  'to',
  'then',
  'notify',
  'concurrency',
  'calls',
  'tokens',
  'per',
  'minute',
  'hour',
  'day',
  'rtsp',
  'hls',
  'file',
  'mjpeg',
  'webhook',
  'mqtt',
] as const;

export type Keyword = (typeof keywordNames)[number];

/**
 * Keyword groups the grammar consumes as one token (`CONSUME(SinkType)` matches `webhook`,
 * `file` or `mqtt`); the keyword itself is read from the token's image.
 */
function category(name: string, label: string, members: readonly Keyword[]): { type: TokenType; members: readonly Keyword[] } {
  return { type: createToken({ name, pattern: Lexer.NA, label }), members };
}

const groups = {
  SourceType: category('SourceType', '"rtsp", "hls", "file" or "mjpeg"', ['rtsp', 'hls', 'file', 'mjpeg']),
  SinkType: category('SinkType', '"webhook", "file" or "mqtt"', ['webhook', 'file', 'mqtt']),
  Period: category('Period', '"minute", "hour" or "day"', ['minute', 'hour', 'day']),
  VoteMode: category('VoteMode', '"all", "any", "majority" or a number', ['all', 'any', 'majority']),
  BudgetMetric: category('BudgetMetric', '"calls" or "tokens"', ['calls', 'tokens']),
};

export const SourceType = groups.SourceType.type;
export const SinkType = groups.SinkType.type;
export const Period = groups.Period.type;
export const VoteMode = groups.VoteMode.type;
export const BudgetMetric = groups.BudgetMetric.type;

function keyword(name: Keyword): TokenType {
  const memberOf = Object.values(groups).filter((g) => g.members.includes(name));
  return createToken({
    name: `Kw_${name}`,
    label: `"${name}"`,
    pattern: name,
    longer_alt: Identifier,
    categories: [Word, ...memberOf.map((g) => g.type)],
  });
}

export const Kw = Object.fromEntries(keywordNames.map((name) => [name, keyword(name)])) as Record<Keyword, TokenType>;

const keywordByType = new Map<TokenType, Keyword>(keywordNames.map((name) => [Kw[name], name]));

/** The keywords a token type stands for: itself for a keyword, its members for a keyword group. */
export function keywordsOf(type: TokenType): readonly Keyword[] {
  const own = keywordByType.get(type);
  if (own) return [own];
  return Object.values(groups).find((g) => g.type === type)?.members ?? [];
}

export const StringLiteral = createToken({ name: 'StringLiteral', pattern: Lexer.NA, label: 'a string' });
export const QuotedString = createToken({
  name: 'QuotedString',
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/,
  categories: [StringLiteral],
  label: 'a string',
});
/** A string whose closing quote is missing: reported, then read to the end of its line. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*\\?/,
  categories: [StringLiteral],
  label: 'a string',
});

export const TimeOfDay = createToken({ name: 'TimeOfDay', pattern: /\d\d?:\d\d/, label: 'a time like "08:00"' });
/** Where a duration belongs a bare number parses too, so the checker can say the unit is missing. */
export const DurationLike = createToken({ name: 'DurationLike', pattern: Lexer.NA, label: 'a duration like "2s"' });
/** A number followed directly by letters: `2s`, `1500ms`, also `2sec` (the checker rejects the unit). */
export const DurationLiteral = createToken({
  name: 'DurationLiteral',
  pattern: /-?\d+(?:\.\d+)?[A-Za-z_][A-Za-z0-9_]*/,
  label: 'a duration like "2s"',
  categories: [DurationLike],
});
/** Also `.5`, as people write it (the value is the same as 0.5). */
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /-?(?:\d+(?:\.\d+)?|\.\d+)/,
  label: 'a number',
  categories: [DurationLike],
});

export const Equals = createToken({ name: 'Equals', pattern: '=', label: '"="' });
export const Comma = createToken({ name: 'Comma', pattern: ',', label: '","' });
export const LParen = createToken({ name: 'LParen', pattern: '(', label: '"("' });
export const RParen = createToken({ name: 'RParen', pattern: ')', label: '")"' });
export const Semicolon = createToken({ name: 'Semicolon', pattern: ';', group: 'semicolons', label: '";"' });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n\r]*/, group: 'comments', label: 'a comment' });
const Whitespace = createToken({
  name: 'Whitespace',
  pattern: /[ \t\r\n\f\v\uFEFF]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/** The token types the lexer produces, in matching order (the first pattern that matches wins). */
export const lexerTokens: TokenType[] = [
  Whitespace,
  Comment,
  Semicolon,
  QuotedString,
  UnterminatedString,
  TimeOfDay,
  DurationLiteral,
  NumberLiteral,
  Equals,
  Comma,
  LParen,
  RParen,
  // Longest first, so `streams` is not read as `stream` followed by `s`.
  ...Object.values(Kw).sort((a, b) => String(b.PATTERN).length - String(a.PATTERN).length),
  Identifier,
];

/** What the parser sees: the lexer's tokens plus the categories that group them. */
export const parserTokens: TokenType[] = [
  ...lexerTokens,
  Word,
  StringLiteral,
  DurationLike,
  ...Object.values(groups).map((g) => g.type),
];

// Validations are skipped to keep start-up fast; lexer.test.ts runs them.
const lexer = new Lexer(lexerTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true, skipValidations: true });

export interface LexResult {
  readonly tokens: IToken[];
  readonly comments: IToken[];
  readonly semicolons: IToken[];
  /** Runs of characters no token starts with: offset and length. */
  readonly garbage: ReadonlyArray<{ readonly offset: number; readonly length: number }>;
}

export function lex(text: string): LexResult {
  const result = lexer.tokenize(text);
  return {
    tokens: result.tokens,
    comments: result.groups['comments'] ?? [],
    semicolons: result.groups['semicolons'] ?? [],
    garbage: result.errors.map((e) => ({ offset: e.offset, length: e.length })),
  };
}

/** The end offset (exclusive) of a token; tokens only record where they start. */
export function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}
