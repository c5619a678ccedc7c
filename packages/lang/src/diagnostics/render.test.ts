import { describe, expect, it } from 'vitest';
import { Source } from '../language/source.js';
import type { Diagnostic } from './diagnostic.js';
import { diagnosticsToJson } from './json.js';
import { renderDiagnostic, renderDiagnostics, summarize } from './render.js';

const at = (start: number, end: number, extra: Partial<Diagnostic> = {}): Diagnostic => ({
  code: 'OVS1001',
  severity: 'error',
  message: 'unknown model "gema"',
  range: { start, end },
  ...extra,
});

describe('renderDiagnostic', () => {
  const text = 'model m = "x"\nwatch stream A every 2s with gema\n';
  const source = new Source(text, 'examples/fall.ovs');
  const gema = text.indexOf('gema');

  it('prints path:line:col, the line, a caret under the range and the hint', () => {
    expect(renderDiagnostic(at(gema, gema + 4, { hint: 'did you mean "gemma"?' }), source)).toBe(
      [
        'examples/fall.ovs:2:30: error OVS1001: unknown model "gema"',
        '  2 | watch stream A every 2s with gema',
        '    |                              ^^^^',
        '  hint: did you mean "gemma"?',
      ].join('\n'),
    );
  });

  it('prints related locations as notes', () => {
    const d = at(6, 7, { code: 'OVS1003', message: 'model "m" is declared twice', related: [{ range: { start: 6, end: 7 }, message: 'first declared here' }] });
    expect(renderDiagnostic(d, new Source('model m = "x"\nmodel m = "y"\n', 'a.ovs')).split('\n').at(-1)).toBe('a.ovs:1:7: note: first declared here');
  });

  it('marks warnings as such', () => {
    expect(renderDiagnostic(at(0, 5, { severity: 'warning', code: 'OVS1017', message: 'no rule' }), source).split('\n')[0]).toBe(
      'examples/fall.ovs:1:1: warning OVS1017: no rule',
    );
  });

  it('clips a range spanning lines to the end of its first line', () => {
    const lines = renderDiagnostic(at(text.indexOf('watch'), text.length), source).split('\n');
    expect(lines[2]).toBe(`    | ${'^'.repeat('watch stream A every 2s with gema'.length)}`);
  });

  it('draws one caret for an empty range, also at the end of the file', () => {
    const lines = renderDiagnostic(at(text.length, text.length), source).split('\n');
    expect(lines.slice(0, 3)).toEqual(['examples/fall.ovs:3:1: error OVS1001: unknown model "gema"', '  3 |', '    | ^']);
  });

  it('renders an empty file', () => {
    expect(renderDiagnostic(at(0, 0), new Source('', 'empty.ovs'))).toBe(
      ['empty.ovs:1:1: error OVS1001: unknown model "gema"', '  1 |', '    | ^'].join('\n'),
    );
  });

  it('handles CRLF line endings', () => {
    const crlf = new Source('stream a = "x"\r\nwatch stream a every 2 with gemma\r\n', 'w.ovs');
    const start = crlf.body.indexOf('2 with');
    expect(renderDiagnostic(at(start, start + 1, { message: 'no unit' }), crlf)).toBe(
      ['w.ovs:2:22: error OVS1001: no unit', '  2 | watch stream a every 2 with gemma', '    |                      ^'].join('\n'),
    );
  });

  it('expands tabs so the caret stays under the range', () => {
    const tabbed = new Source('watch stream a every 2s with gemma\n\ton "x"\tnotify nowhere\n', 't.ovs');
    const start = tabbed.body.indexOf('nowhere');
    const lines = renderDiagnostic(at(start, start + 7), tabbed).split('\n');
    expect(lines[1]).toBe('  2 |     on "x"  notify nowhere');
    expect(lines[2]).toBe('    |                    ^^^^^^^');
  });

  it('shows control characters as replacement characters and escapes them in messages', () => {
    const binary = new Source('a\u0000b\u001b[31mc', 'bin.ovs');
    const lines = renderDiagnostic(at(1, 2, { message: 'unexpected "\u001b"' }), binary).split('\n');
    expect(lines[0]).toBe('bin.ovs:1:2: error OVS1001: unexpected "\\u001b"');
    expect(lines[1]).toBe('  1 | a\ufffdb\ufffd[31mc');
    expect(lines[2]).toBe('    |  ^');
  });

  it('cuts a very long line around the caret', () => {
    const long = `${'x'.repeat(500)}gema${'y'.repeat(500)}`;
    const lines = renderDiagnostic(at(500, 504), new Source(long, 'long.ovs')).split('\n');
    expect(lines[0]).toBe('long.ovs:1:501: error OVS1001: unknown model "gema"');
    expect(lines[1]).toBe(`  1 | …${'x'.repeat(40)}gema${'y'.repeat(116)}…`);
    expect(lines[2]).toBe(`    | ${' '.repeat(41)}^^^^`);
  });

  it('cuts a very long line with the caret at its end', () => {
    const long = 'z'.repeat(1000);
    const lines = renderDiagnostic(at(1000, 1000), new Source(long, 'long.ovs')).split('\n');
    expect(lines[1]).toBe(`  1 | …${'z'.repeat(160)}`);
    expect(lines[2]).toBe(`    | ${' '.repeat(161)}^`);
  });

  it('colours on request only', () => {
    const plain = renderDiagnostic(at(gema, gema + 4), source);
    const coloured = renderDiagnostic(at(gema, gema + 4), source, { color: true });
    expect(plain).not.toContain('\x1b[');
    expect(coloured).toContain('\x1b[1m\x1b[31merror OVS1001:\x1b[0m');
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(plain);
  });

  it('never throws for any range inside a file', () => {
    const files = ['', '\n', '\r\n', 'a', 'ab\r\ncd\r\n', '\t\t\n\u0000\uffff\ud83d\ude00x\ud800', 'x'.repeat(300)];
    for (const body of files) {
      const file = new Source(body, 'f.ovs');
      for (let start = 0; start <= body.length; start++) {
        for (const end of new Set([start, start + 1, start + 7, body.length].filter((e) => e <= body.length))) {
          expect(() => renderDiagnostic(at(start, end, { hint: 'h', related: [{ range: { start: end, end }, message: 'n' }] }), file)).not.toThrow();
        }
      }
    }
  });

  it('renders several diagnostics and a summary', () => {
    const ds = [at(0, 1), at(1, 2, { severity: 'warning' })];
    expect(renderDiagnostics(ds, source).split('\n')).toHaveLength(6);
    expect(summarize(ds)).toBe('1 error, 1 warning');
    expect(summarize([])).toBe('0 errors, 0 warnings');
  });
});

