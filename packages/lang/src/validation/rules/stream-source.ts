import { quoted } from '../../diagnostics/quote.js';
import type { StreamDeclNode } from '../../language/ast.js';
import type { Problem, ValidationRule } from '../context.js';
import { isUrlWithScheme, parseUrl, STREAM_REFERENCE_PREFIX } from '../url.js';

const STREAM_ID = /^[^/?#\s]+$/;

/** What is wrong with `stream NAME = "..."` (an existing stream id), if anything. */
function checkStreamId(decl: StreamDeclNode): Omit<Problem, 'range'> | undefined {
  const text = decl.value.value;
  const name = decl.name.value;
  if (text.trim() === '') return { message: 'the stream id is empty', hint: 'write the id of an existing stream, or "ovs://streams/<id>"' };
  if (text.startsWith('ovs://')) {
    if (text.startsWith(STREAM_REFERENCE_PREFIX) && STREAM_ID.test(text.slice(STREAM_REFERENCE_PREFIX.length))) return undefined;
    return text.includes('?')
      ? { message: 'a stream declaration names a whole stream; which frames to send is up to each watch', hint: `leave out the query: ${quoted(text.slice(0, text.indexOf('?')))}` }
      : { message: `${quoted(text)} is not a stream reference`, hint: 'write "ovs://streams/<id>" or just the id' };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && parseUrl(text)) {
    const suggestion =
      scheme === 'rtsp' || scheme === 'rtsps'
        ? `stream ${name} = rtsp ${quoted(text)}`
        : scheme === 'file'
          ? `stream ${name} = file ${quoted(parseUrl(text)!.pathname)}`
          : /\.m3u8($|\?)/i.test(text)
            ? `stream ${name} = hls ${quoted(text)}`
            : `stream ${name} = hls ${quoted(text)} (an HLS playlist) or mjpeg ${quoted(text)} (an MJPEG stream)`;
    return { message: `${quoted(text)} is a URL, but a quoted string alone is read as the id of an existing stream`, hint: `say what kind of source it is: ${suggestion}` };
  }
  if (!STREAM_ID.test(text)) {
    return { message: `${quoted(text)} is not a stream id: stream ids have no spaces, "/", "?" or "#"`, hint: 'write the id of an existing stream, or "ovs://streams/<id>"' };
  }
  return undefined;
}

function checkSource(decl: StreamDeclNode): Omit<Problem, 'range'> | undefined {
  const text = decl.value.value;
  switch (decl.sourceType) {
    case 'id':
      return checkStreamId(decl);
    case 'rtsp':
      return isUrlWithScheme(text, ['rtsp', 'rtsps']) ? undefined : { message: `${quoted(text)} is not an RTSP URL`, hint: 'write e.g. rtsp "rtsp://host:8554/path"' };
    case 'hls':
      return isUrlWithScheme(text, ['http', 'https']) ? undefined : { message: `${quoted(text)} is not an HLS playlist URL`, hint: 'write e.g. hls "https://host/live.m3u8"' };
    case 'mjpeg':
      return isUrlWithScheme(text, ['http', 'https']) ? undefined : { message: `${quoted(text)} is not an MJPEG stream URL`, hint: 'write e.g. mjpeg "http://host/video.mjpg"' };
    case 'file':
      return text.trim() !== '' ? undefined : { message: 'the file path is empty', hint: 'write e.g. file "media/lobby.mp4"' };
  }
}

export const streamSource: ValidationRule = {
  code: 'OVS1022',
  name: 'stream-source',
  description: 'A stream declaration has an empty or malformed stream id, URL or path.',
  check({ document, report }) {
    for (const statement of document.statements) {
      if (statement.kind !== 'StreamDecl') continue;
      const problem = checkSource(statement);
      if (problem) report({ range: statement.value.range, ...problem });
    }
  },
};
