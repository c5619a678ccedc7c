/**
 * `builtin/motion`: frame differencing over the frames a request references. Several frames of a
 * stream (a video window) are compared one after the other; a single frame is compared with the
 * frame of the same stream this model saw before it (a small memory per stream), and the very
 * first frame of a stream shows no motion. It judges one label, "motion" (also asked as
 * "movement", "moving"...); every other label is answered as one it cannot judge.
 */
import { questionOf, respond } from './answer.js';
import type { BuiltinModelProfile, FrameFindings } from './answer.js';
import { decodeImage, imagesOf } from './images.js';
import type { InputImage } from './images.js';
import { frameDigest } from '../../frames/digest.js';
import { frameDifference, THUMBNAIL_HEIGHT, THUMBNAIL_WIDTH } from './frame-difference.js';
import { vocabulary } from './vocabulary.js';
import type { Model } from '../model.js';

export const MOTION_MODEL_ID = 'builtin/motion';

export interface MotionModelOptions {
  /** Score at or above which motion is present; default 0.25 (half a percent of the picture changed). */
  readonly threshold?: number;
  /** How many streams' last frames are remembered; the least recently seen is forgotten first. Default 256. */
  readonly rememberedStreams?: number;
}

const MOTION = 'motion';
const THUMBNAIL = { width: THUMBNAIL_WIDTH, height: THUMBNAIL_HEIGHT, channels: 1 } as const;

/** A frame remembered for later comparisons; its thumbnail is decoded when first needed. */
interface Remembered {
  readonly index: number;
  readonly jpeg: Buffer;
  pixels?: Promise<Uint8Array>;
}

/** The last two distinct frames seen per stream, so asking twice about the same frame gives the same answer. */
class StreamMemory {
  readonly #streams = new Map<string, { latest: Remembered; earlier?: Remembered }>();

  constructor(private readonly capacity: number) {}

  /** The most recent remembered frame of `streamId` before frame `index`. */
  before(streamId: string, index: number): Remembered | undefined {
    const entry = this.#streams.get(streamId);
    if (!entry) return undefined;
    if (entry.latest.index < index) return entry.latest;
    return entry.earlier && entry.earlier.index < index ? entry.earlier : undefined;
  }

  remember(streamId: string, frame: Remembered): void {
    const entry = this.#streams.get(streamId);
    this.#streams.delete(streamId); // re-inserted below: the Map's order is recency
    if (!entry) this.#streams.set(streamId, { latest: frame });
    else if (frame.index > entry.latest.index) this.#streams.set(streamId, { latest: frame, earlier: entry.latest });
    else this.#streams.set(streamId, entry); // an older or repeated frame changes nothing
    if (this.#streams.size > this.capacity) {
      const oldest = this.#streams.keys().next().value as string;
      this.#streams.delete(oldest);
    }
  }

  clear(): void {
    this.#streams.clear();
  }
}

function compared(title: string, before: Uint8Array, after: Uint8Array): FrameFindings {
  const difference = frameDifference(before, after);
  return {
    title,
    observations: [{ label: MOTION, confidence: difference.score, ...(difference.box ? { box: difference.box } : {}) }],
    note: `${(difference.changedShare * 100).toFixed(1)}% of the picture changed`,
  };
}

/** The request's pictures grouped per stream (`data:` images together), each in request order. */
function sequencesOf(images: readonly InputImage[]): Map<string | undefined, number[]> {
  const sequences = new Map<string | undefined, number[]>();
  images.forEach((image, i) => {
    const sequence = sequences.get(image.streamId) ?? [];
    sequence.push(i);
    sequences.set(image.streamId, sequence);
  });
  return sequences;
}

export function createMotionModel(options: MotionModelOptions = {}): Model {
  const profile: BuiltinModelProfile = {
    id: MOTION_MODEL_ID,
    vocabulary: vocabulary([MOTION], { [MOTION]: ['movement', 'moving', 'move', 'moved', 'movements'] }),
    threshold: options.threshold ?? 0.25,
    judges: 'motion (frame differencing)',
    nothingSeen: 'no motion',
  };
  const memory = new StreamMemory(options.rememberedStreams ?? 256);
  const thumbnailOf = (frame: Remembered) => (frame.pixels ??= decodeImage({ title: `frame ${frame.index}`, data: frame.jpeg }, THUMBNAIL, MOTION_MODEL_ID));

  /** The earlier frame a lone frame of a stream is compared with, per sequence (undefined otherwise). */
  function earlierFrames(images: readonly InputImage[]): Array<{ indices: number[]; streamId: string | undefined; earlier: Remembered | undefined }> {
    return [...sequencesOf(images)].map(([streamId, indices]) => {
      const first = images[indices[0]!]!;
      const lone = indices.length === 1 && streamId !== undefined;
      return { indices, streamId, earlier: lone ? memory.before(streamId, first.index ?? 0) : undefined };
    });
  }

  function rememberAll(images: readonly InputImage[], thumbnails?: readonly Uint8Array[]): void {
    images.forEach((image, i) => {
      if (image.streamId === undefined) return;
      const pixels = thumbnails?.[i];
      memory.remember(image.streamId, { index: image.index ?? 0, jpeg: image.data, ...(pixels ? { pixels: Promise.resolve(pixels) } : {}) });
    });
  }

  async function findingsOf(images: readonly InputImage[], thumbnails: readonly Uint8Array[]): Promise<FrameFindings[]> {
    // Read and update the memory before any await, so concurrent requests see it consistently.
    const sequences = earlierFrames(images);
    rememberAll(images, thumbnails);
    const findings: FrameFindings[] = [];
    for (const { indices, streamId, earlier } of sequences) {
      const first = images[indices[0]!]!;
      if (indices.length === 1) {
        findings.push(
          earlier
            ? compared(`${streamId} frame ${earlier.index} → ${first.index}`, await thumbnailOf(earlier), thumbnails[indices[0]!]!)
            : {
                title: first.title,
                observations: [{ label: MOTION, confidence: 0 }],
                note: streamId === undefined ? 'a single picture shows no motion; send two or more' : `no earlier frame of ${streamId} to compare with yet`,
              },
        );
      }
      for (let k = 1; k < indices.length; k += 1) {
        const [a, b] = [indices[k - 1]!, indices[k]!];
        findings.push(compared(`${images[a]!.title} → ${images[b]!.index ?? images[b]!.title}`, thumbnails[a]!, thumbnails[b]!));
      }
    }
    return findings;
  }

  return {
    id: MOTION_MODEL_ID,
    ownedBy: 'ovs',
    status: () => 'ready',
    async complete(request) {
      const question = questionOf(request, MOTION_MODEL_ID);
      const thumbnails = await Promise.all(question.images.map((image) => decodeImage(image, THUMBNAIL, MOTION_MODEL_ID)));
      return respond(question, await findingsOf(question.images, thumbnails), profile);
    },
    memory: {
      // A lone frame is compared with the stream's previous frame: the answer depends on that frame's content.
      dependsOn(request) {
        try {
          return earlierFrames(imagesOf(request, MOTION_MODEL_ID))
            .map(({ earlier }) => (earlier ? frameDigest(earlier.jpeg) : '-'))
            .join(',');
        } catch {
          return 'unreadable'; // the model itself will say what is wrong with the request
        }
      },
      remember(request) {
        try {
          rememberAll(imagesOf(request, MOTION_MODEL_ID));
        } catch {
          // an unreadable request was never remembered by the model either
        }
      },
    },
    async close() {
      memory.clear();
    },
  };
}
