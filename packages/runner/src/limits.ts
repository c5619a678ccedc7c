/**
 * Concurrency limits: pipeline-wide, per backend and per model. Each is a p-limit with a
 * priority queue in front of it: a job enters p-limit only when a slot is free, and the most
 * urgent waiting job (escalations before routine watch calls, then first come first served)
 * takes it. So a saturated watch load delays an escalation by at most one call's duration, never
 * starves it.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { MinHeap } from './heap.js';

export enum Priority {
  Escalation = 0,
  Routine = 1,
}

interface Waiting {
  priority: Priority;
  seq: number;
  start(): void;
}

export class PriorityGate {
  readonly #limit: LimitFunction;
  readonly #waiting = new MinHeap<Waiting>((a, b) => a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq));
  #seq = 0;
  #running = 0;

  constructor(readonly concurrency: number) {
    this.#limit = pLimit(concurrency);
  }

  get active(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.size;
  }

  run<T>(priority: Priority, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({
        priority,
        seq: this.#seq++,
        start: () => {
          this.#running++;
          this.#limit(fn)
            .then(resolve, reject)
            .finally(() => {
              this.#running--;
              this.#pump();
            });
        },
      });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#running < this.concurrency && this.#waiting.size > 0) this.#waiting.pop()!.start();
  }
}

export interface CallLimitsConfig {
  pipeline: number;
  /** Optional cap for the whole backend (e.g. a hosted rate plan), on top of the pipeline's. */
  backend?: number;
  /** Per model node id. */
  models: Record<string, number>;
}

/** The gates one call passes through, narrowest first, so waiting never holds a wide slot. */
export class CallLimits {
  readonly #pipeline: PriorityGate;
  readonly #backend: PriorityGate | undefined;
  readonly #models = new Map<string, PriorityGate>();

  constructor(config: CallLimitsConfig) {
    this.#pipeline = new PriorityGate(config.pipeline);
    this.#backend = config.backend ? new PriorityGate(config.backend) : undefined;
    for (const [model, limit] of Object.entries(config.models)) this.#models.set(model, new PriorityGate(limit));
  }

  run<T>(modelNodeId: string, priority: Priority, fn: () => Promise<T>): Promise<T> {
    const gates = [this.#models.get(modelNodeId), this.#backend, this.#pipeline].filter((g) => g !== undefined);
    const nested = gates.reduceRight<() => Promise<T>>((inner, gate) => () => gate.run(priority, inner), fn);
    return nested();
  }

  /** Calls holding a pipeline slot now. */
  get active(): number {
    return this.#pipeline.active;
  }

  /** Calls waiting for a pipeline slot now. */
  get queued(): number {
    return this.#pipeline.waiting;
  }
}
