import { describe, expect, it } from 'vitest';
import type { Vote } from '@ovs/ir';
import { isPositive, tickVerdict, TriggerState, votePasses } from './triggers.js';

describe('K of N with cooldown', () => {
  it.each([
    // k, n, cooldown, verdicts (1 = positive), expected fires (1 = fired on that tick)
    [1, 1, 0, '1101', '1101'],
    [2, 3, 0, '1010110', '0010110'],
    [2, 3, 0, '1001001', '0000000'],
    [3, 3, 0, '1111', '0011'],
    [2, 3, 2500, '1111111', '0100100'], // ticks 1 s apart: fire, then quiet until the cooldown has passed
    [1, 1, 1000, '111', '111'],          // a cooldown equal to the period does not suppress the next tick
  ])('k=%i n=%i cooldown=%i: %s fires %s', (k, n, cooldownMs, verdicts, expected) => {
    const state = new TriggerState({ k, n, cooldownMs });
    const fired = [...verdicts].map((v, i) => (state.observe(v === '1', i * 1000) ? '1' : '0')).join('');
    expect(fired).toBe(expected);
  });
});

describe('above and votes', () => {
  it.each([
    [{ present: true, confidence: 0.9 }, null, true],
    [{ present: true, confidence: null }, null, true],
    [{ present: true, confidence: 0.79 }, 0.8, false],
    [{ present: true, confidence: 0.8 }, 0.8, true],
    [{ present: true, confidence: null }, 0.8, false],
    [{ present: false, confidence: 0.99 }, null, false],
  ] as const)('%j above %s -> %s', (verdict, above, expected) => {
    expect(isPositive(verdict, above)).toBe(expected);
  });

  it.each([
    [{ mode: 'all' }, 2, 2, true],
    [{ mode: 'all' }, 1, 2, false],
    [{ mode: 'any' }, 1, 3, true],
    [{ mode: 'any' }, 0, 3, false],
    [{ mode: 'majority' }, 2, 3, true],
    [{ mode: 'majority' }, 1, 2, false],
    [{ mode: 'at_least', count: 2 }, 2, 3, true],
    [{ mode: 'at_least', count: 2 }, 1, 1, false],
    [{ mode: 'any' }, 0, 0, false],
  ] as [Vote, number, number, boolean][])('%j with %i of %i positive -> %s', (vote, positives, voters, expected) => {
    expect(votePasses(vote, positives, voters)).toBe(expected);
  });

  it('votes per label across models and reports the winning labels and confidence', () => {
    const trigger = { labels: ['fire', 'smoke'], above: 0.5 };
    const answers = [
      { model: 'a', labels: { fire: { present: true, confidence: 0.9 }, smoke: { present: true, confidence: 0.6 } } },
      { model: 'b', labels: { fire: { present: true, confidence: 0.7 }, smoke: { present: false, confidence: 0.2 } } },
    ];
    expect(tickVerdict(trigger, { mode: 'all' }, answers)).toEqual({ positive: true, labels: ['fire'], confidence: 0.8, model: 'a' });
    expect(tickVerdict(trigger, { mode: 'any' }, answers)!.labels).toEqual(['fire', 'smoke']);
    expect(tickVerdict({ labels: ['smoke'], above: null }, { mode: 'all' }, answers)!.positive).toBe(false);
    expect(tickVerdict(trigger, { mode: 'all' }, [])).toBeUndefined();
  });
});
