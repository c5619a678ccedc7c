/**
 * Escalation: ask a bigger model about the evidence of an event, pinned to stream time.
 *
 * The evidence is the frame the watch saw (absolute `frame_index`) and, for a window, the span
 * `[seen - before, seen + after]` as absolute stream timestamps, so however long the escalation
 * waited in a queue it looks at the same moment. When the window reaches after the event, the
 * escalation first waits until the stream's newest frame has passed the window's end (polling
 * status, for at most `after + escalationWaitMs`); if the frames do not come in time (or the
 * stream ends), it asks about what exists and says so in the record's `note`.
 */
import type { EscalationNode, View } from '@ovs/ir';
import { escalationAnswerInstruction, escalationResponseFormat, readEscalationAnswer } from './answers.js';
import { buildRequest, type ModelCaller, type ModelEntry, Priority } from './calls.js';
import type { Clock } from './clock.js';
import { describeError } from './errors.js';
import type { EscalationRecord, PinnedFrame } from './events.js';
import { escalationRef, refPart } from './refs.js';
import { newestFrameTimestamp, type BoundStream, type StreamManager } from './streams.js';

export interface EscalationInput {
  node: EscalationNode;
  models: ModelEntry[];
  /** What the watch saw, one entry per stream (same order as `streams`). */
  frames: PinnedFrame[];
  streams: BoundStream[];
  labels: string[];
  confidence: number | null;
}

export interface EscalatorOptions {
  caller: ModelCaller;
  streams: StreamManager;
  clock: Clock;
  escalationWaitMs: number;
  signal: AbortSignal;
}

export class Escalator {
  constructor(private readonly options: EscalatorOptions) {}

  /** One record per escalation model; every model must confirm for the escalation to pass. */
  async run(input: EscalationInput): Promise<EscalationRecord[]> {
    const { node } = input;
    const evidence: string[] = [];
    const notes: string[] = [];
    for (const [i, stream] of input.streams.entries()) {
      const frame = input.frames[i]!;
      const seen = { streamId: stream.id, index: frame.frame_index, timestampMs: frame.timestamp_ms };
      const endTs = await this.#waitForWindow(node.view, stream, frame, notes);
      const ref = escalationRef(node.view, seen, endTs);
      if (!ref.pinned) notes.push(`stream ${stream.name}: the frame the watch saw is unknown; the evidence is relative to now`);
      evidence.push(ref.url);
    }
    const parts = evidence.map((url, i) =>
      input.streams.length > 1 ? [{ type: 'text' as const, text: `Stream "${input.streams[i]!.name}":` }, refPart(node.view, url)] : [refPart(node.view, url)],
    );
    const text = [node.prompt, this.#context(input), escalationAnswerInstruction].join('\n\n');
    const note = notes.length > 0 ? [...new Set(notes)].join('; ') : undefined;
    return Promise.all(
      input.models.map(async (model): Promise<EscalationRecord> => {
        const request = buildRequest(model, { text }, parts.flat(), escalationResponseFormat);
        const outcome = await this.options.caller.call(model, Priority.Escalation, request);
        const base = { model: model.id, evidence, latency_ms: outcome.latencyMs, ...(note ? { note } : {}) };
        if (!outcome.ok) {
          return { ...base, confirmed: false, confidence: null, description: '', tokens: 0, error: `the escalation call failed: ${outcome.message}` };
        }
        const answer = readEscalationAnswer(outcome.content);
        return {
          ...base,
          confirmed: answer.confirmed,
          confidence: answer.confidence,
          description: answer.description,
          tokens: outcome.tokens,
          ...(answer.method === 'unreadable' ? { error: 'the answer could not be read as {confirmed, confidence, description}' } : {}),
        };
      }),
    );
  }

  #context(input: EscalationInput): string {
    const labels = input.labels.map((l) => JSON.stringify(l)).join(' or ');
    const conf = input.confidence === null ? '' : ` (confidence ${input.confidence.toFixed(2)})`;
    const at = input.frames
      .map((f) => (f.timestamp_ms === null ? undefined : `${f.stream.name} at ${(f.timestamp_ms / 1000).toFixed(1)} s of stream time`))
      .filter(Boolean)
      .join(', ');
    return `A watching model reported ${labels}${conf}${at ? ` on ${at}` : ''}.`;
  }

  /** The end timestamp to use when the window reaches after the event and not all of it exists. */
  async #waitForWindow(view: View, stream: BoundStream, frame: PinnedFrame, notes: string[]): Promise<number | undefined> {
    if (view.kind !== 'window' || view.afterMs === 0 || frame.timestamp_ms === null) return undefined;
    const { clock, streams, escalationWaitMs, signal } = this.options;
    const target = frame.timestamp_ms + view.afterMs;
    const deadline = clock.now() + view.afterMs + escalationWaitMs;
    const pollMs = Math.min(1000, Math.max(100, Math.round(view.afterMs / 5)));
    let newest: number | null = null;
    for (;;) {
      try {
        const status = await streams.status(stream);
        newest = newestFrameTimestamp(status);
        if (newest !== null && newest >= target) return undefined;
        if (status.state === 'ended') {
          notes.push(`stream ${stream.name} ended before the window's end; it stops at the last frame`);
          return Math.max(frame.timestamp_ms, newest ?? frame.timestamp_ms);
        }
      } catch (error) {
        notes.push(`stream ${stream.name}: status unavailable while waiting (${describeError(error)})`);
      }
      if (clock.now() >= deadline || signal.aborted) break;
      try {
        await clock.sleep(Math.min(pollMs, Math.max(1, deadline - clock.now())), signal);
      } catch {
        break; // the run is stopping: ask about what exists now
      }
    }
    notes.push(`waited for frames up to ${target} ms of stream time; the window ends at ${newest ?? frame.timestamp_ms} ms instead`);
    return Math.max(frame.timestamp_ms, newest ?? frame.timestamp_ms);
  }
}
