import type { IngestSource } from './source-spec.js';

export interface IngestOutput {
  /** Cap on frames per second kept from the source (ffmpeg `fps` filter); none when undefined. */
  readonly maxFps?: number;
  /** Downscale so that the longer side is at most this many pixels (never upscales). */
  readonly maxSide?: number;
  /** ffmpeg MJPEG quality, 2 (best) to 31. */
  readonly jpegQuality: number;
}

/** Network reads that stall longer than this fail, so the reconnect loop takes over. */
const NETWORK_TIMEOUT_US = String(10_000_000);

/** Live sources start sooner with a shorter probe (ffmpeg's default waits ~5 s on RTSP). */
const LIVE_PROBE = ['-analyzeduration', '1000000', '-probesize', '1000000'];

/** Nested protocols each source type may use; keeps a playlist from pointing ffmpeg at local files. */
const PROTOCOLS: Readonly<Record<IngestSource['type'], string>> = {
  rtsp: 'rtsp,rtsps,rtp,udp,tcp,tls',
  hls: 'http,https,tcp,tls,crypto,hls',
  mjpeg: 'http,https,tcp,tls',
  file: 'file,crypto',
};

/** A part of a file decoded on its own (see segments.ts): from the keyframe before `startS` on. */
export interface FileSegment {
  /** Seconds from the start of the file. */
  readonly startS: number;
  /** Decoder threads (ffmpeg's default: one per core), when segments share the cores. */
  readonly threads?: number;
}

/**
 * The ffmpeg command line for one pulled source: decode video only, optionally cap the frame
 * rate and downscale, and write MJPEG frames back to back on stdout. With `asap` pacing a
 * `showinfo` filter prints each frame's media time on stderr (see `ffmpeg-process.ts`), on the
 * file's own timeline (`-copyts`), so that a segment of a file keeps exactly the frames, at the
 * same times, that decoding the whole file keeps.
 */
export function ffmpegArgs(source: IngestSource, output: IngestOutput, segment?: FileSegment): string[] {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', source.pace === 'asap' ? 'level+info' : 'level+warning'];
  args.push('-protocol_whitelist', PROTOCOLS[source.type]);
  switch (source.type) {
    case 'file':
      if (source.pace === 'realtime') args.push('-re');
      if (source.pace === 'asap') args.push('-copyts');
      if (source.loop) args.push('-stream_loop', '-1');
      // Every frame from the keyframe before the seek point is kept (not only those after it).
      if (segment && segment.startS > 0) args.push('-noaccurate_seek', '-ss', seconds(segment.startS));
      if (segment?.threads !== undefined) args.push('-threads', String(segment.threads));
      break;
    case 'rtsp':
      args.push(...LIVE_PROBE, '-rtsp_transport', 'tcp', '-timeout', NETWORK_TIMEOUT_US);
      break;
    case 'hls':
      args.push('-re', '-rw_timeout', NETWORK_TIMEOUT_US);
      break;
    case 'mjpeg':
      args.push(...LIVE_PROBE, '-rw_timeout', NETWORK_TIMEOUT_US);
      break;
  }
  args.push('-i', source.location, '-map', '0:v:0', '-an', '-sn', '-dn');
  const filters: string[] = [];
  if (output.maxFps !== undefined) filters.push(`fps=${output.maxFps}`);
  if (output.maxSide !== undefined) {
    const s = output.maxSide;
    // Longer side down to s, aspect kept, even dimensions; frames already small are untouched.
    filters.push(`scale='if(gte(iw,ih),min(iw,${s}),-2)':'if(gte(iw,ih),-2,min(ih,${s}))'`);
  }
  if (source.pace === 'asap') filters.push('showinfo');
  if (filters.length > 0) args.push('-vf', filters.join(','));
  args.push('-c:v', 'mjpeg', '-q:v', String(output.jpegQuality), '-f', 'image2pipe', 'pipe:1');
  return args;
}

/** Seconds as ffmpeg reads them, to the microsecond (its time base). */
function seconds(value: number): string {
  return (Math.round(value * 1e6) / 1e6).toFixed(6);
}
