/**
 * `builtin/detect`: the COCO object detector that ships inside `@vladmandic/human` (centernet,
 * 80 classes), on tfjs' WASM backend, in a pool of worker threads so that inference never blocks
 * the HTTP event loop. Frames are decoded and stretched to the model's input by sharp on the main
 * thread (libvips works on libuv's thread pool), then sent, one job per frame, to the pool.
 *
 * A label's confidence is the best score of that class over the request's frames; it is present
 * at or above `threshold`. Anything outside the 80 COCO classes is a label it cannot judge.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { questionOf, respond } from './answer.js';
import type { BuiltinModelProfile, FrameFindings } from './answer.js';
import { COCO_LABELS } from './coco-labels.js';
import { frameDigest } from '../../frames/digest.js';
import { DETECT_INPUT_SIZE } from './detect-protocol.js';
import type { Detection, DetectInput, DetectWorkerData } from './detect-protocol.js';
import { BuiltinModelError, modelUnavailable } from './errors.js';
import { decodeImage } from './images.js';
import type { InputImage } from './images.js';
import { vocabulary } from './vocabulary.js';
import { WorkerPool } from './worker-pool.js';
import type { PoolLogger } from './worker-pool.js';
import { workerScript } from './worker-script.js';
import type { Model } from '../model.js';

export const DETECT_MODEL_ID = 'builtin/detect';

export interface DetectModelOptions {
  /** Worker threads, each with its own copy of the model (~1 CPU core each while busy). Default 1. */
  readonly workers?: number;
  /**
   * Score at or above which a label is present. Default 0.35: on the darknet sample photos the
   * true objects score 0.36-0.71 and the best wrong class 0.30 (a horse taken for a sheep).
   */
  readonly threshold?: number;
  /** Frames that may wait for a worker before requests are refused with a 429. Default 32. */
  readonly maxQueuedFrames?: number;
  /** Load the model in the background right away (default), or on the first request. */
  readonly preload?: boolean;
  /** Another centernet model.json; default: the one inside `@vladmandic/human`. */
  readonly modelPath?: string;
  readonly logger?: PoolLogger;
  /** Detections kept by frame content, for frames asked about again (default 512 frames). */
  readonly rememberedFrames?: number;
}

export interface DetectModel extends Model {
  /** Why the model is unavailable, once loading has failed; for logs and /readyz. */
  unavailableReason(): string | undefined;
}

/** The detections of the last frames seen, by content digest; the least recently used go first. */
class DetectionMemo {
  readonly #entries = new Map<string, Detection[]>();

  constructor(private readonly capacity: number) {}

  get(digest: string): Detection[] | undefined {
    const found = this.#entries.get(digest);
    if (found) {
      this.#entries.delete(digest); // re-inserted: the Map's order is recency
      this.#entries.set(digest, found);
    }
    return found;
  }

  set(digest: string, detections: Detection[]): void {
    this.#entries.delete(digest);
    this.#entries.set(digest, detections);
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}

/** Detections below this score are dropped in the worker; between it and `threshold` they still inform confidences. */
const MIN_SCORE = 0.1;

const PERSON_SYNONYMS = [
  'people', 'pedestrian', 'human', 'man', 'men', 'woman', 'women', 'child', 'children', 'kid',
  'someone', 'somebody', 'anyone', 'anybody',
];

const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  person: PERSON_SYNONYMS,
  bicycle: ['bike', 'cyclist'],
  motorcycle: ['motorbike'],
  airplane: ['plane', 'aeroplane', 'aircraft'],
  couch: ['sofa'],
  tv: ['television', 'tv monitor'],
  'cell phone': ['phone', 'mobile phone', 'smartphone'],
  'dining table': ['table'],
  'potted plant': ['plant'],
  'sports ball': ['ball'],
  'hair drier': ['hair dryer'],
  knife: ['knives'],
  mouse: ['mice'],
};

function packagePaths(): DetectWorkerData {
  const require = createRequire(import.meta.url);
  // Human's `exports` hide package.json; its main module sits in dist/, its models in models/.
  const humanDir = path.resolve(path.dirname(require.resolve('@vladmandic/human')), '..');
  return {
    wasmDir: path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')),
    modelPath: path.join(humanDir, 'models', 'centernet.json'),
    minScore: MIN_SCORE,
  };
}

