import { describe, expect, it } from 'vitest';
import type { LimitNode, ModelDeclNode, SinkDeclNode, StatementNode, StreamDeclNode, WatchNode } from './ast.js';
import { OvsParser } from './grammar.js';
import { MAX_SYNTAX_ERRORS, parse } from './parser.js';
import { Source } from './source.js';
import { SyntaxMessages } from './syntax-messages.js';
import { fixtures, rangesOutside, withoutRanges } from './test-support.js';

/** Diagnostics as `line:col-line:col CODE message | hint`. */
function problems(text: string): string[] {
  const source = new Source(text, 'test.ovs');
  return parse(source).diagnostics.map((d) => {
    const start = source.positionOf(d.range.start);
    const end = source.positionOf(d.range.end);
    const hint = d.hint ? ` | ${d.hint}` : '';
    return `${start.line}:${start.column}-${end.line}:${end.column} ${d.code} ${d.message}${hint}`;
  });
}

/** The statements of a text that must parse without any diagnostic. */
function statements(text: string): readonly StatementNode[] {
  const { document, diagnostics } = parse(text);
  expect(diagnostics).toEqual([]);
  return document.statements;
}

function only<T extends StatementNode>(text: string): T {
  const all = statements(text);
  expect(all).toHaveLength(1);
  return all[0] as T;
}

describe('parse: the core', () => {
  it("parses the user's one-liner", () => {
    const watch = only<WatchNode>('watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s');
    expect(withoutRanges(watch)).toEqual({
      kind: 'Watch',
      plural: false,
      streams: [{ kind: 'Name', value: 'A' }],
      every: { kind: 'Duration', raw: '2s', amount: 2, unit: 's', ms: 2000 },
      models: [{ kind: 'Name', value: 'gemma' }],
      vote: null,
      window: null,
      ask: null,
      system: null,
      schedule: null,
      rules: [
        {
          kind: 'On',
          labels: [{ kind: 'String', value: 'fall' }],
          kOfN: null,
          above: null,
          cooldown: null,
          actions: [
            {
              kind: 'Escalate',
              model: { kind: 'Name', value: 'qwen' },
              window: {
                kind: 'Window',
                form: 'last',
                before: { kind: 'Duration', raw: '30s', amount: 30, unit: 's', ms: 30000 },
                after: null,
                fps: null,
              },
              ask: null,
            },
          ],
        },
      ],
    });
  });

  it('parses every fixture without a diagnostic', () => {
    for (const [name, text] of fixtures()) {
      expect({ name, diagnostics: parse(text, name).diagnostics }).toEqual({ name, diagnostics: [] });
    }
  });

  it("reads the design note's example as the note describes it", () => {
    const text = fixtures().get('design-note.ovs')!;
    const { document } = parse(text);
    expect(document.statements.map((s) => s.kind)).toEqual([
      'StreamDecl',
      'StreamDecl',
      'StreamDecl',
      'StreamDecl',
      'ModelDecl',
      'ModelDecl',
      'SinkDecl',
      'SinkDecl',
      'Limit',
      'Limit',
      'Watch',
      'Watch',
    ]);
    expect(document.comments.map((c) => c.text)).toEqual([
      ' a comment runs to the end of the line',
      ' an existing stream id (or "ovs://streams/<id>")',
      ' a source the backend pulls',
      ' local backends only',
      ' stdout is always there as a sink named stdout',
      ' calls in flight across the pipeline',
      ' calls in flight to one model',
    ]);
    const [first, second] = document.statements.filter((s): s is WatchNode => s.kind === 'Watch');
    const fall = first!.rules[0]!;
    expect(first!.ask?.value).toBe('Is anyone lying on the floor?');
    expect(fall.kOfN && [fall.kOfN.k.value, fall.kOfN.n.value]).toEqual([2, 3]);
    expect(fall.cooldown?.ms).toBe(60_000);
    expect(fall.actions.map((a) => a.kind)).toEqual(['Escalate', 'Notify']);
    const escalate = fall.actions[0]!;
    expect(escalate.kind === 'Escalate' && [escalate.window?.before.ms, escalate.window?.fps?.value, escalate.ask?.value]).toEqual([
      30_000,
      2,
      'Did someone fall? Describe what happened.',
    ]);
    const fire = first!.rules[1]!;
    expect(fire.labels.map((l) => l.value)).toEqual(['fire', 'smoke']);
    expect(fire.above?.raw).toBe('0.8');
    expect(second!.plural).toBe(true);
    expect(second!.streams.map((s) => s.value)).toEqual(['lobby', 'door']);
    expect(second!.window?.before.raw).toBe('5s');
  });

  it('gives every node the range of the text it came from', () => {
    const text = 'model qwen = "Q" (max_tokens 300)\nwatch stream A every 2s with gemma\n  on "fall" notify log';
    const [model, watch] = statements(text) as [ModelDeclNode, WatchNode];
    const slice = (r: { start: number; end: number }) => text.slice(r.start, r.end);
    expect(slice(model.range)).toBe('model qwen = "Q" (max_tokens 300)');
    expect(slice(model.params[0]!.range)).toBe('max_tokens 300');
    expect(slice(model.id.range)).toBe('"Q"');
    expect(slice(watch.range)).toBe('watch stream A every 2s with gemma\n  on "fall" notify log');
    expect(slice(watch.rules[0]!.range)).toBe('on "fall" notify log');
    expect(slice(watch.rules[0]!.actions[0]!.range)).toBe('notify log');
    expect(slice(watch.every.range)).toBe('2s');
  });
});