describe('diagnosticsToJson', () => {
  it('gives counts, validity and 1-based positions with offsets', () => {
    const a = new Source('model m = "x"\nmodel m = "y"\n', 'a.ovs');
    const b = new Source('watch stream s every 2s with gemma\n', 'b.ovs');
    const json = diagnosticsToJson([
      { source: a, diagnostics: [at(20, 21, { code: 'OVS1003', message: 'dup', hint: 'rename', related: [{ range: { start: 6, end: 7 }, message: 'first' }] })] },
      { source: b, diagnostics: [at(0, 5, { severity: 'warning', code: 'OVS1017', message: 'no rule' })] },
    ]);
    expect(json).toEqual({
      valid: false,
      errors: 1,
      warnings: 1,
      diagnostics: [
        {
          file: 'a.ovs',
          range: { start: { line: 2, column: 7, offset: 20 }, end: { line: 2, column: 8, offset: 21 } },
          code: 'OVS1003',
          severity: 'error',
          message: 'dup',
          hint: 'rename',
          related: [{ file: 'a.ovs', range: { start: { line: 1, column: 7, offset: 6 }, end: { line: 1, column: 8, offset: 7 } }, message: 'first' }],
        },
        {
          file: 'b.ovs',
          range: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 6, offset: 5 } },
          code: 'OVS1017',
          severity: 'warning',
          message: 'no rule',
        },
      ],
    });
    expect(Object.keys(json.diagnostics[0]!.range.start)).toEqual(['line', 'column', 'offset']);
  });

  it('is valid with warnings only or nothing', () => {
    expect(diagnosticsToJson([])).toEqual({ valid: true, errors: 0, warnings: 0, diagnostics: [] });
  });
});
