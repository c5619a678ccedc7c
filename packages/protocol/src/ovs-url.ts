/**
 * The `ovs://streams/{stream_id}?<query>` reference grammar: one module parses and builds it,
 * so the runner can never build a reference the server rejects.
 *
 * Image references (`image_url`) take exactly one anchor (`frame_index`, `timestamp_ms`,
 * `offset_ms`) plus optional `tolerance_ms` (int > 0, default 100) and `direction`
 * (nearest|forward|backward, default nearest), both ignored (even when malformed) with frame_index. Video references (`video_url`) take exactly one
 * `start_*` anchor, at most one `end_*` anchor (default: the live edge) and an optional
 * `max_fps` (float > 0, default 1). Every malformed reference is a 422 naming the key at fault.
 *
 * Choices beyond the seeds, all strict so that a mistake is reported rather than guessed at:
 * - scheme and host are lowercase `ovs` and `streams`; no fragment; one path segment.
 * - stream ids: 1-128 URL-safe characters (letters, digits, `-` `_` `.` `~`), starting with a
 *   letter or digit (the hosted service issues UUIDs, which fit).
 * - integers are plain decimal (`-?[0-9]+`, safe-integer range); `timestamp_ms` (an absolute
 *   stream-clock time) must be >= 0.
 * - keys and values are percent-decoded; empty `&&` segments are ignored.
 */
import { refError, type RefError, type Result } from './errors.js';

export type AnchorKind = 'frame_index' | 'timestamp_ms' | 'offset_ms';
export interface FrameAnchor {
  readonly kind: AnchorKind;
  readonly value: number;
}

export type Direction = 'nearest' | 'forward' | 'backward';

export interface ImageRef {
  readonly streamId: string;
  readonly anchor: FrameAnchor;
  /** How far the resolver may snap from a time anchor to a frame; ignored with frame_index. */
  readonly toleranceMs: number;
  /** Which side to prefer when snapping; ignored with frame_index. */
  readonly direction: Direction;
}

export interface VideoRef {
  readonly streamId: string;
  readonly start: FrameAnchor;
  /** `null`: the window ends at the live edge at request time. */
  readonly end: FrameAnchor | null;
  readonly maxFps: number;
}

export type StreamRef = { readonly type: 'image'; readonly ref: ImageRef } | { readonly type: 'video'; readonly ref: VideoRef };

export const DEFAULT_TOLERANCE_MS = 100;
export const DEFAULT_DIRECTION: Direction = 'nearest';
export const DEFAULT_MAX_FPS = 1;
export const MAX_REF_LENGTH = 2048;
export const DIRECTIONS: readonly Direction[] = ['nearest', 'forward', 'backward'];
export const ANCHOR_KINDS: readonly AnchorKind[] = ['frame_index', 'timestamp_ms', 'offset_ms'];

const PREFIX = 'ovs://streams/';
const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;
const INTEGER = /^-?[0-9]+$/;
const DECIMAL = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

const IMAGE_KEYS = ['frame_index', 'timestamp_ms', 'offset_ms', 'tolerance_ms', 'direction'] as const;
const START_KEYS = ['start_frame_index', 'start_timestamp_ms', 'start_offset_ms'] as const;
const END_KEYS = ['end_frame_index', 'end_timestamp_ms', 'end_offset_ms'] as const;
const VIDEO_KEYS = [...START_KEYS, ...END_KEYS, 'max_fps'] as const;

// ---- parsing ----

export function parseImageRef(url: string): Result<ImageRef> {
  const split = splitRef(url);
  if (!split.ok) return split;
  const { streamId, query } = split.value;
  const keysOk = checkKeys(query, 'image');
  if (!keysOk.ok) return keysOk;

  const anchorKeys = ANCHOR_KINDS.filter((k) => query.has(k));
  if (anchorKeys.length === 0) {
    return fail('query_param_invalid', 'an image reference needs exactly one anchor: add frame_index (e.g. frame_index=-1 for the newest frame), timestamp_ms or offset_ms');
  }
  if (anchorKeys.length > 1) {
    return fail('query_param_invalid', `an image reference takes exactly one anchor, got ${anchorKeys.join(' and ')}: keep one of them`, anchorKeys[1]);
  }
  const anchor = readAnchor(query, anchorKeys[0]!, anchorKeys[0]!);
  if (!anchor.ok) return anchor;

  // The seeds: tolerance_ms and direction are "Ignored when frame_index is set", so with a
  // frame_index anchor a malformed value is not an error; it falls back to the default.
  const ignored = anchor.value.kind === 'frame_index';
  let toleranceMs = DEFAULT_TOLERANCE_MS;
  const tolerance = query.get('tolerance_ms');
  if (tolerance !== undefined) {
    const parsed = readInteger('tolerance_ms', tolerance);
    const valid = parsed.ok && parsed.value > 0;
    if (valid) toleranceMs = parsed.value;
    else if (!ignored) {
      return parsed.ok ? fail('query_param_invalid', `tolerance_ms must be an integer > 0 (milliseconds), got ${parsed.value}`, 'tolerance_ms') : parsed;
    }
  }

  let direction = DEFAULT_DIRECTION;
  const dir = query.get('direction');
  if (dir !== undefined) {
    if ((DIRECTIONS as readonly string[]).includes(dir)) direction = dir as Direction;
    else if (!ignored) {
      return fail('query_param_invalid', `direction must be one of ${DIRECTIONS.join(', ')}, got ${quote(dir)}`, 'direction');
    }
  }

  return { ok: true, value: { streamId, anchor: anchor.value, toleranceMs, direction } };
}

