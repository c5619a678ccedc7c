/**
 * The contract between `builtin/detect` (main thread) and its worker threads: what a worker is
 * started with, what it is sent per frame and what it answers. Types and constants only, so the
 * main thread never loads tfjs.
 */

/** The centernet model's square input, in pixels; frames are stretched to it before inference. */
export const DETECT_INPUT_SIZE = 512;

export interface DetectWorkerData {
  /** Directory holding tfjs-backend-wasm's .wasm binaries (they ship inside the npm package). */
  readonly wasmDir: string;
  /** The centernet model.json; its weight files sit beside it. */
  readonly modelPath: string;
  /** Lowest score a detection is kept with. */
  readonly minScore: number;
}

/** One frame: DETECT_INPUT_SIZE² RGB pixels, 3 bytes each (its buffer is transferred, not copied). */
export interface DetectInput {
  readonly pixels: Uint8Array;
}

export interface Detection {
  /** Index into COCO_LABELS. */
  readonly classIndex: number;
  readonly score: number;
  /** Normalised `[x, y, w, h]`, origin top left. */
  readonly box: readonly [number, number, number, number];
}
