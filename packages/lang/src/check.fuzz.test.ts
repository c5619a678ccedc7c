/**
 * Property tests of the back half on mutated programs: checking never throws, every
 * diagnostic lies inside the file and renders, and a program without errors compiles to an IR
 * the schema accepts. `pnpm fuzz` raises the number of runs (OVS_FUZZ_RUNS).
 */
import { PipelineIr } from '@ovs/ir';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from './check.js';
import { diagnosticsToJson } from './diagnostics/json.js';
import { renderDiagnostic } from './diagnostics/render.js';
import { Source } from './language/source.js';

const RUNS = Number(process.env.OVS_FUZZ_RUNS ?? 300);

const SEEDS = [
  'watch stream A every 2s with gemma; on "fall" escalate to qwen over last 30s',
  [
    'stream lobby = "cc3e3f79-c5c4-4d1c-985e-028b42030569"',
    'stream door = rtsp "rtsp://127.0.0.1:8554/door"',
    'model qwen = "Qwen/Qwen3.5-9B" (max_tokens 300, temperature 0)',
    'sink alerts = webhook "http://127.0.0.1:9000/hook"',
    'sink bus = mqtt "mqtt://127.0.0.1:1883/ovs/events"',
    'limit concurrency 16',
    'limit qwen concurrency 2',
    'limit calls 100 per hour',
    'watch stream lobby every 2s with gemma, qwen by 2 between 08:00 and 18:00',
    '  ask "Is anyone lying on the floor?" system "You watch a lobby."',
    '  on "fall" 2 of 3 cooldown 60s',
    '    escalate to qwen over 10s before and 5s after at 2 fps ask "Did someone fall?"',
    '    then notify alerts then notify stdout',
    '  on "fire" or "smoke" above 0.8 notify bus',
    'watch streams lobby, door every 5s with gemma over last 5s',
    '  on "same person" notify alerts',
  ].join('\n'),
];

/** Pieces that make mutations land on interesting values: numbers, units, keywords, punctuation. */
const PIECES = ['0', '-1', '1.5', '5000', '99999999999999999999999', '25:00', '08:00', 's', 'sec', 'ms', 'h', '"', '""', ',', ';', '\n', '\r\n', '\t', 'gemma', 'qwen', 'stdout', 'by', 'of', 'then', 'over last', 'ovs://streams/', '\u0000', '😀'];

const edit = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 12 }),
  insert: fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })),
});

function mutate(text: string, edits: { at: number; remove: number; insert: string }[]): string {
  let result = text;
  for (const { at, remove, insert } of edits) {
    const position = at % (result.length + 1);
    result = result.slice(0, position) + insert + result.slice(position + remove);
  }
  return result;
}

/** Mostly valid values, sometimes one just across a boundary the checker guards. */
function pick(valid: readonly string[], invalid: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 15 }, { arbitrary: fc.constantFrom(...invalid), weight: 1 });
}

/** Well-formed programs with values drawn on both sides of every checked boundary. */
const durationArb = pick(['1ms', '2s', '30s', '10m', '1h'], ['0s', '601s', '1.5s', '-1s', '2sec', '2']);
const windowArb = fc.option(
  fc.tuple(fc.boolean(), durationArb, durationArb, fc.option(pick(['0.5', '1', '2'], ['0', '-1']))).map(
    ([last, before, after, fps]) => `${last ? `over last ${before}` : `over ${before} before and ${after} after`}${fps === null ? '' : ` at ${fps} fps`}`,
  ),
);
const actionArb = fc.oneof(
  fc.tuple(pick(['gemma', 'qwen', 'big'], ['gema']), windowArb, fc.option(fc.constant('ask "Really?"'))).map(([m, w, ask]) =>
    ['escalate to', m, w, ask].filter(Boolean).join(' '),
  ),
  pick(['notify stdout', 'notify alerts'], ['notify nowhere']),
);
const ruleArb = fc
  .record({
    labels: fc.array(pick(['"fall"', '"fire"', '"smoke"'], ['""']), { minLength: 1, maxLength: 2 }),
    kOfN: fc.option(pick(['1 of 1', '2 of 3', '3 of 3'], ['0 of 3', '4 of 3', '1 of 2000'])),
    above: fc.option(pick(['0', '0.8', '1'], ['80', '-0.5']).map((x) => `above ${x}`)),
    cooldown: fc.option(durationArb.map((d) => `cooldown ${d}`)),
    actions: fc.array(actionArb, { minLength: 1, maxLength: 3 }),
  })
  .map((r) => ['on', r.labels.join(' or '), r.kOfN, r.above, r.cooldown, r.actions.join(' then ')].filter(Boolean).join(' '));