export function createDetectModel(options: DetectModelOptions = {}): DetectModel {
  const profile: BuiltinModelProfile = {
    id: DETECT_MODEL_ID,
    vocabulary: vocabulary(COCO_LABELS, SYNONYMS),
    threshold: options.threshold ?? 0.35,
    judges: 'the 80 COCO object classes (person, car, dog, ...)',
    nothingSeen: 'nothing detected',
  };
  let pool: WorkerPool<DetectInput, Detection[]> | undefined;
  let starting: Promise<WorkerPool<DetectInput, Detection[]>> | undefined;
  let setupFailure: string | undefined;
  let closed = false;
  // Overlapping escalation windows ask about the same frames again: their detections are kept.
  const memo = new DetectionMemo(options.rememberedFrames ?? 512);

  function start(): Promise<WorkerPool<DetectInput, Detection[]>> {
    starting ??= (async () => {
      try {
        const workerData = { ...packagePaths(), ...(options.modelPath ? { modelPath: options.modelPath } : {}) };
        const script = await workerScript('detect-worker');
        if (closed) throw new Error('it has been shut down');
        pool = new WorkerPool<DetectInput, Detection[]>({
          name: DETECT_MODEL_ID,
          size: options.workers ?? 1,
          maxQueued: options.maxQueuedFrames ?? 32,
          spawn: () => new Worker(script, { workerData }),
          ...(options.logger ? { logger: options.logger } : {}),
        });
        return pool;
      } catch (error) {
        setupFailure = (error as Error).message;
        options.logger?.error(`${DETECT_MODEL_ID} is unavailable: ${setupFailure}`);
        throw modelUnavailable(DETECT_MODEL_ID, setupFailure);
      }
    })();
    return starting;
  }
  if (options.preload ?? true) start().catch(() => undefined); // the failure is kept and logged

  /** One job per frame; a worker's own failure is reported with the frame it failed on. */
  function detectAll(
    workers: WorkerPool<DetectInput, Detection[]>,
    frames: readonly Buffer[],
    titles: readonly string[],
    signal?: AbortSignal,
  ) {
    const jobs = frames.map((raw) => {
      const pixels = new Uint8Array(raw); // a copy of our own, so its buffer can be transferred
      return { input: { pixels }, transfer: [pixels.buffer] };
    });
    return Promise.all(
      workers.runAll(jobs, signal).map((answer, i) =>
        answer.catch((error: Error) => {
          if (error instanceof BuiltinModelError) throw error;
          throw new BuiltinModelError(500, 'internal_error', `${DETECT_MODEL_ID} failed on ${titles[i]}: ${error.message}`);
        }),
      ),
    );
  }

  return {
    id: DETECT_MODEL_ID,
    ownedBy: 'ovs',
    status: () => (pool?.state === 'ready' ? 'ready' : 'unavailable'),
    unavailableReason: () => setupFailure ?? pool?.failure,
    async complete(request) {
      const question = questionOf(request, DETECT_MODEL_ID);
      const workers = await start();
      const size = { width: DETECT_INPUT_SIZE, height: DETECT_INPUT_SIZE, channels: 3 } as const;
      // Only frames not seen lately are decoded and detected, each once.
      const digests = question.images.map((image) => frameDigest(image.data));
      const known = new Map<string, Detection[]>();
      const fresh = new Map<string, InputImage>();
      question.images.forEach((image, i) => {
        const digest = digests[i]!;
        if (known.has(digest) || fresh.has(digest)) return;
        const remembered = memo.get(digest);
        if (remembered) known.set(digest, remembered);
        else fresh.set(digest, image);
      });
      const images = [...fresh.values()];
      const frames = await Promise.all(images.map((image) => decodeImage(image, size, DETECT_MODEL_ID)));
      const found = await detectAll(workers, frames, images.map((image) => image.title), request.signal);
      [...fresh.keys()].forEach((digest, i) => {
        known.set(digest, found[i] ?? []);
        memo.set(digest, found[i] ?? []);
      });
      const detections = digests.map((digest) => known.get(digest));
      const findings: FrameFindings[] = question.images.map((image, i) => ({
        title: image.title,
        observations: (detections[i] ?? []).flatMap(({ classIndex, score, box }) => {
          const label = COCO_LABELS[classIndex];
          return label === undefined ? [] : [{ label, confidence: score, box }];
        }),
      }));
      return respond(question, findings, profile);
    },
    async close() {
      closed = true;
      await starting?.catch(() => undefined);
      await pool?.close();
    },
  };
}
