/** Counters a run keeps per watch and per model, as reported by `metrics()` and the summary. */
import type { ReadMethod } from './answers.js';

export interface LastAnswer {
  time: string;
  model: string;
  method: ReadMethod;
  /** Labels the model said were present, with their confidence. */
  present: Record<string, number | null>;
}

export interface WatchMetrics {
  id: string;
  streams: string[];
  periodMs: number;
  /** Ticks that ran. */
  ticks: number;
  /** Ticks not run because the previous one was still in flight. */
  skipped: number;
  /** Ticks passed over by a `between` schedule. */
  outside: number;
  /** Model calls not made because a budget was spent. */
  budgetSkipped: number;
  inFlight: boolean;
  calls: number;
  failures: number;
  /** Calls answered "no frame yet" (a source still connecting): not counted as failures. */
  noFrames: number;
  /** Calls cancelled because the run stopped before they finished: not counted as failures. */
  cancelled: number;
  unreadable: number;
  tokens: number;
  events: number;
  lastAnswer?: LastAnswer;
  lastError?: string;
}

export interface ModelMetrics {
  name: string;
  /** The id sent to the backend. */
  model: string;
  calls: number;
  failures: number;
  retries: number;
  tokens: number;
  latencyMs: SampleSummary;
  consecutiveFailures: number;
  /** True after `failingAfter` failures in a row, until a call succeeds. */
  failing: boolean;
  lastError?: string;
}

export interface EventCounts {
  fired: number;
  confirmed: number;
  rejected: number;
  failed: number;
}

export interface SampleSummary {
  last: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Keeps the last 512 samples (latencies, tick lateness) for percentiles; mean and max over all. */
export class RecentSamples {
  readonly #samples: number[] = [];
  #next = 0;
  #count = 0;
  #sum = 0;
  #max = 0;
  last = 0;

  add(ms: number): void {
    if (this.#samples.length < 512) this.#samples.push(ms);
    else this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % 512;
    this.#count++;
    this.#sum += ms;
    this.#max = Math.max(this.#max, ms);
    this.last = ms;
  }

  summary(): SampleSummary {
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { last: this.last, mean: this.#count ? Math.round(this.#sum / this.#count) : 0, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: this.#max };
  }
}

export class ModelCounter {
  readonly #latency = new RecentSamples();
  readonly metrics: Omit<ModelMetrics, 'latencyMs'>;

  constructor(
    name: string,
    model: string,
    private readonly failingAfter: number,
  ) {
    this.metrics = { name, model, calls: 0, failures: 0, retries: 0, tokens: 0, consecutiveFailures: 0, failing: false };
  }

  /** Records a success; true when the model was failing and has recovered. */
  succeeded(latencyMs: number, tokens: number): boolean {
    const m = this.metrics;
    m.calls++;
    m.tokens += tokens;
    m.consecutiveFailures = 0;
    this.#latency.add(latencyMs);
    const recovered = m.failing;
    m.failing = false;
    return recovered;
  }

  /** Records a failure; true when this failure makes the model "failing". */
  failed(error: string): boolean {
    const m = this.metrics;
    m.calls++;
    m.failures++;
    m.consecutiveFailures++;
    m.lastError = error;
    if (!m.failing && m.consecutiveFailures >= this.failingAfter) {
      m.failing = true;
      return true;
    }
    return false;
  }

  snapshot(): ModelMetrics {
    return { ...this.metrics, latencyMs: this.#latency.summary() };
  }
}
