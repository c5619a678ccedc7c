/**
 * One watch's tick: ask each of its models about its streams (at the live edge, or at a pinned
 * frame when the backend does not report what it resolved), read the answers tolerantly, vote,
 * feed each trigger's K-of-N window, and start an event flow for every trigger that fires.
 */
import type { TriggerNode, WatchNode } from '@ovs/ir';
import { readWatchAnswer, watchAnswerInstruction, watchResponseFormat, type WatchAnswer } from './answers.js';
import type { ChatRequest } from './backend/chat.js';
import { buildRequest, Priority, type CallOutcome, type ModelCaller, type ModelEntry } from './calls.js';
import type { Budgets } from './budgets.js';
import type { Clock } from './clock.js';
import type { EventFlow } from './actions.js';
import type { PinnedFrame, StreamInfo } from './events.js';
import type { LastAnswer, WatchMetrics } from './metrics.js';
import { refPart, seenFrameRef, watchRef, type RefPart } from './refs.js';
import { newestFrameTimestamp, type BoundStream, type StreamManager } from './streams.js';
import { tickVerdict, TriggerState, type ModelVerdicts } from './triggers.js';
import type { LenientStatus } from './backend/streams-api.js';

/** One model's answer on one tick, as emitted on the handle's `answer` event. */
export interface AnswerRecord {
  time: string;
  watch: string;
  model: string;
  modelName: string;
  streams: StreamInfo[];
  /** How the answer was read; absent when the call failed. */
  method?: WatchAnswer['method'];
  /** The model's text (the first 1000 characters). */
  text?: string;
  labels?: WatchAnswer['labels'];
  error?: string;
  tokens: number;
  latency_ms: number;
  frames: Array<{ stream: string; frame_index: number | null; timestamp_ms: number | null }>;
}

/**
 * How old a stream status may be to pin the frame a watch asks about. The frame is then at most
 * this much older than the live edge, but it is exactly known; and many watches on one stream
 * share one status request.
 */
const PIN_STATUS_MAX_AGE_MS = 200;

/** What one tick asks: the reference per live stream, and each model's request (built on first use). */
interface Asking {
  refs: string[];
  request(model: ModelEntry): ChatRequest;
}

export interface WatchContext {
  clock: Clock;
  caller: ModelCaller;
  budgets: Budgets;
  streams: StreamManager;
  flow: EventFlow;
  /** Whether the backend reports `ovs_resolved`: unknown until the first answer. */
  backendResolves: { value: boolean | undefined };
  /** Whether anyone listens to answers: records are built only for them (most runs have no listener). */
  wantsAnswers(): boolean;
  onAnswer(answer: AnswerRecord): void;
  /** Every stream of the watch has ended: it will not tick again. */
  onFinished(watchId: string): void;
  onBudgetSpent(watchId: string, model: ModelEntry, what: string): void;
}

export class WatchRunner {
  readonly #metrics: Omit<WatchMetrics, 'lastAnswer'>;
  /** The newest readable answer, turned into a `LastAnswer` only when metrics are read. */
  #last: { at: number; model: string; answer: WatchAnswer } | undefined;
  readonly #states = new Map<string, TriggerState>();
  readonly #liveRefs = new Map<string, string>();
  readonly #format;
  readonly #prompt: { system?: string; text: string };
  /** At the live edge, ticks ask the same as long as the same streams are live (they only ever end). */
  #atLiveEdge: { streams: number; asking: Asking } | undefined;

