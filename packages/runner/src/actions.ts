/**
 * What happens when a trigger fires: the `fired` record is written to the event log first, then
 * shown (stdout, the handle's events) and handed to the chain's actions in order. Each
 * `escalate` is a gate: its result is recorded (`confirmed`, `rejected`, or `failed` when it
 * could not answer) and the actions after it run only when it confirmed; `notify` delivers the
 * record as it stands at that point.
 */
import { randomUUID } from 'node:crypto';
import type { GraphIndex, TriggerNode, WatchNode } from '@ovs/ir';
import type { ModelEntry } from './calls.js';
import type { Clock } from './clock.js';
import { describeError } from './errors.js';
import type { Escalator } from './escalation.js';
import type { EventCounts } from './metrics.js';
import type { EventRecord, JsonlAppender, PinnedFrame, Vote } from './events.js';
import type { Dispatcher } from './sinks/index.js';
import type { BoundStream } from './streams.js';

export interface Firing {
  watch: WatchNode;
  trigger: TriggerNode;
  streams: BoundStream[];
  labels: string[];
  confidence: number | null;
  model: string;
  votes: Vote[];
  frames: PinnedFrame[];
  tokens: number;
  /** When the tick that fired started (clock ms). */
  tickAt: number;
}

export interface EventFlowOptions {
  graph: GraphIndex;
  clock: Clock;
  escalator: Escalator;
  dispatcher: Dispatcher;
  /** The run's event log, when there is one. */
  log: JsonlAppender | undefined;
  modelsOf(nodeId: string): ModelEntry[];
  /** Shown after the record is logged: the handle's `event` emitter and iterator. */
  publish(record: EventRecord): void;
  onLogError(record: EventRecord, error: unknown): void;
  /** The pipeline file, for each record's rule location. */
  file: string | undefined;
}

export class EventFlow {
  readonly counts: EventCounts = { fired: 0, confirmed: 0, rejected: 0, failed: 0 };
  readonly #running = new Set<Promise<void>>();

  constructor(private readonly options: EventFlowOptions) {}

  /** Starts an event's flow; it runs in the background (see `idle`). Never rejects. */
  fire(firing: Firing): void {
    const flow = this.#flow(firing).catch(() => {});
    this.#running.add(flow);
    void flow.finally(() => this.#running.delete(flow));
  }

  /** Resolves when every event flow in progress has finished. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  get active(): number {
    return this.#running.size;
  }

  async #flow(firing: Firing): Promise<void> {
    const { graph, clock } = this.options;
    const loc = firing.trigger.loc;
    let record: EventRecord = {
      id: randomUUID(),
      time: new Date(clock.now()).toISOString(),
      status: 'fired',
      rule: { ...(this.options.file ? { file: this.options.file } : {}), ...(loc ? { line: loc.line, column: loc.column } : {}) },
      watch: firing.watch.id,
      trigger: firing.trigger.id,
      stream: { name: firing.streams[0]!.name, id: firing.streams[0]!.id },
      streams: firing.streams.map((s) => ({ name: s.name, id: s.id })),
      label: firing.labels[0]!,
      labels: firing.labels,
      confidence: firing.confidence,
      model: firing.model,
      votes: firing.votes,
      frames: firing.frames,
      escalations: [],
      tokens: firing.tokens,
      latency_ms: clock.now() - firing.tickAt,
    };
    await this.#record(record);
    for (const action of graph.chain(firing.trigger.id)) {
      if (action.type === 'notify') {
        const sink = graph.sinkOf(action.id);
        // stdout already shows every record.
        if (sink.name !== 'stdout' && sink.sink !== 'stdout') this.options.dispatcher.send(sink.name, record);
        continue;
      }
      const answers = await this.options.escalator.run({
        node: action,
        models: this.options.modelsOf(action.id),
        frames: firing.frames,
        streams: firing.streams,
        labels: firing.labels,
        confidence: firing.confidence,
      });
      const confirmed = answers.length > 0 && answers.every((a) => a.confirmed && !a.error);
      const rejected = answers.some((a) => !a.confirmed && a.error === undefined);
      record = {
        ...record,
        time: new Date(clock.now()).toISOString(),
        status: confirmed ? 'confirmed' : rejected ? 'rejected' : 'failed',
        escalations: [...record.escalations, ...answers],
        tokens: record.tokens + answers.reduce((sum, a) => sum + a.tokens, 0),
        latency_ms: clock.now() - firing.tickAt,
      };
      await this.#record(record);
      if (!confirmed) return;
    }
  }

  /** Event log first (flushed), then everything else. */
  async #record(record: EventRecord): Promise<void> {
    this.counts[record.status]++;
    if (this.options.log) {
      try {
        await this.options.log.append(record);
      } catch (error) {
        this.options.onLogError(record, new Error(`cannot write the event log: ${describeError(error)}`));
      }
    }
    this.options.dispatcher.send('stdout', record);
    this.options.publish(record);
  }
}
