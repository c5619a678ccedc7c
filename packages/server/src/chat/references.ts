/** Turns a parsed `ovs://` reference into the frames it means right now, or the hosted error. */
import type { StreamRef } from '@ovs/protocol';
import { resolveImage, resolveVideo, type Frame } from '../frames/index.js';
import { chatError, type HttpError } from '../http/errors.js';
import type { StreamManager } from '../streams/manager.js';

/**
 * A window yielding more frames than this is refused (`segment_invalid`): lower max_fps or shorten it.
 * Enough for the longest window the retention allows (600 s) at 2 fps; `MAX_FRAMES_PER_REFERENCE` in
 * @ovs/ir holds the same number so that `ovs check` refuses what would fail here.
 */
export const MAX_FRAMES_PER_REFERENCE = 1200;

export type RefResolution = { readonly ok: true; readonly frames: Frame[] } | { readonly ok: false; readonly error: HttpError };

/**
 * Resolves against the stream's ring at the current moment. `where` prefixes messages so a
 * client with many parts can tell which one failed (e.g. `messages[0].content[2]`).
 */
export function resolveRef(streams: StreamManager, ref: StreamRef, where?: string): RefResolution {
  const prefix = where ? `${where}: ` : '';
  const streamId = ref.ref.streamId;
  const stream = streams.get(streamId);
  if (!stream) {
    return { ok: false, error: chatError(404, 'stream_not_found', `${prefix}stream ${streamId} not found: it is unknown, or it expired or was deleted (POST /v1/streams creates one)`, { param: 'stream_id' }) };
  }
  const view = stream.frames();
  if (!view) {
    return { ok: false, error: chatError(404, 'stream_not_found', `${prefix}stream ${streamId} has ended (${stream.reasonEnded}) and its frames are gone`, { param: 'stream_id' }) };
  }
  const resolution =
    ref.type === 'image'
      ? resolveImage(view.ring, ref.ref, view.nowMs)
      : resolveVideo(view.ring, ref.ref, view.nowMs, { maxFrames: MAX_FRAMES_PER_REFERENCE });
  if (!resolution.ok) {
    const { code, message, param, status } = resolution.error;
    return { ok: false, error: chatError(status, code, `${prefix}${message}`, param === undefined ? {} : { param }) };
  }
  return { ok: true, frames: resolution.frames };
}
