/**
 * Property-based tests of the language front end.
 * (a) Generated valid programs, in random layouts: parse cleanly to the tree they were generated
 *     from, print back to it, and format idempotently.
 * (b) Mutated programs and random bytes: parse never throws, every range lies inside the text,
 *     and formatting, when it is allowed, is idempotent.
 * OVS_FUZZ_RUNS sets the total number of cases (default 2000; `pnpm fuzz` runs 200000).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  ActionNode,
  AstNode,
  DocumentNode,
  DurationNode,
  NameNode,
  NumberNode,
  OnNode,
  ParamNode,
  Range,
  StatementNode,
  StringNode,
  TimeOfDayNode,
  WatchNode,
  WindowNode,
} from './ast.js';
import { format } from './format.js';
import { DURATION_UNITS } from '@ovs/ir';
import { keywordNames, lex } from './lexer.js';
import { parse } from './parser.js';
import { print } from './printer.js';
import { fixtures, rangesOutside, withoutRanges } from './test-support.js';
import { childrenOf } from './visitor.js';

const TOTAL_RUNS = Number(process.env['OVS_FUZZ_RUNS'] ?? 2000);
const runs = (share: number) => ({ numRuns: Math.max(1, Math.round(TOTAL_RUNS * share)) });

// ---- generated programs ----

const at: Range = { start: 0, end: 0 };
const reserved = new Set<string>(keywordNames);

const word = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/);
const identifier = word.filter((w) => !reserved.has(w));
const nameNode = (arb: fc.Arbitrary<string> = identifier) => arb.map((value): NameNode => ({ kind: 'Name', range: at, value }));

/** Any text but a carriage return, which no string literal can hold. */
const stringNode = fc
  .string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\t', ' ', 'é', '😀', '\u0000'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 12 })
  .filter((s) => !s.includes('\r'))
  .map((value): StringNode => ({ kind: 'String', range: at, value }));

const numberRaw = fc.stringMatching(/^-?(0|[1-9][0-9]{0,4})(\.[0-9]{1,3})?$/);
const numberNode = numberRaw.map((raw): NumberNode => ({ kind: 'Number', range: at, value: Number(raw), raw }));

function durationNode(raw: string): DurationNode {
  const amount = /^-?\d+(?:\.\d+)?/.exec(raw)![0];
  const unit = raw.slice(amount.length) || null;
  const perUnit = unit === null ? undefined : DURATION_UNITS[unit];
  return { kind: 'Duration', range: at, raw, amount: Number(amount), unit, ms: perUnit === undefined ? null : Number(amount) * perUnit };
}
const unit = fc.oneof(fc.constantFrom('ms', 's', 'm', 'h'), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,3}$/));
const durationWithUnit = fc.tuple(numberRaw, unit).map(([n, u]) => durationNode(n + u));
/** Where a duration belongs a bare number is read too. */
const duration = fc.oneof({ weight: 4, arbitrary: durationWithUnit }, { weight: 1, arbitrary: numberRaw.map(durationNode) });

const timeOfDay = fc
  .tuple(fc.stringMatching(/^\d\d?$/), fc.stringMatching(/^\d\d$/))
  .map(([h, m]): TimeOfDayNode => ({ kind: 'TimeOfDay', range: at, raw: `${h}:${m}`, hours: Number(h), minutes: Number(m) }));

const list = <T>(arb: fc.Arbitrary<T>, max = 3) => fc.array(arb, { minLength: 1, maxLength: max });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const param = fc
  .tuple(nameNode(word), fc.oneof(numberNode, stringNode, durationWithUnit, nameNode(word)))
  .map(([name, value]): ParamNode => ({ kind: 'Param', range: at, name, value }));
const params = fc.array(param, { maxLength: 3 });

const windowNode = fc
  .record({ form: fc.constantFrom('last' as const, 'around' as const), before: duration, after: maybe(duration), fps: maybe(numberNode) })
  .map((w): WindowNode => ({ kind: 'Window', range: at, ...w, after: w.form === 'around' ? w.after : null }));