const watchArb = fc
  .record({
    streams: fc.uniqueArray(fc.constantFrom('a', 'b', 'lobby'), { minLength: 1, maxLength: 3 }),
    every: durationArb,
    models: fc.uniqueArray(pick(['gemma', 'qwen', 'big'], ['gema']), { minLength: 1, maxLength: 3 }),
    vote: fc.option(pick(['all', 'any', 'majority', '1'], ['0', '3']).map((v) => `by ${v}`)),
    window: windowArb,
    between: fc.option(pick(['08:00 and 18:00', '22:00 and 06:00'], ['25:00 and 07:00', '08:00 and 08:00']).map((b) => `between ${b}`)),
    system: fc.option(fc.constant('system "You watch a shop."')),
    rules: fc.array(ruleArb, { maxLength: 3 }),
  })
  .map((w) =>
    [`watch ${w.streams.length > 1 ? 'streams' : 'stream'}`, w.streams.join(', '), 'every', w.every, 'with', w.models.join(', '), w.vote, w.window, w.between, w.system, ...w.rules]
      .filter(Boolean)
      .join(' '),
  );
const programArb = fc
  .record({
    declarations: fc.subarray([
      'stream lobby = "cc3e3f79"',
      'stream a = rtsp "rtsp://127.0.0.1:8554/a"',
      'limit concurrency 4',
      'limit qwen concurrency 2',
      'limit big calls 100 per hour',
      'limit tokens 5000 per day',
    ]),
    watches: fc.array(watchArb, { minLength: 1, maxLength: 3 }),
  })
  .map((p) => [
    'model big = "org/big" (max_tokens 300, timeout 30s, json true)',
    'sink alerts = webhook "http://127.0.0.1:9000/hook"',
    ...p.declarations,
    ...p.watches,
  ].join('\n'));

describe('check on generated programs', () => {
  it('never throws, and a program without errors compiles to a valid IR with a node per watch', () => {
    fc.assert(
      fc.property(programArb, (text) => {
        const result = check(new Source(text, 'gen.ovs'));
        expect(result.diagnostics.filter((d) => d.code.startsWith('OVS0'))).toEqual([]);
        if (!result.ir) return;
        const ir = PipelineIr.parse(result.ir);
        expect(ir.nodes.filter((n) => n.type === 'watch')).toHaveLength(result.document.statements.filter((s) => s.kind === 'Watch').length);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('check on mutated programs', () => {
  it('never throws; diagnostics stay inside the file and render; error-free programs compile to a valid IR', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(edit, { minLength: 1, maxLength: 6 }), (seed, edits) => {
        const source = new Source(mutate(seed, edits), 'fuzz.ovs');
        const result = check(source);
        for (const d of result.diagnostics) {
          expect(d.range.start).toBeGreaterThanOrEqual(0);
          expect(d.range.end).toBeGreaterThanOrEqual(d.range.start);
          expect(d.range.end).toBeLessThanOrEqual(source.body.length);
          expect(d.code).toMatch(/^OVS\d{4}$/);
          renderDiagnostic(d, source, { color: true });
        }
        diagnosticsToJson([{ source, diagnostics: result.diagnostics }]);
        if (result.ir) PipelineIr.parse(result.ir);
        else expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