export function parseVideoRef(url: string): Result<VideoRef> {
  const split = splitRef(url);
  if (!split.ok) return split;
  const { streamId, query } = split.value;
  const keysOk = checkKeys(query, 'video');
  if (!keysOk.ok) return keysOk;

  const startKeys = START_KEYS.filter((k) => query.has(k));
  if (startKeys.length === 0) {
    return fail('query_param_invalid', 'a video reference needs exactly one start anchor: add start_offset_ms (e.g. start_offset_ms=-5000 for the last 5 s), start_frame_index or start_timestamp_ms');
  }
  if (startKeys.length > 1) {
    return fail('query_param_invalid', `a video reference takes exactly one start anchor, got ${startKeys.join(' and ')}: keep one of them`, startKeys[1]);
  }
  const endKeys = END_KEYS.filter((k) => query.has(k));
  if (endKeys.length > 1) {
    return fail('query_param_invalid', `a video reference takes at most one end anchor, got ${endKeys.join(' and ')}: keep one of them (or none, to end at the live edge)`, endKeys[1]);
  }

  const start = readAnchor(query, startKeys[0]!, startKeys[0]!.slice('start_'.length) as AnchorKind);
  if (!start.ok) return start;
  let end: FrameAnchor | null = null;
  if (endKeys.length === 1) {
    const parsed = readAnchor(query, endKeys[0]!, endKeys[0]!.slice('end_'.length) as AnchorKind);
    if (!parsed.ok) return parsed;
    end = parsed.value;
  }

  let maxFps = DEFAULT_MAX_FPS;
  const fps = query.get('max_fps');
  if (fps !== undefined) {
    if (fps === '') return fail('query_param_invalid', 'max_fps has no value: give a number > 0, e.g. max_fps=2', 'max_fps');
    const value = DECIMAL.test(fps) ? Number(fps) : Number.NaN;
    if (!Number.isFinite(value) || value <= 0) {
      return fail('query_param_invalid', `max_fps must be a finite number > 0 (frames per second), got ${quote(fps)}`, 'max_fps');
    }
    maxFps = value;
  }

  return { ok: true, value: { streamId, start: start.value, end, maxFps } };
}

/**
 * Parses a reference of either kind. `type` says which; without it, a reference using any
 * video key (`start_*`, `end_*`, `max_fps`) is a video reference and any other an image one.
 */
export function parseStreamRef(url: string, type?: 'image' | 'video'): Result<StreamRef> {
  let kind = type;
  if (kind === undefined) {
    const split = splitRef(url);
    if (!split.ok) return split;
    kind = [...split.value.query.keys()].some((k) => (VIDEO_KEYS as readonly string[]).includes(k)) ? 'video' : 'image';
  }
  if (kind === 'video') {
    const parsed = parseVideoRef(url);
    return parsed.ok ? { ok: true, value: { type: 'video', ref: parsed.value } } : parsed;
  }
  const parsed = parseImageRef(url);
  return parsed.ok ? { ok: true, value: { type: 'image', ref: parsed.value } } : parsed;
}

/** Whether a content-part URL is an `ovs:` reference (to parse) rather than an image to pass through. */
export function isOvsRef(url: string): boolean {
  return /^ovs:/i.test(url);
}

export function isValidStreamId(id: string): boolean {
  return STREAM_ID.test(id);
}

/**
 * The stream id named by `text`: a bare id or `ovs://streams/<id>` (no query: a stream
 * declaration names a stream, not a moment of it).
 */
