import { Lexer } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { lex, lexerTokens } from './lexer.js';

const kinds = (text: string) => lex(text).tokens.map((t) => `${t.tokenType.name}:${t.image}`);

describe('lexer', () => {
  it('passes chevrotain validation and is fully optimized', () => {
    // `lex` skips validation for start-up speed; run it here. Throws on any problem or warning.
    const lexer = new Lexer(lexerTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true });
    expect(lexer.lexerDefinitionErrors).toEqual([]);
    expect(lexer.lexerDefinitionWarning).toEqual([]);
  });

  it('reads keywords, names and punctuation; whitespace and newlines are insignificant', () => {
    expect(kinds('watch  streams\n\tA,B_2 =( )')).toEqual([
      'Kw_watch:watch',
      'Kw_streams:streams',
      'Identifier:A',
      'Comma:,',
      'Identifier:B_2',
      'Equals:=',
      'LParen:(',
      'RParen:)',
    ]);
  });

  it('reads words that start with a keyword as names', () => {
    expect(kinds('online streamer ask_me Watch')).toEqual([
      'Identifier:online',
      'Identifier:streamer',
      'Identifier:ask_me',
      'Identifier:Watch',
    ]);
  });

  it('reads a number with letters right after it as one duration token, whatever the letters', () => {
    expect(kinds('2s 1500ms 5m 1h 2sec 2x 1.5s 2fps -3s')).toEqual([
      'DurationLiteral:2s',
      'DurationLiteral:1500ms',
      'DurationLiteral:5m',
      'DurationLiteral:1h',
      'DurationLiteral:2sec',
      'DurationLiteral:2x',
      'DurationLiteral:1.5s',
      'DurationLiteral:2fps',
      'DurationLiteral:-3s',
    ]);
  });

  it('reads numbers and times of day', () => {
    expect(kinds('0 300 0.8 -1 08:00 8:30 2 s')).toEqual([
      'NumberLiteral:0',
      'NumberLiteral:300',
      'NumberLiteral:0.8',
      'NumberLiteral:-1',
      'TimeOfDay:08:00',
      'TimeOfDay:8:30',
      'NumberLiteral:2',
      'Identifier:s',
    ]);
  });

  it('reads strings with escapes, and an unterminated string up to the end of its line', () => {
    expect(kinds('"a \\"b\\" \\\\ c" "open\nnext')).toEqual([
      'QuotedString:"a \\"b\\" \\\\ c"',
      'UnterminatedString:"open',
      'Identifier:next',
    ]);
  });

  it('keeps comments and semicolons out of the token stream', () => {
    const result = lex('a; # note ; "x"\nb');
    expect(result.tokens.map((t) => t.image)).toEqual(['a', 'b']);
    expect(result.comments.map((t) => t.image)).toEqual(['# note ; "x"']);
    expect(result.semicolons.map((t) => t.startOffset)).toEqual([1]);
  });

  it('groups a run of unexpected characters into one error and goes on', () => {
    const result = lex('a @@@ b \u0000\u0001');
    expect(result.garbage).toEqual([
      { offset: 2, length: 3 },
      { offset: 8, length: 2 },
    ]);
    expect(result.tokens.map((t) => t.image)).toEqual(['a', 'b']);
  });

  it('accepts a byte order mark and CRLF line ends', () => {
    expect(kinds('\uFEFFwatch\r\nstream')).toEqual(['Kw_watch:watch', 'Kw_stream:stream']);
  });
});
