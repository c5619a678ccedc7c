/**
 * What a `--stream NAME=VALUE` value may be, read the same way by every command that takes one
 * (`ovs run` binds it, `ovs plan` only checks it): an existing stream, or a source for the
 * backend to pull.
 */
import { streamIdFromRef } from './ovs-url.js';
import type { StreamSource } from './streams.js';

export const BINDING_FORMS = '<stream id | ovs://streams/<id> | file:PATH | rtsp://... | https://...m3u8 | http(s)://...mjpeg>';

export type StreamBinding = { readonly kind: 'id'; readonly streamId: string } | { readonly kind: 'source'; readonly source: StreamSource };

/** Reads one binding value; the error says why it is not one of `BINDING_FORMS`. */
export function parseStreamBinding(value: string): { ok: true; value: StreamBinding } | { ok: false; error: string } {
  const text = value.trim();
  const ok = (binding: StreamBinding) => ({ ok: true as const, value: binding });
  const fail = (error: string) => ({ ok: false as const, error });
  if (text === '') return fail('the binding is empty');
  if (/^file:/i.test(text)) {
    const file = text.replace(/^file:(\/\/)?/i, '');
    return file === '' ? fail('"file:" needs a path') : ok({ kind: 'source', source: { type: 'file', url: file } });
  }
  if (/^rtsps?:\/\//i.test(text)) return ok({ kind: 'source', source: { type: 'rtsp', url: text } });
  if (/^https?:\/\//i.test(text)) {
    const pathname = safePathname(text);
    if (pathname === undefined) return fail(`"${text}" is not a valid URL`);
    if (/\.m3u8$/i.test(pathname)) return ok({ kind: 'source', source: { type: 'hls', url: text } });
    if (/\.mjpe?g$|mjpeg|\.cgi$/i.test(pathname)) return ok({ kind: 'source', source: { type: 'mjpeg', url: text } });
    return fail(`cannot tell what "${text}" serves: an HLS playlist ends in .m3u8, an MJPEG stream in .mjpeg`);
  }
  const id = streamIdFromRef(text);
  return id.ok ? ok({ kind: 'id', streamId: id.value }) : fail(id.error.message);
}

function safePathname(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
