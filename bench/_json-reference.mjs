// The reference for `pnpm bench lang`: the JSON parser of chevrotain's tutorial, building a
// CST, on the same chevrotain the language package uses.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../packages/lang/package.json', import.meta.url));
const { createToken, Lexer, CstParser } = require('chevrotain');

const True = createToken({ name: 'True', pattern: /true/ });
const False = createToken({ name: 'False', pattern: /false/ });
const Null = createToken({ name: 'Null', pattern: /null/ });
const LCurly = createToken({ name: 'LCurly', pattern: /{/ });
const RCurly = createToken({ name: 'RCurly', pattern: /}/ });
const LSquare = createToken({ name: 'LSquare', pattern: /\[/ });
const RSquare = createToken({ name: 'RSquare', pattern: /]/ });
const Comma = createToken({ name: 'Comma', pattern: /,/ });
const Colon = createToken({ name: 'Colon', pattern: /:/ });
const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^\\"]|\\(?:[bfnrtv"\\/]|u[0-9a-fA-F]{4}))*"/ });
const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/ });
const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\n\r]+/, group: Lexer.SKIPPED });

const allTokens = [WhiteSpace, NumberLiteral, StringLiteral, LCurly, RCurly, LSquare, RSquare, Comma, Colon, True, False, Null];
const JsonLexer = new Lexer(allTokens);

class JsonParser extends CstParser {
  constructor() {
    super(allTokens);
    const $ = this;
    $.RULE('json', () => {
      $.OR([{ ALT: () => $.SUBRULE($.object) }, { ALT: () => $.SUBRULE($.array) }]);
    });
    $.RULE('object', () => {
      $.CONSUME(LCurly);
      $.MANY_SEP({ SEP: Comma, DEF: () => $.SUBRULE($.objectItem) });
      $.CONSUME(RCurly);
    });
    $.RULE('objectItem', () => {
      $.CONSUME(StringLiteral);
      $.CONSUME(Colon);
      $.SUBRULE($.value);
    });
    $.RULE('array', () => {
      $.CONSUME(LSquare);
      $.MANY_SEP({ SEP: Comma, DEF: () => $.SUBRULE($.value) });
      $.CONSUME(RSquare);
    });
    $.RULE('value', () => {
      $.OR([
        { ALT: () => $.CONSUME(StringLiteral) },
        { ALT: () => $.CONSUME(NumberLiteral) },
        { ALT: () => $.SUBRULE($.object) },
        { ALT: () => $.SUBRULE($.array) },
        { ALT: () => $.CONSUME(True) },
        { ALT: () => $.CONSUME(False) },
        { ALT: () => $.CONSUME(Null) },
      ]);
    });
    this.performSelfAnalysis();
  }
}

const parser = new JsonParser();

/** Lexes and parses JSON text into a CST; throws if the text is not JSON. */
export function parseJsonCst(text) {
  const lexed = JsonLexer.tokenize(text);
  parser.input = lexed.tokens;
  const cst = parser.json();
  if (lexed.errors.length || parser.errors.length) throw new Error('reference parser rejected its input');
  return cst;
}

/** A JSON document of about `bytes` bytes, shaped like a list of pipeline rules. */
export function generateJson(bytes) {
  const items = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const item = `{"watch":"cam${i % 50}","every":${(i % 9) + 1},"with":["gemma","qwen"],"on":{"label":"event ${i}","k":2,"n":3,"above":0.8,"cooldown":60,"escalate":true}}`;
    items.push(item);
    size += item.length + 2;
  }
  return `[\n${items.join(',\n')}\n]\n`;
}
