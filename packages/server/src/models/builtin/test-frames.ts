/** Test helpers: JPEG frames made with sharp, and model requests around them. */
import sharp from 'sharp';
import type { ModelContentPart, ModelRequest, ResolvedFrame } from '../model.js';

export const FRAME_WIDTH = 320;
export const FRAME_HEIGHT = 180;

/** A grey scene with a dark square of `size` px whose top-left corner is at (x, y); `exposure` multiplies every pixel. */
export async function squareFrame(x: number, y: number, options: { size?: number; exposure?: number } = {}): Promise<Buffer> {
  const size = options.size ?? 40;
  const background = 128;
  const square = await sharp({ create: { width: size, height: size, channels: 3, background: { r: 20, g: 20, b: 20 } } })
    .png()
    .toBuffer();
  return sharp({
    create: { width: FRAME_WIDTH, height: FRAME_HEIGHT, channels: 3, background: { r: background, g: background, b: background } },
  })
    .composite([{ input: square, left: x, top: y }])
    .linear(options.exposure ?? 1, 0)
    .jpeg()
    .toBuffer();
}

export function frame(streamId: string, index: number, jpeg: Buffer): ResolvedFrame {
  return { streamId, index, timestampMs: index * 1000, jpeg, width: FRAME_WIDTH, height: FRAME_HEIGHT };
}

export function framesPart(...frames: ResolvedFrame[]): ModelContentPart {
  return { type: 'frames', frames, video: frames.length > 1 };
}

export function request(content: ModelContentPart[], responseFormat?: unknown, extra: Partial<ModelRequest> = {}): ModelRequest {
  return {
    messages: [{ role: 'user', content }],
    n: 1,
    extra: {},
    ...(responseFormat === undefined ? {} : { responseFormat }),
    ...extra,
  };
}

/** The runner's label schema: one `{present, confidence}` object per label. */
export function labelSchema(...labels: string[]) {
  const verdict = {
    type: 'object',
    properties: { present: { type: 'boolean' }, confidence: { type: 'number' } },
    required: ['present', 'confidence'],
  };
  return {
    type: 'json_schema',
    json_schema: {
      name: 'labels',
      strict: true,
      schema: { type: 'object', properties: Object.fromEntries(labels.map((l) => [l, verdict])), required: labels },
    },
  };
}

export const escalationSchema = {
  type: 'json_schema',
  json_schema: {
    name: 'escalation',
    schema: {
      type: 'object',
      properties: { confirmed: { type: 'boolean' }, confidence: { type: 'number' }, description: { type: 'string' } },
      required: ['confirmed', 'confidence', 'description'],
    },
  },
};

export function firstContent(response: { choices: readonly { content: string }[] }): string {
  const [choice] = response.choices;
  if (!choice) throw new Error('no choice in the response');
  return choice.content;
}