describe('parse: statement forms', () => {
  it('streams: an id, or a source type and a URL', () => {
    const forms = statements(
      'stream a = "id-1" stream b = rtsp "rtsp://h/x" stream c = hls "u" stream d = file "f.mp4" stream e = mjpeg "m"',
    ) as StreamDeclNode[];
    expect(forms.map((s) => [s.name.value, s.sourceType, s.value.value])).toEqual([
      ['a', 'id', 'id-1'],
      ['b', 'rtsp', 'rtsp://h/x'],
      ['c', 'hls', 'u'],
      ['d', 'file', 'f.mp4'],
      ['e', 'mjpeg', 'm'],
    ]);
  });

  it('models: parameters of every value kind, keywords allowed as names', () => {
    const model = only<ModelDeclNode>('model m = "p/id" (n 1, s "x", d 30s, w low, format file)');
    expect(model.params.map((p) => [p.name.value, p.value.kind, 'raw' in p.value ? p.value.raw : p.value.value])).toEqual([
      ['n', 'Number', '1'],
      ['s', 'String', 'x'],
      ['d', 'Duration', '30s'],
      ['w', 'Name', 'low'],
      ['format', 'Name', 'file'],
    ]);
    expect(only<ModelDeclNode>('model m = "p/id" ()').params).toEqual([]);
  });

  it('sinks', () => {
    const sinks = statements('sink a = webhook "http://x" sink b = file "e.jsonl" sink c = mqtt "mqtt://h/t" (qos 1)') as SinkDeclNode[];
    expect(sinks.map((s) => [s.name.value, s.sinkType, s.target.value, s.params.length])).toEqual([
      ['a', 'webhook', 'http://x', 0],
      ['b', 'file', 'e.jsonl', 0],
      ['c', 'mqtt', 'mqtt://h/t', 1],
    ]);
  });

  it('limits: concurrency and budgets, overall or per model', () => {
    const limits = statements(
      'limit concurrency 16 limit qwen concurrency 2 limit calls 100 per minute limit qwen tokens 5000 per day limit gemma calls 9 per hour',
    ) as LimitNode[];
    expect(limits.map((l) => [l.model?.value ?? null, l.metric, l.amount.value, l.per])).toEqual([
      [null, 'concurrency', 16, null],
      ['qwen', 'concurrency', 2, null],
      [null, 'calls', 100, 'minute'],
      ['qwen', 'tokens', 5000, 'day'],
      ['gemma', 'calls', 9, 'hour'],
    ]);
  });

  it('watches: votes, windows, prompts, schedules in any order', () => {
    const watch = only<WatchNode>(
      'watch streams a, b every 1500ms with m1, m2, m3 by 2 between 08:00 and 18:30 system "s" over 10s before and 5s after at 2fps ask "q"',
    );
    expect(watch.vote).toMatchObject({ mode: 'at_least', count: { value: 2 } });
    expect(watch.window).toMatchObject({ form: 'around', before: { ms: 10_000 }, after: { ms: 5000 }, fps: { value: 2, raw: '2' } });
    expect(watch.schedule).toMatchObject({ from: { hours: 8, minutes: 0 }, to: { hours: 18, minutes: 30 } });
    expect([watch.ask?.value, watch.system?.value]).toEqual(['q', 's']);
    for (const mode of ['all', 'any', 'majority'] as const) {
      expect(only<WatchNode>(`watch stream a every 2s with m1, m2 by ${mode}`).vote).toMatchObject({ mode, count: null });
    }
    expect(only<WatchNode>('watch stream a every 2s with m over 3s before').window).toMatchObject({ form: 'around', after: null, fps: null });
  });

  it('on rules: several labels, qualifiers in any order, actions chained with then', () => {
    const watch = only<WatchNode>(
      'watch stream a every 2s with m on "x" or "y" or "z" cooldown 1m above 0.5 3 of 5 notify s then escalate to q ask "sure?" over last 20s then notify t',
    );
    const rule = watch.rules[0]!;
    expect(rule.labels.map((l) => l.value)).toEqual(['x', 'y', 'z']);
    expect([rule.kOfN?.k.value, rule.kOfN?.n.value, rule.above?.value, rule.cooldown?.ms]).toEqual([3, 5, 0.5, 60_000]);
    expect(rule.actions.map((a) => (a.kind === 'Notify' ? `notify ${a.sink.value}` : `escalate ${a.model.value} ${a.ask?.value} ${a.window?.before.raw}`))).toEqual([
      'notify s',
      'escalate q sure? 20s',
      'notify t',
    ]);
  });

  it('an on rule belongs to the nearest watch before it', () => {
    const [a, b] = statements('watch stream a every 2s with m on "x" notify s watch stream b every 2s with m on "y" notify s on "z" notify s') as WatchNode[];
    expect(a!.rules.map((r) => r.labels[0]!.value)).toEqual(['x']);
    expect(b!.rules.map((r) => r.labels[0]!.value)).toEqual(['y', 'z']);
  });

  it('durations keep what was written for the checker: missing, unknown and fractional units', () => {
    const watch = only<WatchNode>('watch stream a every 2 with m over last 1.5s on "x" cooldown 2sec notify s');
    expect(withoutRanges(watch.every)).toEqual({ kind: 'Duration', raw: '2', amount: 2, unit: null, ms: null });
    expect(withoutRanges(watch.window!.before)).toEqual({ kind: 'Duration', raw: '1.5s', amount: 1.5, unit: 's', ms: 1500 });
    expect(withoutRanges(watch.rules[0]!.cooldown!)).toEqual({ kind: 'Duration', raw: '2sec', amount: 2, unit: 'sec', ms: null });
    expect(only<WatchNode>('watch stream a every -2s with m').every.ms).toBe(-2000);
  });

  it('strings decode their escapes', () => {
    const stream = only<StreamDeclNode>('stream a = "q\\"uote\\\\ \\n\\t"');
    expect(stream.value.value).toBe('q"uote\\ \n\t');
  });

  it('accepts ";" between statements and clauses, as many as you like', () => {
    const text = ';stream a = "x";; watch stream a every 2s with m; ask "q"; on "x"; 2 of 3; notify s; then notify t;';
    expect(statements(text)).toHaveLength(2);
  });
});

