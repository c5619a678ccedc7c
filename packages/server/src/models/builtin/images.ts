/**
 * The pictures a request shows a builtin model, and their decoding. Builtin models look at the
 * frames of `ovs://` references and at `data:` image URLs; they never fetch `https:` URLs (a
 * CPU model on this machine is often used where nothing outside is reachable).
 */
import sharp from 'sharp';
import { BuiltinModelError } from './errors.js';
import type { ModelRequest } from '../model.js';

export interface InputImage {
  /** How answers name this picture, e.g. `cam1 frame 42` or `image 2`. */
  readonly title: string;
  readonly data: Buffer;
  /** Set for stream frames; absent for `data:` images. */
  readonly streamId?: string;
  readonly index?: number;
}

/** Far above any camera frame (8K is 33 Mpx); refuses decompression bombs before they are decoded. */
const MAX_INPUT_PIXELS = 50_000_000;

const DATA_IMAGE_URL = /^data:image\/[a-z0-9.+-]+;base64,/i;

/** Every picture of the request, in the order the parts were written. */
export function imagesOf(request: ModelRequest, modelId: string): InputImage[] {
  const images: InputImage[] = [];
  let urlCount = 0;
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.type === 'frames') {
        for (const frame of part.frames) {
          images.push({
            title: `${frame.streamId} frame ${frame.index}`,
            data: frame.jpeg,
            streamId: frame.streamId,
            index: frame.index,
          });
        }
      } else if (part.type === 'image_url') {
        urlCount += 1;
        const prefix = DATA_IMAGE_URL.exec(part.url);
        if (!prefix) {
          // 422 like an undecodable data: image: the picture is there but unusable by this model.
          throw new BuiltinModelError(
            422,
            'segment_invalid',
            `builtin models read only ovs:// frames and data: images (data:image/...;base64); ${modelId} got image ${urlCount} ` +
              `"${part.url.slice(0, 40)}${part.url.length > 40 ? '…' : ''}". ` +
              'Send the picture as a data: URL or push it to a stream.',
            'image_url',
          );
        }
        images.push({ title: `image ${urlCount}`, data: Buffer.from(part.url.slice(prefix[0].length), 'base64') });
      }
    }
  }
  return images;
}

/** All text parts of all messages, one per line: what the prompt says. */
export function promptTextOf(request: ModelRequest): string {
  return request.messages
    .flatMap((message) => message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])))
    .join('\n');
}

/**
 * Decodes a picture to raw pixels of exactly `width` x `height` (stretched, as the models
 * expect), with 1 (grey) or 3 (RGB) channels. sharp runs on libuv's thread pool, so the event
 * loop stays free.
 */
export async function decodeImage(
  image: InputImage,
  size: { readonly width: number; readonly height: number; readonly channels: 1 | 3 },
  modelId: string,
): Promise<Buffer> {
  try {
    let pipeline = sharp(image.data, { limitInputPixels: MAX_INPUT_PIXELS }).resize(size.width, size.height, { fit: 'fill' });
    pipeline = size.channels === 1 ? pipeline.grayscale() : pipeline.removeAlpha().toColourspace('srgb');
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== size.channels) throw new Error(`decoded to ${info.channels} channels, not ${size.channels}`);
    return data;
  } catch (error) {
    throw new BuiltinModelError(
      422,
      'segment_invalid',
      `${modelId} could not decode ${image.title} (${image.data.length} bytes) as an image: ` +
        `${(error as Error).message}. Frames must be JPEG (or another format sharp reads, for data: URLs).`,
    );
  }
}
