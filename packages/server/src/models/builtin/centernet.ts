/**
 * The centernet COCO detector that ships inside `@vladmandic/human` (MB3-CenterNet, 512x512 RGB
 * input in 0..255, output `tower_0/detections`: 100 rows of x1, y1, x2, y2 in input pixels,
 * score, class index), run with tfjs on the WASM backend. Pre- and post-processing mirror
 * Human's `src/object/centernet.ts`: stretch to the input size, class-agnostic non-max
 * suppression. Loaded from disk by our own IO handler: tfjs-node (which reads file:// URLs)
 * cannot install here, Node's fetch has no file:, and nothing may be downloaded at run time.
 *
 * Runs inside a worker thread (see detect-worker.ts): it holds tfjs' global engine state.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { DETECT_INPUT_SIZE } from './detect-protocol.js';
import type { Detection } from './detect-protocol.js';

const OUTPUT_NODE = 'tower_0/detections';
/** As Human: boxes overlapping more than this are one object, whatever the class. */
const IOU_THRESHOLD = 0.4;
const MAX_DETECTIONS = 20;

export interface Centernet {
  detect(pixels: Uint8Array): Promise<Detection[]>;
}

/** A tfjs IO handler reading model.json and the weight files it names from disk. */
function fileHandler(modelPath: string): tf.io.IOHandler {
  return {
    async load() {
      const modelJson = JSON.parse(await readFile(modelPath, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const files = await Promise.all(
          manifest.flatMap((group) => group.paths).map((file) => readFile(path.join(path.dirname(modelPath), file))),
        );
        const weights = Buffer.concat(files);
        const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
        return [manifest.flatMap((group) => group.weights), weightData];
      });
    },
  };
}

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

export async function loadCenternet(options: { wasmDir: string; modelPath: string; minScore: number }): Promise<Centernet> {
  setWasmPaths(options.wasmDir.endsWith('/') ? options.wasmDir : `${options.wasmDir}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error(`the tfjs wasm backend did not start (binaries in ${options.wasmDir})`);
  await tf.ready();
  const model = await loadGraphModel(fileHandler(options.modelPath));
  const inputShape = model.inputs[0]?.shape;
  if (inputShape?.[1] !== DETECT_INPUT_SIZE || inputShape[2] !== DETECT_INPUT_SIZE) {
    const expected = `${DETECT_INPUT_SIZE}x${DETECT_INPUT_SIZE}`;
    throw new Error(`${options.modelPath} expects input ${JSON.stringify(inputShape)}, not ${expected}`);
  }

  async function detect(pixels: Uint8Array): Promise<Detection[]> {
    const size = DETECT_INPUT_SIZE;
    if (pixels.length !== size * size * 3) throw new Error(`expected ${size}x${size} RGB pixels, got ${pixels.length} bytes`);
    const rows = tf.tidy(() => {
      const input = tf.tensor4d(Float32Array.from(pixels), [1, size, size, 3]);
      return model.execute(input, OUTPUT_NODE) as tf.Tensor;
    });
    const detections = ((await rows.array()) as number[][][])[0] ?? [];
    rows.dispose();
    // Non-max suppression wants boxes as y1, x1, y2, x2.
    const boxes = detections.map(([x1 = 0, y1 = 0, x2 = 0, y2 = 0]) => [y1, x1, y2, x2]);
    const scores = detections.map((row) => row[4] ?? 0);
    const keptTensor = await tf.image.nonMaxSuppressionAsync(boxes, scores, MAX_DETECTIONS, IOU_THRESHOLD, options.minScore);
    const kept = Array.from(await keptTensor.data());
    keptTensor.dispose();
    return kept.flatMap((row) => {
      const [x1 = 0, y1 = 0, x2 = 0, y2 = 0, score = 0, classIndex = Number.NaN] = detections[row] ?? [];
      if (!Number.isInteger(classIndex)) return [];
      const [left, top] = [clamp01(x1 / size), clamp01(y1 / size)];
      const box = [left, top, clamp01(x2 / size) - left, clamp01(y2 / size) - top] as const;
      return [{ classIndex, score, box }];
    });
  }

  // The first inference compiles the graph's kernels; do it now rather than on the first request.
  await detect(new Uint8Array(DETECT_INPUT_SIZE * DETECT_INPUT_SIZE * 3));
  return { detect };
}
