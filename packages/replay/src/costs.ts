/**
 * What a replay cost, per model: the calls a live run would have made (cache hits included),
 * the frames they sent and the visual tokens those frames cost, estimated with the same rules as
 * `ovs plan` (`framesPerCall`, `visualTokensPerFrame` at the clip's resolution), and per hour of
 * footage so that the figures compare with the plan's.
 */
import { framesPerCall, indexGraph, visualTokensPerFrame, type GraphIndex, type Resolution, type View } from '@ovs/ir';
import type { ReplayResult } from './replay.js';

const HOUR_MS = 3_600_000;

export interface ModelUsage {
  /** The name used in the .ovs file. */
  readonly name: string;
  /** The id called (after --model remaps). */
  readonly model: string;
  readonly calls: number;
  readonly watchCalls: number;
  readonly escalationCalls: number;
  readonly failures: number;
  /** Frames sent, as `ovs plan` counts them per call. */
  readonly frames: number;
  /** Visual tokens of those frames; null when the model's family is unknown. */
  readonly estimatedTokens: number | null;
  /** Tokens the backend reported (usage), cached answers included. */
  readonly reportedTokens: number;
  readonly perHour: { readonly calls: number; readonly frames: number; readonly estimatedTokens: number | null };
  /** This replay's response cache lookups for the model's id: answered from the cache, or by the model. */
  readonly cache: { readonly hits: number; readonly misses: number } | null;
}

export function modelUsage(result: ReplayResult): ModelUsage[] {
  const graph = indexGraph(result.ir);
  const metrics = result.summary.metrics.models;
  const hours = result.durationMs / HOUR_MS;
  const resolutionOf = (streamName: string | undefined): Resolution | undefined => {
    const clip = result.clips.find((c) => c.stream === streamName);
    return clip?.width && clip.height ? { width: clip.width, height: clip.height } : undefined;
  };
  const escalationCalls = escalationCallsByNode(result, graph);

  return graph.models.map((node) => {
    const id = metrics[node.name]?.model ?? node.model;
    let frames = 0;
    let tokens: number | null = 0;
    const count = (calls: number, framesEach: number, stream: string | undefined) => {
      frames += calls * framesEach;
      const perFrame = visualTokensPerFrame({ model: id, params: node.params }, resolutionOf(stream)).tokensPerFrame;
      tokens = perFrame === null || tokens === null ? null : tokens + calls * framesEach * perFrame;
    };
    let watchCalls = 0;
    for (const watch of graph.watches) {
      if (!graph.modelsOf(watch.id).some((m) => m.id === node.id)) continue;
      const calls = result.watchCalls[watch.id]?.[node.name] ?? 0;
      const streams = graph.watchStreams(watch.id);
      watchCalls += calls;
      count(calls, framesPerCall(watch.view, streams.length), streams[0]?.name);
    }
    let escalations = 0;
    for (const { view, streams, calls: byModel } of escalationCalls.values()) {
      const calls = byModel.get(node.id) ?? 0;
      if (calls === 0) continue;
      escalations += calls;
      count(calls, framesPerCall(view, streams.length), streams[0]);
    }
    const cache = result.cache ? (result.cache[id] ?? { hits: 0, misses: 0 }) : null;
    const estimatedTokens: number | null = tokens;
    const calls = metrics[node.name]?.calls ?? watchCalls + escalations;
    return {
      name: node.name,
      model: id,
      calls,
      watchCalls,
      escalationCalls: escalations,
      failures: metrics[node.name]?.failures ?? 0,
      frames,
      estimatedTokens,
      reportedTokens: metrics[node.name]?.tokens ?? 0,
      perHour: {
        calls: perHour(calls, hours),
        frames: perHour(frames, hours),
        estimatedTokens: estimatedTokens === null ? null : perHour(estimatedTokens, hours),
      },
      cache: cache ? { hits: cache.hits, misses: cache.misses } : null,
    };
  });
}

function perHour(value: number, hours: number): number {
  return hours > 0 ? value / hours : 0;
}

interface EscalationCalls {
  readonly view: View;
  /** The streams of the events it escalated. */
  readonly streams: string[];
  /** Calls by model node id. */
  readonly calls: Map<string, number>;
}

/**
 * Escalation calls per escalation node and model node, read from the events: a chain's
 * escalations append one record per model, in order, and stop at the first that does not confirm.
 */
function escalationCallsByNode(result: ReplayResult, graph: GraphIndex): Map<string, EscalationCalls> {
  const byNode = new Map<string, EscalationCalls>();
  for (const event of result.events) {
    let next = 0;
    for (const action of graph.chain(event.trigger)) {
      if (action.type !== 'escalation' || next >= event.escalations.length) continue;
      let entry = byNode.get(action.id);
      if (!entry) byNode.set(action.id, (entry = { view: action.view, streams: event.streams.map((s) => s.name), calls: new Map() }));
      for (const model of graph.modelsOf(action.id)) {
        if (next >= event.escalations.length) break;
        entry.calls.set(model.id, (entry.calls.get(model.id) ?? 0) + 1);
        next++;
      }
    }
  }
  return byNode;
}
