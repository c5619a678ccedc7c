/**
 * From answers to firing: votes of several models per label, `above X`, `K of N` windows and
 * cooldowns, as the language defines them.
 *
 * - A model's verdict on a label is positive when it says present and, if the trigger has
 *   `above X`, its confidence is known and at least X.
 * - Several models watching one watch vote per label (`all`, `any`, `majority`, `at_least N`).
 *   A model whose call failed or whose answer was unreadable abstains: the vote is over the models
 *   that answered, and a tick where none answered does not enter the K-of-N window at all.
 * - A trigger's verdict for a tick is positive when any of its labels won its vote; it fires when
 *   at least K of its last N verdicts were positive, the newest among them, unless it fired less
 *   than `cooldown` ago (verdicts still enter the window during a cooldown).
 */
import type { TriggerNode, Vote } from '@ovs/ir';
import type { LabelVerdict } from './answers.js';

/** One model's readable answer on one tick. */
export interface ModelVerdicts {
  /** Model id as sent to the backend. */
  model: string;
  labels: Record<string, LabelVerdict>;
}

export interface TickVerdict {
  positive: boolean;
  /** Labels that won their vote. */
  labels: string[];
  /** Mean confidence of the positive voters on the strongest label, when any gave one. */
  confidence: number | null;
  /** The positive model with the highest confidence on a winning label. */
  model: string | undefined;
}

export function isPositive(verdict: LabelVerdict | undefined, above: number | null): boolean {
  if (!verdict?.present) return false;
  if (above === null) return true;
  return verdict.confidence !== null && verdict.confidence >= above;
}

export function votePasses(vote: Vote, positives: number, voters: number): boolean {
  if (voters === 0) return false;
  switch (vote.mode) {
    case 'all':
      return positives === voters;
    case 'any':
      return positives >= 1;
    case 'majority':
      return positives * 2 > voters;
    case 'at_least':
      return positives >= vote.count;
  }
}

/** Combines the readable answers of one tick into the trigger's verdict; undefined when nobody answered. */
export function tickVerdict(trigger: Pick<TriggerNode, 'labels' | 'above'>, vote: Vote, answers: readonly ModelVerdicts[]): TickVerdict | undefined {
  if (answers.length === 0) return undefined;
  const result: TickVerdict = { positive: false, labels: [], confidence: null, model: undefined };
  let best = -1;
  for (const label of trigger.labels) {
    const voters = answers.filter((a) => isPositive(a.labels[label], trigger.above));
    if (!votePasses(vote, voters.length, answers.length)) continue;
    result.positive = true;
    result.labels.push(label);
    const confidences = voters.map((v) => v.labels[label]!.confidence).filter((c): c is number => c !== null);
    const mean = confidences.length > 0 ? confidences.reduce((a, b) => a + b, 0) / confidences.length : null;
    if ((mean ?? 0) > best || result.model === undefined) {
      best = mean ?? 0;
      result.confidence = mean;
      const strongest = [...voters].sort((a, b) => (b.labels[label]!.confidence ?? 0) - (a.labels[label]!.confidence ?? 0))[0];
      result.model = strongest?.model;
    }
  }
  return result;
}

/** The K-of-N window and cooldown of one trigger on one stream (or set of streams). */
export class TriggerState {
  readonly #window: boolean[] = [];
  #cooldownUntil = -Infinity;

  constructor(readonly trigger: Pick<TriggerNode, 'k' | 'n' | 'cooldownMs'>) {}

  /** Adds a tick's verdict; true when the trigger fires now. */
  observe(positive: boolean, now: number): boolean {
    this.#window.push(positive);
    if (this.#window.length > this.trigger.n) this.#window.shift();
    // Fire on a positive tick only: the event's evidence is the frame of a positive answer.
    if (!positive || now < this.#cooldownUntil) return false;
    const count = this.#window.reduce((sum, p) => sum + (p ? 1 : 0), 0);
    if (count < this.trigger.k) return false;
    this.#cooldownUntil = now + this.trigger.cooldownMs;
    return true;
  }

  /** Positives in the current window, for status lines. */
  get positives(): number {
    return this.#window.filter(Boolean).length;
  }
}
