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