  constructor(
    private readonly ctx: WatchContext,
    readonly watch: WatchNode,
    private readonly streams: BoundStream[],
    private readonly models: ModelEntry[],
    private readonly triggers: TriggerNode[],
  ) {
    this.#metrics = {
      id: watch.id,
      streams: streams.map((s) => s.name),
      periodMs: watch.periodMs,
      ticks: 0,
      skipped: 0,
      outside: 0,
      budgetSkipped: 0,
      inFlight: false,
      calls: 0,
      failures: 0,
      noFrames: 0,
      cancelled: 0,
      unreadable: 0,
      tokens: 0,
      events: 0,
    };
    for (const t of triggers) this.#states.set(t.id, new TriggerState(t));
    const labels = watch.labels;
    this.#format = labels.length > 0 ? watchResponseFormat(labels) : undefined;
    const text = labels.length > 0 ? `${watch.prompt}\n\n${watchAnswerInstruction(labels)}` : watch.prompt;
    this.#prompt = watch.system ? { system: watch.system, text } : { text };
  }

  /** The watch's counters, with its last answer. */
  metrics(): WatchMetrics {
    const last = this.#last;
    if (!last) return { ...this.#metrics };
    const present: LastAnswer['present'] = {};
    for (const [label, verdict] of Object.entries(last.answer.labels)) if (verdict.present) present[label] = verdict.confidence;
    return { ...this.#metrics, lastAnswer: { time: new Date(last.at).toISOString(), model: last.model, method: last.answer.method, present } };
  }

  async tick(): Promise<void> {
    const { clock } = this.ctx;
    const tickAt = clock.now();
    const live = this.streams.filter((s) => s.state !== 'ended');
    if (live.length === 0) {
      this.ctx.onFinished(this.watch.id);
      return;
    }
    const models = this.models.filter((m) => {
      const spent = this.ctx.budgets.exhausted(m.node.id);
      if (!spent) return true;
      this.#metrics.budgetSkipped++;
      this.ctx.onBudgetSpent(this.watch.id, m, `${spent.amount} ${spent.metric} per ${spent.perMs} ms`);
      return false;
    });
    if (models.length === 0) return;

    // Without ovs_resolved, pin the newest frame first so the answer is about a known frame.
    const pinned = this.ctx.backendResolves.value === false ? await this.#statuses(live) : undefined;
    const asking = pinned ? this.#ask(live, pinned) : this.#askAtLiveEdge(live);
    const refs = asking.refs;
    // Retries that would land after the next tick are not made: one failing model must not hold the watch back.
    const deadline = tickAt + this.watch.periodMs;
    const outcomes = await Promise.all(models.map((m) => this.ctx.caller.call(m, Priority.Routine, asking.request(m), deadline)));

    const answers: ModelVerdicts[] = [];
    let tokens = 0;
    const now = clock.now();
    const report = this.ctx.wantsAnswers();
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i]!;
      const model = models[i]!;
      this.#metrics.calls++;
      if (outcome.ok && outcome.resolved !== undefined) this.ctx.backendResolves.value = true;
      else if (outcome.ok && this.ctx.backendResolves.value === undefined) this.ctx.backendResolves.value = false;
      if (!outcome.ok) {
        if (outcome.noFrames) this.#metrics.noFrames++;
        else if (outcome.cancelled) this.#metrics.cancelled++;
        else this.#metrics.failures++;
        this.#metrics.lastError = `${model.node.name}: ${outcome.message}`;
        if (report) this.ctx.onAnswer({ ...this.#record(now, model, outcome, live, refs, pinned), error: outcome.message, tokens: 0 });
        continue;
      }
      tokens += outcome.tokens;
      const answer = readWatchAnswer(outcome.content, this.watch.labels);
      this.#last = { at: now, model: model.node.name, answer };
      if (report) {
        const text = (outcome.content ?? '').slice(0, 1000);
        this.ctx.onAnswer({ ...this.#record(now, model, outcome, live, refs, pinned), method: answer.method, labels: answer.labels, text, tokens: outcome.tokens });
      }
      if (answer.method === 'unreadable') this.#metrics.unreadable++;
      else answers.push({ model: model.id, labels: answer.labels });
    }
    this.#metrics.tokens += tokens;

    let frames: PinnedFrame[] | undefined;
    for (const trigger of this.triggers) {
      const verdict = tickVerdict(trigger, this.watch.vote, answers);
      if (!verdict || !this.#states.get(trigger.id)!.observe(verdict.positive, now)) continue;
      frames ??= await this.#seenFrames(live, refs, outcomes, pinned);
      this.#metrics.events++;
      this.ctx.flow.fire({
        watch: this.watch,
        trigger,
        streams: live,
        labels: verdict.labels,
        confidence: verdict.confidence,
        model: verdict.model ?? answers[0]!.model,
        votes: answers,
        frames,
        tokens,
        tickAt,
      });
    }
  }

  /** What an answer record says whatever the outcome. */
  #record(now: number, model: ModelEntry, outcome: CallOutcome, live: BoundStream[], refs: string[], pinned: Array<LenientStatus | undefined> | undefined) {
    const frames = live.map((s, j) => {
      const f = this.#resolvedFrame(outcome, refs[j]!) ?? this.#pinnedFrame(pinned?.[j]);
      return { stream: s.name, frame_index: f?.index ?? null, timestamp_ms: f?.timestampMs ?? null };
    });
    const streams = live.map((s) => ({ name: s.name, id: s.id }));
    return { time: new Date(now).toISOString(), watch: this.watch.id, model: model.id, modelName: model.node.name, streams, latency_ms: outcome.latencyMs, frames };
  }

  #askAtLiveEdge(live: BoundStream[]): Asking {
    if (this.#atLiveEdge?.streams !== live.length) this.#atLiveEdge = { streams: live.length, asking: this.#ask(live, undefined) };
    return this.#atLiveEdge.asking;
  }

  /** What to ask about `live`: each stream at its pinned frame, else at its live edge. */
  #ask(live: BoundStream[], pinned: Array<LenientStatus | undefined> | undefined): Asking {
    const refs = live.map((s, i) => {
      const index = pinned?.[i]?.last_frame_index;
      return index == null ? this.#liveRef(s.id) : watchRef(this.watch.view, s.id, index);
    });
    const parts: Array<RefPart | { type: 'text'; text: string }> = live.flatMap((s, i) =>
      live.length > 1 ? [{ type: 'text' as const, text: `Stream "${s.name}":` }, refPart(this.watch.view, refs[i]!)] : [refPart(this.watch.view, refs[i]!)],
    );
    const requests = new Map<ModelEntry, ChatRequest>();
    return {
      refs,
      request: (model) => {
        let request = requests.get(model);
        if (!request) requests.set(model, (request = buildRequest(model, this.#prompt, parts, this.#format)));
        return request;
      },
    };
  }

  /** The live-edge reference of a stream never changes: build it once. */
  #liveRef(streamId: string): string {
    let ref = this.#liveRefs.get(streamId);
    if (ref === undefined) this.#liveRefs.set(streamId, (ref = watchRef(this.watch.view, streamId)));
    return ref;
  }

  async #statuses(streams: BoundStream[]): Promise<Array<LenientStatus | undefined>> {
    return Promise.all(streams.map((s) => this.ctx.streams.status(s, PIN_STATUS_MAX_AGE_MS).catch(() => undefined)));
  }

  #resolvedFrame(outcome: CallOutcome, ref: string): { index: number; timestampMs: number } | undefined {
    if (!outcome.ok) return undefined;
    const frame = outcome.resolved?.find((r) => r.url === ref)?.frames.at(-1);
    return frame ? { index: frame.index, timestampMs: frame.timestamp_ms } : undefined;
  }

  #pinnedFrame(status: LenientStatus | undefined): { index: number | null; timestampMs: number | null } | undefined {
    if (!status || status.last_frame_index == null) return undefined;
    return { index: status.last_frame_index, timestampMs: newestFrameTimestamp(status) };
  }

  /** The frame each stream's answer was about: resolved by the backend, pinned before the call, or read from status now. */
  async #seenFrames(streams: BoundStream[], refs: string[], outcomes: CallOutcome[], pinned: Array<LenientStatus | undefined> | undefined): Promise<PinnedFrame[]> {
    return Promise.all(
      streams.map(async (s, i): Promise<PinnedFrame> => {
        const info = { name: s.name, id: s.id };
        const resolved = outcomes.map((o) => this.#resolvedFrame(o, refs[i]!)).find((f) => f !== undefined);
        if (resolved) return this.#pin(info, s.id, resolved.index, resolved.timestampMs, 'resolved');
        const before = this.#pinnedFrame(pinned?.[i]);
        if (before) return this.#pin(info, s.id, before.index, before.timestampMs, 'requested');
        const after = this.#pinnedFrame(await this.ctx.streams.status(s).catch(() => undefined));
        return this.#pin(info, s.id, after?.index ?? null, after?.timestampMs ?? null, 'status');
      }),
    );
  }

  #pin(stream: StreamInfo, streamId: string, index: number | null, timestampMs: number | null, source: PinnedFrame['source']): PinnedFrame {
    const ref = seenFrameRef({ streamId, index, timestampMs }) ?? `ovs://streams/${streamId}`;
    return { stream, ref, frame_index: index, timestamp_ms: timestampMs, source };
  }
}