export function streamIdFromRef(text: string): Result<string> {
  if (typeof text !== 'string' || text.length > MAX_REF_LENGTH) {
    return fail('stream_url_invalid', `a stream is named by its id or ovs://streams/<id> (at most ${MAX_REF_LENGTH} characters)`);
  }
  if (!text.includes(':') && !text.includes('/')) {
    return isValidStreamId(text) ? { ok: true, value: text } : fail('stream_url_invalid', invalidIdMessage(text), 'stream_id');
  }
  const split = splitRef(text);
  if (!split.ok) return split;
  if (split.value.query.size > 0 || text.includes('?')) {
    return fail('stream_url_invalid', `${quote(text)} selects frames; a stream is named by ovs://streams/<id> without a query`);
  }
  return { ok: true, value: split.value.streamId };
}

// ---- building ----

/** Thrown by the builders when asked to build a reference the parser would reject. */
export class InvalidRefError extends Error {
  override readonly name = 'InvalidRefError';
  constructor(readonly error: RefError) {
    super(error.message);
  }
}

/** The canonical text of a reference: anchors first, then options that differ from their defaults. */
export function formatStreamRef(ref: ImageRef | VideoRef): string {
  const pairs: Array<[string, string]> = [];
  let parsed: Result<ImageRef | VideoRef>;
  if ('anchor' in ref) {
    pairs.push([ref.anchor.kind, String(ref.anchor.value)]);
    if (ref.toleranceMs !== DEFAULT_TOLERANCE_MS) pairs.push(['tolerance_ms', String(ref.toleranceMs)]);
    if (ref.direction !== DEFAULT_DIRECTION) pairs.push(['direction', ref.direction]);
    const url = join(ref.streamId, pairs);
    parsed = parseImageRef(url);
    if (parsed.ok) return url;
  } else {
    pairs.push([`start_${ref.start.kind}`, String(ref.start.value)]);
    if (ref.end !== null) pairs.push([`end_${ref.end.kind}`, String(ref.end.value)]);
    if (ref.maxFps !== DEFAULT_MAX_FPS) pairs.push(['max_fps', String(ref.maxFps)]);
    const url = join(ref.streamId, pairs);
    parsed = parseVideoRef(url);
    if (parsed.ok) return url;
  }
  // Every rule lives in the parser; building through it keeps the two from drifting apart.
  throw new InvalidRefError(parsed.error);
}

export function buildImageRef(
  streamId: string,
  anchor: FrameAnchor,
  opts: { toleranceMs?: number; direction?: Direction } = {},
): string {
  return formatStreamRef({
    streamId,
    anchor,
    toleranceMs: opts.toleranceMs ?? DEFAULT_TOLERANCE_MS,
    direction: opts.direction ?? DEFAULT_DIRECTION,
  });
}

export function buildVideoRef(
  streamId: string,
  start: FrameAnchor,
  end: FrameAnchor | null = null,
  opts: { maxFps?: number } = {},
): string {
  return formatStreamRef({ streamId, start, end, maxFps: opts.maxFps ?? DEFAULT_MAX_FPS });
}

// ---- internals ----