const action: fc.Arbitrary<ActionNode> = fc.oneof(
  fc
    .record({ model: nameNode(), window: maybe(windowNode), ask: maybe(stringNode) })
    .map((e): ActionNode => ({ kind: 'Escalate', range: at, ...e })),
  nameNode().map((sink): ActionNode => ({ kind: 'Notify', range: at, sink })),
);

const onNode = fc
  .record({
    labels: list(stringNode),
    kOfN: maybe(fc.tuple(numberNode, numberNode).map(([k, n]) => ({ kind: 'KOfN' as const, range: at, k, n }))),
    above: maybe(numberNode),
    cooldown: maybe(duration),
    actions: list(action),
  })
  .map((o): OnNode => ({ kind: 'On', range: at, ...o }));

const vote = fc.oneof(
  fc.constantFrom('all' as const, 'any' as const, 'majority' as const).map((mode) => ({ kind: 'Vote' as const, range: at, mode, count: null })),
  numberNode.map((count) => ({ kind: 'Vote' as const, range: at, mode: 'at_least' as const, count })),
);

const watchNode = fc
  .record({
    plural: fc.boolean(),
    streams: list(nameNode()),
    every: duration,
    models: list(nameNode()),
    vote: maybe(vote),
    window: maybe(windowNode),
    ask: maybe(stringNode),
    system: maybe(stringNode),
    schedule: maybe(fc.tuple(timeOfDay, timeOfDay).map(([from, to]) => ({ kind: 'Schedule' as const, range: at, from, to }))),
    rules: fc.array(onNode, { maxLength: 3 }),
  })
  .map((w): WatchNode => ({ kind: 'Watch', range: at, ...w }));

const statement: fc.Arbitrary<StatementNode> = fc.oneof(
  fc
    .record({ name: nameNode(), sourceType: fc.constantFrom('id' as const, 'rtsp' as const, 'hls' as const, 'file' as const, 'mjpeg' as const), value: stringNode })
    .map((s): StatementNode => ({ kind: 'StreamDecl', range: at, ...s })),
  fc.record({ name: nameNode(), id: stringNode, params }).map((m): StatementNode => ({ kind: 'ModelDecl', range: at, ...m })),
  fc
    .record({ name: nameNode(), sinkType: fc.constantFrom('webhook' as const, 'file' as const, 'mqtt' as const), target: stringNode, params })
    .map((s): StatementNode => ({ kind: 'SinkDecl', range: at, ...s })),
  fc
    .record({
      model: maybe(nameNode()),
      budget: fc.option(fc.tuple(fc.constantFrom('calls' as const, 'tokens' as const), fc.constantFrom('minute' as const, 'hour' as const, 'day' as const))),
      amount: numberNode,
    })
    .map(({ model, budget, amount }): StatementNode => ({
      kind: 'Limit',
      range: at,
      model,
      metric: budget ? budget[0] : 'concurrency',
      amount,
      per: budget ? budget[1] : null,
    })),
  { weight: 3, arbitrary: watchNode },
);

const documentNode = fc
  .array(statement, { maxLength: 6 })
  .map((statements): DocumentNode => ({ kind: 'Document', range: at, statements, comments: [] }));

/**
 * Lays a program's tokens out anew: any whitespace between tokens, comments at the ends of
 * lines, and `;` before statements, rules and first actions (where it is always allowed).
 */
function relayout(canonical: string, seps: readonly string[]): string {
  const boundaries = new Set<number>();
  for (const statement of parse(canonical).document.statements) {
    boundaries.add(statement.range.start);
    if (statement.kind !== 'Watch') continue;
    for (const rule of statement.rules) {
      boundaries.add(rule.range.start);
      boundaries.add(rule.actions[0]!.range.start);
    }
  }
  let out = '';
  lex(canonical).tokens.forEach((token, i) => {
    let sep = i === 0 ? '' : seps[i % seps.length]!;
    if (boundaries.has(token.startOffset) && seps[(i * 7) % seps.length] === '\n') sep += ';\n';
    out += sep + token.image;
  });
  return out;
}
const separator = fc.constantFrom(' ', '  ', '\n', '\t', '\n\n  ', ' # a comment\n', ' #\n');

// ---- invariants of any parse ----

