/**
 * Syntax error messages in plain words: what was expected, after what, and what was found,
 * e.g. `expected a duration like "2s" after "every", found "with"`. The provider also remembers
 * which token types each error expected, so `parse` can suggest the keyword a misspelled word
 * was probably meant to be.
 */
import { EOF } from 'chevrotain';
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { keywordsOf } from './lexer.js';

const MAX_SHOWN = 30;

/** A token as the user wrote it, quoted and shortened. */
export function showToken(token: IToken): string {
  const shortened = token.image.length > MAX_SHOWN ? `${token.image.slice(0, MAX_SHOWN)}...` : token.image;
  // Control characters (a NUL inside a string) would garble a terminal.
  const image = shortened.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  // A string literal already carries its quotes.
  return image.startsWith('"') ? image : `"${image}"`;
}

/** `a, b or c`. */
export function oneOf(words: readonly string[]): string {
  const unique = [...new Set(words)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

/** How to name an expected token type: a keyword group by its keywords, anything else by its label. */
function labelsOf(type: TokenType): string[] {
  const keywords = keywordsOf(type);
  return keywords.length > 0 ? keywords.map((k) => `"${k}"`) : [type.LABEL ?? type.name];
}

export class SyntaxMessages implements IParserErrorMessageProvider {
  /** The token types each error expected, by the token it found. */
  readonly expectedAt = new Map<IToken, readonly TokenType[]>();
  /**
   * The parser reads one statement at a time; its "end of input" is the first token of the next
   * statement, or the real end of the file when this is undefined.
   */
  nextStatement: IToken | undefined;

  buildMismatchTokenMessage(options: { expected: TokenType; actual: IToken; previous: IToken; ruleName: string }): string {
    this.expectedAt.set(options.actual, [options.expected]);
    return this.expected(oneOf(labelsOf(options.expected)), options.previous, options.actual);
  }

  buildNotAllInputParsedMessage(options: { firstRedundant: IToken; ruleName: string }): string {
    // parse() words this one itself: it knows which statement came before.
    return `unexpected ${this.found(options.firstRedundant)}`;
  }

  buildNoViableAltMessage(options: {
    expectedPathsPerAlt: TokenType[][][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const firsts = options.expectedPathsPerAlt.flatMap((paths) => paths.map((path) => path[0])).filter((t) => t !== undefined);
    return this.alternatives(firsts, options.actual, options.previous, options.customUserDescription);
  }

  buildEarlyExitMessage(options: {
    expectedIterationPaths: TokenType[][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const firsts = options.expectedIterationPaths.map((path) => path[0]).filter((t) => t !== undefined);
    return this.alternatives(firsts, options.actual, options.previous, options.customUserDescription);
  }

  private alternatives(
    firsts: TokenType[],
    actual: IToken[],
    previous: IToken,
    description: string | undefined,
  ): string {
    const found = actual[0] ?? { image: '', startOffset: NaN, tokenType: EOF, tokenTypeIdx: EOF.tokenTypeIdx ?? 0 };
    this.expectedAt.set(found, firsts);
    return this.expected(description ?? oneOf(firsts.flatMap(labelsOf)), previous, found);
  }

  private expected(what: string, previous: IToken | undefined, actual: IToken): string {
    const after = previous && previous.tokenType !== EOF && !Number.isNaN(previous.startOffset) ? ` after ${showToken(previous)}` : '';
    return `expected ${what}${after}, found ${this.found(actual)}`;
  }

  found(token: IToken): string {
    if (token.tokenType !== EOF) return showToken(token);
    return this.nextStatement ? showToken(this.nextStatement) : 'the end of the file';
  }
}
