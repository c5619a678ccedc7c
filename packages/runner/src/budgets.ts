/**
 * Budgets: at most `amount` calls or tokens per sliding window of `perMs`, for one model or the
 * whole pipeline. When a budget is spent, routine watch calls are skipped (and counted) until the
 * window slides past enough usage; escalations are never skipped by a budget (they are rare and
 * carry an event already fired) but their usage counts against it.
 */
import type { Budget } from '@ovs/ir';
import type { Clock } from './clock.js';

interface Usage {
  at: number;
  amount: number;
}

class SlidingBudget {
  readonly #usage: Usage[] = [];
  #head = 0;
  #total = 0;

  constructor(readonly budget: Budget) {}

  appliesTo(modelNodeId: string): boolean {
    return this.budget.model === undefined || this.budget.model === modelNodeId;
  }

  spent(now: number): boolean {
    this.#expire(now);
    return this.#total >= this.budget.amount;
  }

  record(now: number, calls: number, tokens: number): void {
    const amount = this.budget.metric === 'calls' ? calls : tokens;
    if (amount <= 0) return;
    this.#usage.push({ at: now, amount });
    this.#total += amount;
  }

  #expire(now: number): void {
    const horizon = now - this.budget.perMs;
    while (this.#head < this.#usage.length && this.#usage[this.#head]!.at <= horizon) {
      this.#total -= this.#usage[this.#head]!.amount;
      this.#head++;
    }
    // Compact now and then so a long run does not keep every entry.
    if (this.#head > 1024 && this.#head * 2 > this.#usage.length) {
      this.#usage.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

export class Budgets {
  readonly #budgets: SlidingBudget[];
  readonly #clock: Clock;

  constructor(budgets: readonly Budget[], clock: Clock) {
    this.#budgets = budgets.map((b) => new SlidingBudget(b));
    this.#clock = clock;
  }

  /** The first spent budget that stops a routine call to this model, if any. */
  exhausted(modelNodeId: string): Budget | undefined {
    const now = this.#clock.now();
    return this.#budgets.find((b) => b.appliesTo(modelNodeId) && b.spent(now))?.budget;
  }

  /** Counts one call (at its start) ... */
  recordCall(modelNodeId: string): void {
    this.#record(modelNodeId, 1, 0);
  }

  /** ... and its tokens (when the answer arrives). */
  recordTokens(modelNodeId: string, tokens: number): void {
    this.#record(modelNodeId, 0, tokens);
  }

  #record(modelNodeId: string, calls: number, tokens: number): void {
    const now = this.#clock.now();
    for (const b of this.#budgets) if (b.appliesTo(modelNodeId)) b.record(now, calls, tokens);
  }
}
