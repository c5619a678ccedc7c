/** What a stream pulls its frames from, once validated (see `media-root.ts` for file paths). */
import type { StreamSource } from '@ovs/protocol';

export type SourceType = StreamSource['type'];

/**
 * `realtime`: frames arrive at the media's own rate (`-re` for files) and are stamped with the
 * wall clock on arrival. `asap`: a file is decoded as fast as possible and each frame is
 * stamped with its media time, so a stream's clock is the file's clock (for replays).
 */
export type Pace = NonNullable<StreamSource['pace']>;

export interface IngestSource {
  readonly type: SourceType;
  /** A network URL, or for `file` an absolute path already confined to the media root. */
  readonly location: string;
  readonly loop: boolean;
  readonly pace: Pace;
}

/** Which URL schemes each network source type accepts (ffmpeg would otherwise read local files). */
export const NETWORK_SCHEMES: Readonly<Record<Exclude<SourceType, 'file'>, readonly string[]>> = {
  rtsp: ['rtsp:', 'rtsps:'],
  hls: ['http:', 'https:'],
  mjpeg: ['http:', 'https:'],
};

/** A URL safe to show in status and logs: credentials replaced. */
export function redactUrl(location: string): string {
  try {
    const url = new URL(location);
    if (url.username || url.password) {
      url.username = '***';
      url.password = '';
    }
    return url.toString();
  } catch {
    return location;
  }
}