describe('parse: errors', () => {
  it('says what it expected, after what, and what it found', () => {
    expect(problems('watch stream A every with gemma')).toEqual(['1:22-1:26 OVS0003 expected a duration like "2s" after "every", found "with"']);
    expect(problems('stream a "x"')).toEqual(['1:10-1:13 OVS0003 expected "=" after "a", found "x"']);
    expect(problems('watch stream A every 2s with gemma on "x" 2 of 3')).toEqual([
      '1:49-1:49 OVS0003 expected an action ("escalate to MODEL" or "notify SINK") after "3", found the end of the file',
    ]);
  });

  it('reports errors at the end of the file right after the last token', () => {
    expect(problems('model m =\n')).toEqual(['1:10-1:10 OVS0003 expected a string after "=", found the end of the file']);
    expect(problems('watch stream A every 2s with')).toEqual(['1:29-1:29 OVS0003 expected a name after "with", found the end of the file']);
  });

  it('reports several errors in one pass and keeps the statements that are whole', () => {
    const text = [
      'stream a =',
      'model m "x"',
      'watch stream A every with gemma',
      '  on "x" notify',
      'watch stream B every 2s with gemma',
      '  on "y" 2 of notify log',
      '  on "z" notify log',
      'sink log = file "e.jsonl"',
    ].join('\n');
    expect(problems(text)).toEqual([
      '2:1-2:6 OVS0003 expected a stream id in quotes or a source like rtsp "rtsp://..." after "=", found "model"',
      '2:9-2:12 OVS0003 expected "=" after "m", found "x"',
      '3:22-3:26 OVS0003 expected a duration like "2s" after "every", found "with"',
      '5:1-5:6 OVS0003 expected a name after "notify", found "watch"',
      '6:15-6:21 OVS0003 expected a number after "of", found "notify"',
    ]);
    const kept = parse(text).document.statements;
    expect(kept.map((s) => s.kind)).toEqual(['ModelDecl', 'Watch', 'SinkDecl']);
    // The model's missing "=" is punctuation only: the declaration is whole and kept.
    const watch = kept[1] as WatchNode;
    expect(watch.rules.map((r) => r.labels[0]!.value)).toEqual(['z']);
  });

  it('suggests the keyword a misspelled word was meant to be, and reads it as that keyword', () => {
    const text = [
      'wacth stream A every 2s with gemma',
      '  on "fall" cooldwon 60s escalte to qwen over last 30s',
      '    then notfy alerts',
    ].join('\n');
    expect(problems(text)).toEqual([
      '1:1-1:6 OVS0004 unknown keyword "wacth" | did you mean "watch"?',
      '2:13-2:21 OVS0004 unknown keyword "cooldwon" | did you mean "cooldown"?',
      '2:26-2:33 OVS0004 unknown keyword "escalte" | did you mean "escalate"?',
      '3:10-3:15 OVS0004 unknown keyword "notfy" | did you mean "notify"?',
    ]);
    const watch = parse(text).document.statements[0] as WatchNode;
    expect(watch.rules[0]!.actions.map((a) => a.kind)).toEqual(['Escalate', 'Notify']);
    expect(watch.rules[0]!.cooldown?.raw).toBe('60s');
  });

  it('finds misspelled keywords of every kind', () => {
    expect(problems('stream a = rtps "x"\nmodle m = "x"\nlimit concurency 2\nwatch stream a evry 2s with m ask "q" on "x" notify s')).toEqual([
      '1:12-1:16 OVS0004 unknown keyword "rtps" | did you mean "rtsp"?',
      '2:1-2:6 OVS0004 unknown keyword "modle" | did you mean "model"?',
      '3:7-3:17 OVS0004 unknown keyword "concurency" | did you mean "concurrency"?',
      '4:16-4:20 OVS0004 unknown keyword "evry" | did you mean "every"?',
    ]);
    expect(parse('stream a = rtps "x"').document.statements[0]).toMatchObject({ sourceType: 'rtsp' });
    expect(problems('model m = "x" foo wacth stream a every 2s with m')).toEqual([
      '1:15-1:18 OVS0003 unexpected "foo"; expected a new statement (stream, model, sink, limit or watch)',
      '1:19-1:24 OVS0004 unknown keyword "wacth" | did you mean "watch"?',
    ]);
  });

  it('reports an unterminated string from its start to the end of its line, and reads on', () => {
    const text = 'watch stream A every 2s with gemma\n  ask "Is anyone there?\n  on "x" notify log';
    expect(problems(text)).toEqual([
      '2:7-2:24 OVS0002 unterminated string | add the closing " at the end of the string (write \\" for a quote inside it)',
    ]);
    const watch = parse(text).document.statements[0] as WatchNode;
    expect(watch.ask?.value).toBe('Is anyone there?');
    expect(watch.rules).toHaveLength(1);
  });

  it('reports a run of stray characters once', () => {
    expect(problems("stream a = 'x' @@@\u0000\nstream b = \"y\"")).toEqual([
      '1:12-1:13 OVS0001 unexpected character "\'" | strings use double quotes: "..."',
      '1:13-1:14 OVS0003 expected a stream id in quotes or a source like rtsp "rtsp://..." after "=", found "x" | strings go in double quotes: "x"',
      '1:14-1:15 OVS0001 unexpected character "\'" | strings use double quotes: "..."',
      '1:16-1:20 OVS0001 unexpected characters "@@@\\u0000" | remove it',
    ]);
  });

  it('reports a ";" inside a clause', () => {
    expect(problems('watch stream a every; 2s with m')).toEqual(['1:21-1:22 OVS0003 ";" can only separate statements and clauses | remove the ";"']);
  });

  it('explains clauses out of place', () => {
    expect(problems('model m = "x"\non "x" notify s')).toEqual([
      '2:1-2:16 OVS0003 an "on" rule must follow a "watch" statement | move it under the watch it belongs to',
    ]);
    expect(problems('watch stream a every 2s with m on "x" notify s ask "late"')).toEqual([
      `1:48-1:58 OVS0003 the "ask" clause must come before the watch's "on" rules | move it up, right after the "watch ..." line`,
    ]);
    expect(problems('hello stream a = "x"')).toEqual(['1:1-1:6 OVS0003 expected a statement (stream, model, sink, limit or watch), found "hello"']);
    expect(problems('watch stream a every 2s with m on "x" notify s notify t')).toEqual([
      '1:48-1:56 OVS0003 unexpected "notify": the actions of a rule are chained with "then" | write "then notify ..."',
    ]);
  });

  it('suggests quotes for a word where a string belongs, and no keyword', () => {
    expect(problems('watch stream a every 2s with m on fall notify s')).toEqual([
      '1:35-1:39 OVS0003 expected a string after "on", found "fall" | strings go in double quotes: "fall"',
    ]);
  });

  it('reports a clause given twice, pointing at both', () => {
    const { diagnostics } = parse('watch stream a every 2s with m ask "one" ask "two" on "x" cooldown 1s cooldown 2s notify s');
    expect(diagnostics.map((d) => [d.code, d.message, d.related?.length])).toEqual([
      ['OVS0006', 'an "ask" question is given twice', 1],
      ['OVS0006', 'a "cooldown" is given twice', 1],
    ]);
  });

  it('reports unknown escapes and a frame rate with the wrong unit', () => {
    expect(problems('stream a = "c:\\path"\nwatch stream a every 2s with m over last 5s at 2s')).toEqual([
      '1:15-1:17 OVS0005 unknown escape "\\p" in a string | the escapes are \\" \\\\ \\n and \\t; write \\\\ for a backslash',
      '2:48-2:50 OVS0003 expected frames per second like "2 fps" after "at", found "2s" | write "at 2 fps"',
    ]);
  });

  it('leaves a statement with a missing part out of the tree', () => {
    const { document, diagnostics } = parse('stream = "x"\nwatch stream every 2s with m\nsink s = file "f"');
    expect(diagnostics).toHaveLength(2);
    expect(document.statements.map((s) => s.kind)).toEqual(['SinkDecl']);
  });

  it('caps the number of syntax errors and keeps every range inside the file', () => {
    const text = 'stream = = ,\n'.repeat(500) + 'watch';
    const { diagnostics } = parse(text);
    expect(diagnostics.length).toBe(MAX_SYNTAX_ERRORS);
    expect(diagnostics[MAX_SYNTAX_ERRORS - 1]?.message).toMatch(/^\d+ more syntax errors not shown$/);
    expect(rangesOutside(diagnostics, text.length)).toEqual([]);
  });

  it('survives binary input, huge lines, floods of errors and an empty file', () => {
    const binary = Array.from({ length: 5000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('');
    const long = `stream a = "${'x'.repeat(1_000_000)}`;
    const floods = [
      'wacth '.repeat(20_000),
      'watch stream a every 2s with m ' + 'on "x" '.repeat(20_000),
      'watch stream a every 2s with m\n' + '  on "x" escalte to q\n'.repeat(5_000),
      'stream a = rtps "x"\n'.repeat(5_000),
      '('.repeat(100_000),
      '"'.repeat(100_001),
      '12:34:'.repeat(20_000),
    ];
    for (const text of [binary, long, ...floods, '', '\n\n', '"', '\\', '#']) {
      const { diagnostics } = parse(text);
      expect(rangesOutside(diagnostics, text.length)).toEqual([]);
    }
  });
});

describe('the grammar', () => {
  it('passes chevrotain validation (no ambiguity, no left recursion)', () => {
    // The shared instance skips validation to start fast; this one runs it and throws on a problem.
    expect(() => new OvsParser(new SyntaxMessages(), { skipValidations: false })).not.toThrow();
  });
});

describe('parse: targeted repairs', () => {
  it('reads a short misspelled keyword after a complete model list as the keyword (by)', () => {
    expect(problems('watch stream A every 2s with gemma, qwen bi all\n  on "x" notify stdout')).toEqual([
      '1:42-1:44 OVS0004 unknown keyword "bi" | did you mean "by"?',
    ]);
    const watch = parse('watch stream A every 2s with gemma, qwen bi all\n  on "x" notify stdout').document.statements[0] as WatchNode;
    expect(watch.rules).toHaveLength(1);
  });

  it('reports a space between a number and its duration unit once, and reads the duration', () => {
    expect(problems('watch stream A every 2 s with gemma\n  on "x" notify stdout')).toEqual([
      '1:22-1:25 OVS0003 a space between the number and its unit: "2 s" | write the unit right after the number: 2s',
    ]);
    const watch = parse('watch stream A every 2 s with gemma\n  on "x" notify stdout').document.statements[0] as WatchNode;
    expect(watch.every.ms).toBe(2000);
    expect(watch.rules).toHaveLength(1);
  });
});

describe('parse: hints for look-alike characters and reserved words', () => {
  it('names invisible characters by code point', () => {
    expect(problems('watch stream A every 2s with gemma\u00a0on "x" notify stdout')).toEqual([
      '1:35-1:36 OVS0001 unexpected character U+00A0 (no-break space) | replace it with a plain space',
    ]);
    expect(problems('watch stream A every 2s with gemma\u2028on "x" notify stdout')).toEqual([
      '1:35-1:36 OVS0001 unexpected character U+2028 (line separator) | replace it with a line break',
    ]);
  });

  it('points curly quotes to straight ones', () => {
    expect(problems('watch stream A every 2s with gemma on \u201cfall\u201d notify stdout')[0]).toBe(
      '1:39-1:40 OVS0001 unexpected character "\u201c" | use straight quotes "..." (an editor may have curled them)',
    );
  });

  it('says a keyword used as a name is reserved, without a second error for the statement it seemed to start', () => {
    expect(problems('stream watch = "x"')).toEqual(['1:8-1:13 OVS0003 expected a name after "stream", found "watch" | "watch" is a reserved word: pick another name']);
  });

  it('reads ".5" as a number', () => {
    expect(problems('watch stream A every 2s with gemma on "x" above .5 notify stdout')).toEqual([]);
  });
});
