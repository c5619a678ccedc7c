import { describe, expect, it } from 'vitest';
import { format } from './format.js';
import { parse } from './parser.js';
import { print } from './printer.js';
import { fixtures, withoutRanges } from './test-support.js';

const formatted = (text: string) => {
  const result = format(text);
  expect(result.diagnostics).toEqual([]);
  return result.text;
};

describe('print and format', () => {
  it('round-trips and is idempotent on every fixture', () => {
    for (const [name, text] of fixtures()) {
      const once = formatted(text);
      expect({ name, twice: formatted(once) }).toEqual({ name, twice: once });
      expect({ name, tree: withoutRanges(parse(once).document) }).toEqual({ name, tree: withoutRanges(parse(text).document) });
    }
  });

  it('lays out the one-liner as a watch block', () => {
    expect(formatted('watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s')).toBe(
      'watch stream A every 2s with gemma\n  on "fall" escalate to qwen over last 30s\n',
    );
  });

  it('puts each action of a chain on its own line', () => {
    expect(formatted('watch stream A every 2s with g on "x" 2 of 3 notify a then escalate to q ask "sure?" then notify b')).toBe(
      [
        'watch stream A every 2s with g',
        '  on "x" 2 of 3',
        '    notify a',
        '    then escalate to q ask "sure?"',
        '    then notify b',
        '',
      ].join('\n'),
    );
  });

  it('normalises spacing, drops ";", keeps clause order and numbers as written', () => {
    const text = 'stream  a=rtsp"u";model m="p"( t 0.50 ,k v );limit m   calls 5 per hour;\nwatch streams a ,b every 2000ms with m,n by 2 ask "q" over 5s before and 1s after at 2fps';
    expect(formatted(text)).toBe(
      [
        'stream a = rtsp "u"',
        'model m = "p" (t 0.50, k v)',
        'limit m calls 5 per hour',
        '',
        'watch streams a, b every 2000ms with m, n by 2',
        '  ask "q"',
        '  over 5s before and 1s after at 2 fps',
        '',
      ].join('\n'),
    );
  });

  it('re-escapes strings', () => {
    expect(formatted('stream a = "say \\"hi\\"\\t\\\\ \\n"')).toBe('stream a = "say \\"hi\\"\\t\\\\ \\n"\n');
  });

  it('keeps comments on their own line or at the end of their line, and at most one blank line', () => {
    const text = [
      '# header',
      '',
      '',
      '',
      'stream a = "x"   # trailing',
      '   # about b',
      'stream b = "y"',
      'watch stream a every 2s with m # after the header',
      '',
      '      # about the rule',
      '  on "x" notify s',
      '# the end',
    ].join('\n');
    expect(formatted(text)).toBe(
      [
        '# header',
        '',
        'stream a = "x"  # trailing',
        '# about b',
        'stream b = "y"',
        '',
        'watch stream a every 2s with m  # after the header',
        '',
        '  # about the rule',
        '  on "x" notify s',
        '# the end',
        '',
      ].join('\n'),
    );
  });

  it('keeps comments inside a statement that is joined onto one line, in order', () => {
    const text = 'watch stream a # which stream\n  every 2s # how often\n  with m\n  on "x" notify s';
    const once = formatted(text);
    expect(once).toBe('# which stream\nwatch stream a every 2s with m  # how often\n  on "x" notify s\n');
    expect(formatted(once)).toBe(once);
    expect(parse(once).document.comments.map((c) => c.text)).toEqual([' which stream', ' how often']);
  });

  it('refuses to format a text with syntax errors', () => {
    const text = 'watch stream a every with m';
    const result = format(text);
    expect(result).toMatchObject({ text, changed: false });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['OVS0003']);
  });

  it('says whether anything changed', () => {
    expect(format('stream a = "x"\n').changed).toBe(false);
    expect(format('stream a =  "x"').changed).toBe(true);
    expect(format('').text).toBe('');
    expect(format('# only a comment').text).toBe('# only a comment\n');
  });

  it('prints a tree without its source text: comments go on their own line above the next line', () => {
    const { document } = parse('stream a = "x" # note\nwatch stream a every 2s with m on "x" notify s');
    expect(print(document)).toBe('stream a = "x"\n\n# note\nwatch stream a every 2s with m\n  on "x" notify s\n');
  });
});
