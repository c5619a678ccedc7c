/**
 * Replays decode a long clip in parallel segments, one ffmpeg each, when the machine has cores to
 * spare: a single ffmpeg decoding H.264 leaves part of them idle (its filtering and encoding run
 * on one thread), and a replay's speed is ffmpeg's.
 *
 * The frames must be exactly those one ffmpeg decoding the whole file keeps. With an `fps` cap,
 * the frame kept for slot n (media time n/fps, on the file's own timeline: `-copyts`) is the last
 * frame before (n + 0.5)/fps, however long before: across a gap in the recording, or in a clip
 * sparser than the cap, one frame fills several slots. So a segment:
 * - starts decoding at the keyframe before its first slot's boundary, keeping every frame from
 *   there (no exact seek), so that it knows the frame of each slot from that keyframe's on;
 * - reads on past its last slot until a later slot appears (then every slot up to its last is
 *   decided) and is stopped there (see segmented-file.ts);
 * - hands over to the next at the last slot it delivered: the next one's frames from the slot
 *   after it are delivered, and a keyframe before a boundary is never after the last frame read
 *   before it, so no slot is left out.
 * Only containers with an index seek to the keyframe asked for (MP4/MOV, Matroska/WebM); other
 * clips are decoded whole.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { FileSegment } from './ffmpeg-args.js';

export interface ClipFacts {
  /** Seconds; the timeline `-copyts` keeps. */
  readonly startS: number;
  readonly durationS: number;
  /** ffprobe's `format_name`, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  readonly format: string;
  readonly videoStreams: number;
}

export interface PlannedSegment extends FileSegment {
  /** The slots (frame times `slot / fps`) this segment is for; it is stopped once past `lastSlot`. */
  readonly firstSlot: number;
  readonly lastSlot: number;
}

/** A segment shorter than this is not worth its seek (decoding from the keyframe before it). */
export const MIN_SEGMENT_S = 60;
/** Each ffmpeg holds its own decoder state (tens of MB at HD): beyond this many, memory grows faster than speed. */
export const MAX_SEGMENTS = 8;
const SEEKABLE_FORMATS = /^(mov,mp4|matroska)/;
const PROBE_TIMEOUT_MS = 30_000;

/**
 * Segments for decoding a clip with `fps` kept frames a second on `parallelism` cores: one
 * (the whole file) when splitting would not pay or could not be exact.
 */
export function planSegments(clip: ClipFacts | undefined, fps: number | undefined, parallelism: number, minSegmentS = MIN_SEGMENT_S): PlannedSegment[] {
  const whole: PlannedSegment[] = [{ startS: 0, firstSlot: Number.NEGATIVE_INFINITY, lastSlot: Number.POSITIVE_INFINITY }];
  if (!clip || fps === undefined || clip.videoStreams === 0 || !SEEKABLE_FORMATS.test(clip.format)) return whole;
  const count = Math.min(Math.floor(parallelism), Math.floor(clip.durationS / minSegmentS), MAX_SEGMENTS);
  if (!(count > 1)) return whole;
  const slot = 1 / fps;
  // Slot n's frame is the last one before (n + 0.5) / fps: cut there, on the file's timeline.
  const cuts: number[] = [];
  for (let i = 1; i < count; i++) cuts.push(Math.round((clip.startS + (clip.durationS * i) / count) * fps));
  // The segments share the cores: more decoder threads each would only contend.
  const threads = Math.max(1, Math.floor(parallelism / count));
  return [Number.NEGATIVE_INFINITY, ...cuts].map((first, i) => ({
    // A quarter slot before the boundary: the keyframe found is before it, whatever the rounding.
    startS: first === Number.NEGATIVE_INFINITY ? 0 : Math.max(0, (first - 0.5) * slot - clip.startS - slot / 4),
    threads,
    firstSlot: first,
    lastSlot: i < cuts.length ? cuts[i]! - 1 : Number.POSITIVE_INFINITY,
  }));
}

/** Start, duration, container and video streams of a file, from ffprobe; undefined when it cannot tell. */
export function probeClip(ffprobePath: string, file: string): Promise<ClipFacts | undefined> {
  return new Promise((resolve) => {
    execFile(
      ffprobePath,
      ['-v', 'error', '-show_entries', 'format=start_time,duration,format_name:stream=codec_type', '-of', 'json', file],
      { timeout: PROBE_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (error, stdout) => {
        if (error) return resolve(undefined);
        try {
          const probed = JSON.parse(stdout) as { format?: { start_time?: string; duration?: string; format_name?: string }; streams?: Array<{ codec_type?: string }> };
          const { format } = probed;
          const startS = Number(format?.start_time ?? 0);
          const durationS = Number(format?.duration);
          const videoStreams = (probed.streams ?? []).filter((s) => s.codec_type === 'video').length;
          resolve(Number.isFinite(startS) && durationS > 0 && format?.format_name ? { startS, durationS, format: format.format_name, videoStreams } : undefined);
        } catch {
          resolve(undefined);
        }
      },
    );
  });
}

/** ffprobe beside the ffmpeg in use (`/opt/ff/bin/ffmpeg` -> `/opt/ff/bin/ffprobe`), else on the PATH. */
export function ffprobeBeside(ffmpegPath: string): string {
  const base = path.basename(ffmpegPath);
  return base.startsWith('ffmpeg') ? path.join(path.dirname(ffmpegPath), base.replace(/^ffmpeg/, 'ffprobe')) : 'ffprobe';
}