/** Every node's range lies inside the text and inside its parent's. */
function checkTree(node: AstNode, length: number, parent: Range = { start: 0, end: length }): void {
  const { start, end } = node.range;
  if (!(Number.isInteger(start) && Number.isInteger(end) && parent.start <= start && start <= end && end <= parent.end)) {
    throw new Error(`${node.kind} has range ${start}-${end} outside ${parent.start}-${parent.end}`);
  }
  for (const child of childrenOf(node)) {
    if (child === undefined || child === null) throw new Error(`${node.kind} has a hole`);
    checkTree(child, length, node.kind === 'Document' ? { start: 0, end: length } : node.range);
  }
}

function parsesSafely(text: string): void {
  const { document, diagnostics } = parse(text);
  expect(rangesOutside(diagnostics, text.length)).toEqual([]);
  checkTree(document, text.length);
  const formatted = format(text);
  if (!formatted.changed) return;
  expect(format(formatted.text).text).toBe(formatted.text);
  expect(withoutRanges(parse(formatted.text).document)).toEqual(withoutRanges(document));
}

// ---- mutations ----

const noise = fc.oneof(
  fc.constantFrom('"', '#', ';', '(', ')', ',', '=', '\\', '\n', ' ', ':', '.', '-', '0', '9', 's', 'ms', '@', '\u0000', '\uFEFF', '\r'),
  fc.constantFrom(...keywordNames),
  fc.string({ maxLength: 4 }),
  fc.string({ unit: 'binary', maxLength: 3 }),
);

type Edit = { kind: 'insert' | 'delete' | 'replace'; at: number; length: number; text: string } | { kind: 'truncate'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constantFrom('insert' as const, 'delete' as const, 'replace' as const), at: fc.nat(), length: fc.nat(12), text: noise }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of edits) {
    const i = out.length === 0 ? 0 : e.at % (out.length + 1);
    if (e.kind === 'truncate') out = out.slice(0, i);
    else if (e.kind === 'insert') out = out.slice(0, i) + e.text + out.slice(i);
    else if (e.kind === 'delete') out = out.slice(0, i) + out.slice(i + e.length);
    else out = out.slice(0, i) + e.text + out.slice(i + e.length);
  }
  return out;
}

const fixtureTexts = [...fixtures().values()];
const validText = fc.oneof(
  fc.constantFrom(...fixtureTexts),
  fc.tuple(documentNode, fc.array(separator, { minLength: 1, maxLength: 8 })).map(([doc, seps]) => relayout(print(doc), seps)),
);

// ---- properties ----

describe('fuzz: generated programs', () => {
  it('parse to the tree they were printed from, in any layout, and format idempotently', () => {
    fc.assert(
      fc.property(documentNode, fc.array(separator, { minLength: 1, maxLength: 8 }), (doc, seps) => {
        const canonical = print(doc);
        const parsed = parse(canonical);
        expect(parsed.diagnostics).toEqual([]);
        expect(withoutRanges(parsed.document)).toEqual(withoutRanges(doc));

        const text = relayout(canonical, seps);
        const relaid = parse(text);
        expect(relaid.diagnostics).toEqual([]);
        expect(withoutRanges({ ...relaid.document, comments: [] })).toEqual(withoutRanges(doc));

        const once = format(text);
        expect(once.diagnostics).toEqual([]);
        expect(format(once.text).text).toBe(once.text);
        expect(withoutRanges(parse(once.text).document)).toEqual(withoutRanges(relaid.document));
      }),
      runs(0.3),
    );
  });
});

describe('fuzz: broken input', () => {
  it('never throws on mutated programs, and keeps every range inside the text', () => {
    fc.assert(fc.property(validText, fc.array(edit, { minLength: 1, maxLength: 6 }), (text, edits) => parsesSafely(applyEdits(text, edits))), runs(0.5));
  });

  it('never throws on random bytes or random text', () => {
    const latin1 = fc.uint8Array({ maxLength: 400 }).map((bytes) => String.fromCharCode(...bytes));
    fc.assert(fc.property(fc.oneof(latin1, fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 })), parsesSafely), runs(0.2));
  });
});
