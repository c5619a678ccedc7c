import { framesPerCall, MAX_FRAMES_PER_REFERENCE } from '@ovs/ir';
import type { ValidationRule } from '../context.js';

/** The frame rate a window gets when it names none (as the compiler fills it in). */
const DEFAULT_WINDOW_FPS = 1;

export const windowFrames: ValidationRule = {
  code: 'OVS1025',
  name: 'window-frames',
  description: `A window needs more frames per stream than the server gives one video reference (${MAX_FRAMES_PER_REFERENCE}).`,
  check({ sites, report }) {
    for (const { window, owner } of sites.windows) {
      const beforeMs = window.before.ms;
      const afterMs = window.after ? window.after.ms : 0;
      const fps = window.fps?.value ?? DEFAULT_WINDOW_FPS;
      if (beforeMs === null || afterMs === null || !(fps > 0)) continue; // other rules report these
      const frames = framesPerCall({ kind: 'window', beforeMs, afterMs, maxFps: fps });
      if (frames <= MAX_FRAMES_PER_REFERENCE) continue;
      const seconds = (beforeMs + afterMs) / 1000;
      report({
        range: window.range,
        message: `this ${owner === 'watch' ? "watch's" : "escalation's"} window needs ${frames} frames of each stream per call (${seconds}s at ${fps} fps, both ends included), but the server gives one video reference at most ${MAX_FRAMES_PER_REFERENCE}: every call would fail`,
        hint: fittingHint(beforeMs + afterMs),
      });
    }
  },
};

function fittingHint(ms: number): string {
  const fps = maxFittingFps(ms);
  return fps > 0 ? `lower the frame rate to at most ${fps} fps, or shorten the window` : 'shorten the window';
}

/** The highest rate, in hundredths of a frame per second, at which a window of `ms` fits the limit. */
function maxFittingFps(ms: number): number {
  let hundredths = Math.floor(((MAX_FRAMES_PER_REFERENCE - 1) * 1000 * 100) / ms);
  while (hundredths > 0 && framesPerCall({ kind: 'window', beforeMs: ms, afterMs: 0, maxFps: hundredths / 100 }) > MAX_FRAMES_PER_REFERENCE) hundredths--;
  return hundredths / 100;
}
