/** How a replay runs: its speed, and the frame rate the clip is ingested at. */
import type { PipelineIr } from '@ovs/ir';

/**
 * `max`: the virtual clock jumps from one moment the pipeline acts to the next as soon as the
 * frames are decoded and the calls answered. `paced`: the same, never faster than `factor` x real
 * time. `live`: `1x`, the live path — real clock, the file played at its own rate, model latency
 * taking real time.
 */
export type Speed = { readonly kind: 'max' } | { readonly kind: 'live' } | { readonly kind: 'paced'; readonly factor: number };

export const SPEED_FORMS = 'max, 1x (real time, the live path) or Nx (e.g. 10x)';

/** `max`, `1x`, `Nx`; undefined when the text is none of them. */
export function parseSpeed(text: string): Speed | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'max') return { kind: 'max' };
  const match = /^(\d+(?:\.\d+)?)x$/.exec(value);
  const factor = Number(match?.[1]);
  if (!match || !(factor > 0)) return undefined;
  return factor === 1 ? { kind: 'live' } : { kind: 'paced', factor };
}

export function describeSpeed(speed: Speed): string {
  return speed.kind === 'max' ? 'max' : speed.kind === 'live' ? '1x' : `${speed.factor}x`;
}

/** Ingest never keeps more frames per second than this by default (the pipeline's needs decide below it). */
const MAX_DEFAULT_FPS = 30;

/**
 * Frames per second the clip is ingested at, unless given: what the pipeline looks at — one
 * frame per tick of its fastest watch, and the `max_fps` of its windows — and at least 1. Decoding
 * runs at full speed; only these frames are encoded and kept, which is where a replay's speed
 * comes from. A live stream ingested at this rate (server option `ingest.maxFps`) shows the
 * pipeline the same frames.
 */
export function replayFps(ir: PipelineIr): number {
  let fps = 1;
  for (const node of ir.nodes) {
    if (node.type === 'watch') fps = Math.max(fps, 1000 / node.periodMs);
    if ((node.type === 'watch' || node.type === 'escalation') && node.view.kind === 'window') fps = Math.max(fps, node.view.maxFps);
  }
  return Math.min(MAX_DEFAULT_FPS, Math.round(fps * 100) / 100);
}
