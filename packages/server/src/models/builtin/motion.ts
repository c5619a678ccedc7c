/**
 * `builtin/motion`: frame differencing over the frames a request references. Several frames of a
 * stream (a video window) are compared one after the other; a single frame is compared with the
 * frame of the same stream this model saw before it (a small memory per stream), and the very
 * first frame of a stream shows no motion. It judges one label, "motion" (also asked as
 * "movement", "moving"...); every other label is answered as one it cannot judge.
 */
import { questionOf, respond } from './answer.js';
import type { BuiltinModelProfile, FrameFindings } from './answer.js';
import { decodeImage } from './images.js';
import type { InputImage } from './images.js';
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

interface Thumbnail {
  readonly index: number;
  readonly pixels: Uint8Array;
}

/** The last two distinct frames seen per stream, so asking twice about the same frame gives the same answer. */
class StreamMemory {
  readonly #streams = new Map<string, { latest: Thumbnail; earlier?: Thumbnail }>();

  constructor(private readonly capacity: number) {}

  /** The most recent remembered frame of `streamId` before frame `index`. */
  before(streamId: string, index: number): Thumbnail | undefined {
    const entry = this.#streams.get(streamId);
    if (!entry) return undefined;
    if (entry.latest.index < index) return entry.latest;
    return entry.earlier && entry.earlier.index < index ? entry.earlier : undefined;
  }

  remember(streamId: string, frame: Thumbnail): void {
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

export function createMotionModel(options: MotionModelOptions = {}): Model {
  const profile: BuiltinModelProfile = {
    id: MOTION_MODEL_ID,
    vocabulary: vocabulary([MOTION], { [MOTION]: ['movement', 'moving', 'move', 'moved', 'movements'] }),
    threshold: options.threshold ?? 0.25,
    judges: 'motion (frame differencing)',
    nothingSeen: 'no motion',
  };
  const memory = new StreamMemory(options.rememberedStreams ?? 256);

  /** Findings per sequence: the frames of each stream, and the data: images together, each in request order. */
  function findingsOf(images: readonly InputImage[], thumbnails: readonly Buffer[]): FrameFindings[] {
    const sequences = new Map<string | undefined, { image: InputImage; pixels: Uint8Array }[]>();
    images.forEach((image, i) => {
      const sequence = sequences.get(image.streamId) ?? [];
      sequence.push({ image, pixels: thumbnails[i] as Buffer });
      sequences.set(image.streamId, sequence);
    });

    const findings: FrameFindings[] = [];
    for (const [streamId, sequence] of sequences) {
      const [first] = sequence;
      if (sequence.length === 1 && first) {
        const earlier = streamId === undefined ? undefined : memory.before(streamId, first.image.index ?? 0);
        findings.push(
          earlier
            ? compared(`${streamId} frame ${earlier.index} → ${first.image.index}`, earlier.pixels, first.pixels)
            : {
                title: first.image.title,
                observations: [{ label: MOTION, confidence: 0 }],
                note:
                  streamId === undefined
                    ? 'a single picture shows no motion; send two or more'
                    : `no earlier frame of ${streamId} to compare with yet`,
              },
        );
      }
      for (let i = 1; i < sequence.length; i += 1) {
        const [a, b] = [sequence[i - 1], sequence[i]] as [(typeof sequence)[number], (typeof sequence)[number]];
        findings.push(compared(`${a.image.title} → ${b.image.index ?? b.image.title}`, a.pixels, b.pixels));
      }
      if (streamId !== undefined) {
        for (const { image, pixels } of sequence) memory.remember(streamId, { index: image.index ?? 0, pixels });
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
      return respond(question, findingsOf(question.images, thumbnails), profile);
    },
    async close() {
      memory.clear();
    },
  };
}
