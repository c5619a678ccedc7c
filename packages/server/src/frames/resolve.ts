/**
 * Resolution of parsed `ovs://` references against a stream's ring, per the seed rules.
 *
 * "Now" is the live edge at request time, on the stream clock: the newest frame's timestamp
 * plus the wall time since it arrived (`FrameRing.streamTimeAt(nowMs)`). Negative
 * `frame_index` counts back from the newest frame (-1 = newest); `offset_ms` is added to now;
 * `timestamp_ms` is absolute stream time.
 *
 * Rules (every failure is a 422 with a hosted error code):
 * - A stream with no frames yet: `frame_not_yet_produced`.
 * - A frame index newer than the newest frame: `frame_not_yet_produced` (no waiting).
 * - Old anchors clamp up to the oldest retained frame (the seeds' rule for frame_index; applied
 *   to time anchors too, since a gap before the oldest frame is eviction, not a missing frame).
 * - A time anchor ahead of now: `frame_not_yet_produced`, except a video's end anchor, which
 *   is cut to the live edge (so `start_timestamp_ms=0&end_timestamp_ms=300000` means "the
 *   first 5 minutes, or as much of them as exists").
 * - Image time anchors snap to a frame within `tolerance_ms`: `nearest` takes the closer of
 *   the frames on either side (the earlier on a tie), `forward` the first at or after the
 *   target, `backward` the last at or before. None within tolerance: `segment_empty` (the
 *   hosted service's code for "no retained frames matched"). With `frame_index`, tolerance and
 *   direction are ignored.
 * - Video: a start after the end is `segment_invalid`; a window holding no retained frame is
 *   `segment_empty`. Sampling: a window spanning D ms between its first and last frame yields
 *   at most floor(D / 1000 * max_fps) + 1 frames, targeted at evenly spaced stream times from
 *   its first to its last frame (both included), each taking the nearest frame, in order, no
 *   frame twice. A window that yields one frame yields its newest.
 */
import { refError, type ImageRef, type RefError, type ResolvedFrameInfo, type FrameAnchor, type VideoRef } from '@ovs/protocol';
import type { Frame, FrameRing } from './ring.js';

export type Resolution = { readonly ok: true; readonly frames: Frame[] } | { readonly ok: false; readonly error: RefError };

export interface ResolveVideoOptions {
  /** Refuse windows that would yield more frames than this (`segment_invalid`). */
  readonly maxFrames?: number;
}

export function resolveImage(ring: FrameRing, ref: ImageRef, nowMs: number): Resolution {
  const newest = ring.newest;
  const oldest = ring.oldest;
  if (newest === undefined || oldest === undefined) return noFrames(ref.streamId);
  const { anchor } = ref;

  if (anchor.kind === 'frame_index') {
    const index = absoluteIndex(anchor.value, newest);
    if (index > newest.index) return futureIndex('frame_index', anchor.value, newest);
    return found(ring.get(Math.max(index, oldest.index))!);
  }

  const now = ring.streamTimeAt(nowMs);
  const target = anchor.kind === 'timestamp_ms' ? anchor.value : now + anchor.value;
  const key = anchor.kind;
  if (target > now) return futureTime(key, anchor.value, target, now);
  if (target < oldest.timestampMs) return found(oldest);

  const before = ring.lastAtOrBefore(target);
  const after = ring.firstAtOrAfter(target);
  let pick: Frame | undefined;
  if (ref.direction === 'backward') pick = before;
  else if (ref.direction === 'forward') pick = after;
  else pick = before === undefined || (after !== undefined && after.timestampMs - target < target - before.timestampMs) ? after : before;

  if (pick !== undefined && Math.abs(pick.timestampMs - target) <= ref.toleranceMs) return found(pick);
  const around = [before, after]
    .filter((f): f is Frame => f !== undefined)
    .map((f) => `${f.timestampMs} ms (index ${f.index})`)
    .join(' and ');
  return failure(
    'segment_empty',
    `no frame within tolerance_ms=${ref.toleranceMs} ${ref.direction === 'nearest' ? 'of' : ref.direction === 'forward' ? 'at or after' : 'at or before'} stream time ${target} ms (${key}=${anchor.value}); the closest frames are at ${around}: raise tolerance_ms, change direction, or use frame_index`,
    key,
  );
}