function join(streamId: string, pairs: Array<[string, string]>): string {
  return `${PREFIX}${streamId}?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}

function fail(code: RefError['code'], message: string, param?: string): { ok: false; error: RefError } {
  return { ok: false, error: refError(code, message, param) };
}

/** Quotes client input for a message, cut short so a huge value cannot flood logs. */
function quote(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}

function invalidIdMessage(id: string): string {
  if (id === '') return 'the stream id is missing: use ovs://streams/<stream_id>?...';
  return `stream id ${quote(id)} is not valid: use the id returned by POST /streams (1-128 letters, digits, '-', '_', '.', '~', starting with a letter or digit)`;
}

const SHAPE_HINT = 'expected ovs://streams/<stream_id>?<query>';

/** Checks scheme, host and path, and reads the query into a map (duplicate keys are an error). */
function splitRef(url: string): Result<{ streamId: string; query: Map<string, string> }> {
  if (typeof url !== 'string') return fail('stream_url_invalid', `the reference must be a string: ${SHAPE_HINT}`);
  if (url.length > MAX_REF_LENGTH) {
    return fail('stream_url_invalid', `the reference is ${url.length} characters long; the limit is ${MAX_REF_LENGTH}`);
  }
  if (!url.startsWith('ovs://')) {
    return fail('stream_url_invalid', `${quote(url)} is not an ovs:// reference: ${SHAPE_HINT}`);
  }
  if (!url.startsWith(PREFIX)) {
    const host = url.slice('ovs://'.length).split(/[/?#]/, 1)[0] ?? '';
    if (host === 'streams') return fail('stream_url_invalid', `the stream id is missing: ${SHAPE_HINT}`, 'stream_id');
    return fail('stream_url_invalid', `the host of an ovs:// reference must be "streams", got ${quote(host)}: ${SHAPE_HINT}`);
  }
  if (url.includes('#')) return fail('stream_url_invalid', `a reference has no fragment: remove the "#..." part (${SHAPE_HINT})`);

  const rest = url.slice(PREFIX.length);
  const q = rest.indexOf('?');
  const path = q === -1 ? rest : rest.slice(0, q);
  if (path.includes('/')) {
    return fail('stream_url_invalid', `the path must be the stream id alone, got ${quote(path)}: ${SHAPE_HINT}`, 'stream_id');
  }
  if (!isValidStreamId(path)) return fail('stream_url_invalid', invalidIdMessage(path), 'stream_id');

  const query = new Map<string, string>();
  if (q === -1) return { ok: true, value: { streamId: path, query } };
  for (const segment of rest.slice(q + 1).split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const rawKey = eq === -1 ? segment : segment.slice(0, eq);
    const rawValue = eq === -1 ? '' : segment.slice(eq + 1);
    const key = decode(rawKey);
    const value = decode(rawValue);
    if (key === undefined || value === undefined) {
      return fail('query_param_invalid', `query segment ${quote(segment)} has a malformed percent-escape`);
    }
    if (query.has(key)) {
      return fail('query_param_invalid', `duplicate query key ${key}: give each key at most once`, key);
    }
    query.set(key, value);
  }
  return { ok: true, value: { streamId: path, query } };
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Rejects keys that do not belong to this kind of reference, with the closest valid key. */
function checkKeys(query: Map<string, string>, kind: 'image' | 'video'): Result<null> {
  const valid: readonly string[] = kind === 'image' ? IMAGE_KEYS : VIDEO_KEYS;
  const other: readonly string[] = kind === 'image' ? VIDEO_KEYS : IMAGE_KEYS;
  for (const key of query.keys()) {
    if (valid.includes(key)) continue;
    if (other.includes(key)) {
      const part = kind === 'image' ? 'an image_url' : 'a video_url';
      return fail('query_param_invalid', `unknown query key ${quote(key)} in ${part}: ${crossKindHint(key, kind)}`, key);
    }
    const suggestion = closest(key, valid);
    return fail(
      'query_param_invalid',
      `unknown query key ${quote(key)}${suggestion === undefined ? '.' : `; did you mean ${suggestion}?`} Valid keys: ${valid.join(', ')}`,
      key,
    );
  }
  return { ok: true, value: null };
}

/** Why a key of the other kind of reference does not fit, and what to write instead. */
function crossKindHint(key: string, kind: 'image' | 'video'): string {
  if (kind === 'image') {
    const anchor = key.replace(/^(start|end)_/, '');
    return anchor === key
      ? `${key} applies to a video_url only; send the reference as a video_url or drop it`
      : `${key} is a video_url key; an image_url takes a single anchor such as ${anchor} (or send the reference as a video_url)`;
  }
  return (ANCHOR_KINDS as readonly string[]).includes(key)
    ? `${key} is an image_url key; a video_url takes start_${key} and optionally end_${key} (or send the reference as an image_url)`
    : `${key} applies to an image_url only; send the reference as an image_url or drop it`;
}

function readAnchor(query: Map<string, string>, key: string, kind: AnchorKind): Result<FrameAnchor> {
  const parsed = readInteger(key, query.get(key) ?? '');
  if (!parsed.ok) return parsed;
  if (kind === 'timestamp_ms' && parsed.value < 0) {
    return fail('query_param_invalid', `${key} is an absolute stream-clock time and must be >= 0, got ${parsed.value}: for a time relative to now use ${key.replace('timestamp_ms', 'offset_ms')}`, key);
  }
  return { ok: true, value: { kind, value: parsed.value } };
}

function readInteger(key: string, text: string): Result<number> {
  if (text === '') return fail('query_param_invalid', `${key} has no value: give an integer, e.g. ${key}=-1`, key);
  if (!INTEGER.test(text)) return fail('query_param_invalid', `${key} must be an integer, got ${quote(text)}`, key);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return fail('query_param_invalid', `${key} is out of range: ${quote(text)}`, key);
  return { ok: true, value: value === 0 ? 0 : value }; // "-0" reads as 0
}

/** The valid key nearest to a misspelt one, if it is close enough to be a likely typo. */
function closest(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(key.slice(0, 64), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}
