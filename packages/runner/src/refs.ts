/**
 * The `ovs://` references a call sends, built with the protocol's builders (so the runner never
 * builds a reference the server would reject).
 *
 * A watch looks at the live edge: `frame_index=-1`, or a window `start_offset_ms=-D`. When the
 * backend does not report what its references resolved to, the watch pins the newest frame
 * first (from stream status) and asks for exactly that frame. An escalation always uses absolute
 * anchors — the frame the watch saw, and its window as stream timestamps — so time spent queueing
 * never shifts the evidence.
 */
import type { View } from '@ovs/ir';
import { buildImageRef, buildVideoRef } from '@ovs/protocol';

export type RefPart =
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'video_url'; video_url: { url: string } };

export function refPart(view: View, url: string): RefPart {
  return view.kind === 'frame' ? { type: 'image_url', image_url: { url } } : { type: 'video_url', video_url: { url } };
}

/** What a watch asks about one stream: the live edge, or the frame `pinnedIndex` when given. */
export function watchRef(view: View, streamId: string, pinnedIndex?: number): string {
  if (view.kind === 'frame') return buildImageRef(streamId, { kind: 'frame_index', value: pinnedIndex ?? -1 });
  return buildVideoRef(
    streamId,
    { kind: 'offset_ms', value: -view.beforeMs },
    pinnedIndex === undefined ? null : { kind: 'frame_index', value: pinnedIndex },
    { maxFps: view.maxFps },
  );
}

/** The frame a watch saw, in stream terms. */
export interface SeenFrame {
  streamId: string;
  index: number | null;
  timestampMs: number | null;
}

/** An absolute reference to exactly the frame seen (for the event record), or undefined when unknown. */
export function seenFrameRef(seen: SeenFrame): string | undefined {
  return seen.index === null ? undefined : buildImageRef(seen.streamId, { kind: 'frame_index', value: seen.index });
}

/**
 * What an escalation asks about one stream. `endTimestampMs` cuts a window that reaches after
 * the event short at the newest frame that exists (when waiting for the rest timed out).
 * `pinned` is false when the seen frame is unknown and relative anchors had to be used.
 */
export function escalationRef(view: View, seen: SeenFrame, endTimestampMs?: number): { url: string; pinned: boolean } {
  const { streamId, index, timestampMs } = seen;
  if (view.kind === 'frame') {
    if (index !== null) return { url: buildImageRef(streamId, { kind: 'frame_index', value: index }), pinned: true };
    if (timestampMs !== null) return { url: buildImageRef(streamId, { kind: 'timestamp_ms', value: timestampMs }), pinned: true };
    return { url: buildImageRef(streamId, { kind: 'frame_index', value: -1 }), pinned: false };
  }
  const opts = { maxFps: view.maxFps };
  if (timestampMs !== null) {
    const start = { kind: 'timestamp_ms' as const, value: Math.max(0, Math.round(timestampMs - view.beforeMs)) };
    const end =
      view.afterMs === 0 && index !== null
        ? { kind: 'frame_index' as const, value: index }
        : { kind: 'timestamp_ms' as const, value: Math.round(endTimestampMs ?? timestampMs + view.afterMs) };
    return { url: buildVideoRef(streamId, start, end, opts), pinned: true };
  }
  if (index !== null && view.afterMs === 0) {
    return { url: buildVideoRef(streamId, { kind: 'offset_ms', value: -view.beforeMs }, { kind: 'frame_index', value: index }, opts), pinned: false };
  }
  return { url: buildVideoRef(streamId, { kind: 'offset_ms', value: -view.beforeMs }, null, opts), pinned: false };
}