export function resolveVideo(ring: FrameRing, ref: VideoRef, nowMs: number, options: ResolveVideoOptions = {}): Resolution {
  const newest = ring.newest;
  const oldest = ring.oldest;
  if (newest === undefined || oldest === undefined) return noFrames(ref.streamId);
  const now = ring.streamTimeAt(nowMs);

  // Each bound is a lifetime index or a stream time, as the reference gave it.
  const start = bound(ref.start, now, newest);
  if (start.kind === 'index' && start.index > newest.index) return futureIndex('start_frame_index', ref.start.value, newest);
  if (start.kind === 'time' && start.t > now) return futureTime('start_' + ref.start.kind, ref.start.value, start.t, now);
  const end = ref.end === null ? ({ kind: 'time', t: now } as const) : bound(ref.end, now, newest);
  if (end.kind === 'index' && end.index > newest.index) return futureIndex('end_frame_index', ref.end!.value, newest);

  const startTime = start.kind === 'time' ? start.t : ring.get(start.index)?.timestampMs;
  const endTime = end.kind === 'time' ? end.t : ring.get(end.index)?.timestampMs;
  const inverted =
    start.kind === 'index' && end.kind === 'index'
      ? start.index > end.index
      : startTime !== undefined && endTime !== undefined && startTime > endTime;
  if (inverted) {
    return failure(
      'segment_invalid',
      `the window starts after it ends (${describe('start', ref.start)} resolves ${describeBound(start)}, ${describe('end', ref.end!)} resolves ${describeBound(end)}): put the start before the end`,
      `end_${ref.end!.kind}`,
    );
  }

  const first = start.kind === 'index' ? Math.max(start.index, oldest.index) : ring.firstAtOrAfter(start.t)?.index;
  const last = end.kind === 'index' ? end.index : ring.lastAtOrBefore(Math.min(end.t, now))?.index;
  if (first === undefined || last === undefined || first > last) {
    return failure(
      'segment_empty',
      `no retained frame in the window from ${describeBound(start)} to ${end.kind === 'time' ? `stream time ${Math.min(end.t, now)} ms` : describeBound(end)}; retained frames are indices ${oldest.index}..${newest.index} (${oldest.timestampMs}..${newest.timestampMs} ms, now ${now} ms): widen the window or move it into the retained range`,
    );
  }

  const frames = sample(ring, first, last, ref.maxFps);
  if (options.maxFrames !== undefined && frames.length > options.maxFrames) {
    return failure(
      'segment_invalid',
      `the window yields ${frames.length} frames at max_fps=${ref.maxFps}; the limit is ${options.maxFrames}: lower max_fps or shorten the window`,
      'max_fps',
    );
  }
  return { ok: true, frames };
}

/** The wire description of a resolved frame (for `/v1/resolve` and `ovs_resolved`). */
export function describeFrame(frame: Frame): ResolvedFrameInfo {
  return { index: frame.index, timestamp_ms: frame.timestampMs, bytes: frame.jpeg.byteLength, width: frame.width, height: frame.height };
}

type Bound = { readonly kind: 'index'; readonly index: number } | { readonly kind: 'time'; readonly t: number };

function bound(anchor: FrameAnchor, now: number, newest: Frame): Bound {
  switch (anchor.kind) {
    case 'frame_index':
      return { kind: 'index', index: absoluteIndex(anchor.value, newest) };
    case 'timestamp_ms':
      return { kind: 'time', t: anchor.value };
    case 'offset_ms':
      return { kind: 'time', t: now + anchor.value };
  }
}

/** Negative indices count back from the newest frame: -1 is the newest. */
function absoluteIndex(value: number, newest: Frame): number {
  return value < 0 ? newest.index + 1 + value : value;
}

/**
 * Evenly spaced target times from the first to the last frame of the window, each taking the
 * nearest frame in the window. O(n log N) for n sampled frames, whatever the window's length.
 */
function sample(ring: FrameRing, first: number, last: number, maxFps: number): Frame[] {
  const firstFrame = ring.get(first)!;
  const lastFrame = ring.get(last)!;
  const span = lastFrame.timestampMs - firstFrame.timestampMs;
  const count = Math.min(last - first + 1, Math.floor((span / 1000) * maxFps) + 1);
  if (count <= 1) return [lastFrame];

  const frames: Frame[] = [];
  let previous = first - 1;
  for (let k = 0; k < count; k++) {
    const target = k === count - 1 ? lastFrame.timestampMs : firstFrame.timestampMs + (k * span) / (count - 1);
    const index = nearestIndex(ring, target, first, last);
    if (index <= previous) continue;
    frames.push(ring.get(index)!);
    previous = index;
  }
  return frames;
}

/** Lifetime index of the frame nearest stream time `t` among indices first..last (earlier on a tie). */
function nearestIndex(ring: FrameRing, t: number, first: number, last: number): number {
  const before = Math.min(Math.max(ring.lastAtOrBefore(t)?.index ?? first, first), last);
  const after = Math.min(Math.max(ring.firstAtOrAfter(t)?.index ?? last, first), last);
  const distance = (index: number) => Math.abs(ring.get(index)!.timestampMs - t);
  return distance(after) < distance(before) ? after : before;
}

function found(frame: Frame): Resolution {
  return { ok: true, frames: [frame] };
}

function failure(code: RefError['code'], message: string, param?: string): Resolution {
  return { ok: false, error: refError(code, message, param) };
}

function noFrames(streamId: string): Resolution {
  return failure(
    'frame_not_yet_produced',
    `stream ${streamId} has no frames yet: wait for its first frame (GET /v1/streams/${streamId} shows last_frame_index once one has arrived)`,
  );
}

function futureIndex(key: string, value: number, newest: Frame): Resolution {
  return failure(
    'frame_not_yet_produced',
    `${key}=${value} is newer than the newest frame (last_frame_index=${newest.index}); references do not wait for future frames: use ${key}=-1 for the newest frame`,
    key,
  );
}

function futureTime(key: string, value: number, target: number, now: number): Resolution {
  return failure(
    'frame_not_yet_produced',
    `${key}=${value} points at stream time ${target} ms, after now (${now} ms); references do not wait for future frames: ${key.endsWith('offset_ms') ? `use ${key} <= 0` : `use ${key} <= ${now}`}`,
    key,
  );
}

function describe(side: 'start' | 'end', anchor: FrameAnchor): string {
  return `${side}_${anchor.kind}=${anchor.value}`;
}

function describeBound(b: Bound): string {
  return b.kind === 'index' ? `frame index ${b.index}` : `stream time ${b.t} ms`;
}
