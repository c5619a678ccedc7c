import fc from 'fast-check';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJpegSize } from './jpeg.js';
import { JpegSplitter } from './jpeg-splitter.js';

async function jpeg(width: number, height: number, progressive = false): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 90 } } })
    .composite([{ input: Buffer.from(await noise(width, height)), raw: { width, height, channels: 3 } }])
    .jpeg({ quality: 80, progressive })
    .toBuffer();
}

function noise(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(width * height * 3);
  let seed = width * 7919 + height;
  for (let i = 0; i < bytes.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = seed & 0xff;
  }
  return bytes;
}

/** Inserts an APP1 segment whose payload contains an embedded SOI...EOI, like an EXIF thumbnail. */
function withThumbnailSegment(frame: Buffer): Buffer {
  const payload = Buffer.from([0x45, 0x78, 0x69, 0x66, 0, 0, 0xff, 0xd8, 0xff, 0xd9, 0xff, 0xd9, 1, 2, 3]);
  const header = Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([frame.subarray(0, 2), header, payload, frame.subarray(2)]);
}

function split(stream: Buffer, cuts: number[]): Buffer[] {
  const frames: Buffer[] = [];
  const splitter = new JpegSplitter((f) => frames.push(f));
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  let prev = 0;
  for (const p of [...points, stream.length]) {
    splitter.push(stream.subarray(prev, p));
    prev = p;
  }
  return frames;
}

describe('JpegSplitter', () => {
  let frames: Buffer[];
  beforeAll(async () => {
    frames = [await jpeg(32, 24), await jpeg(40, 30, true), withThumbnailSegment(await jpeg(16, 16)), await jpeg(8, 8)];
  });

  it('reads the size from the SOF header, for baseline and progressive frames', () => {
    expect(frames.map((f) => readJpegSize(f))).toEqual([
      { width: 32, height: 24 },
      { width: 40, height: 30 },
      { width: 16, height: 16 },
      { width: 8, height: 8 },
    ]);
    expect(readJpegSize(Buffer.from('not a jpeg'))).toBeUndefined();
    expect(readJpegSize(frames[0]!.subarray(0, 10))).toBeUndefined();
  });

  it('returns every frame intact however the stream is chunked', () => {
    const stream = Buffer.concat(frames);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: stream.length }), { maxLength: 40 }), (cuts) => {
        const out = split(stream, cuts);
        expect(out.length).toBe(frames.length);
        out.forEach((f, i) => expect(f.equals(frames[i]!)).toBe(true));
      }),
      { numRuns: 300 },
    );
  });

  it('skips garbage between frames and recovers after a truncated frame', () => {
    // Cut inside the scan data, as when a source process dies mid-frame.
    const truncated = frames[0]!.subarray(0, frames[0]!.length - 40);
    const stream = Buffer.concat([Buffer.from([1, 2, 0xff, 0x00, 0xff]), frames[1]!, Buffer.from('junk'), truncated, frames[3]!]);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: stream.length }), { maxLength: 10 }), (cuts) => {
        const out = split(stream, cuts);
        expect(out.length).toBe(2);
        expect(out[0]!.equals(frames[1]!)).toBe(true);
        expect(out[1]!.equals(frames[3]!)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('drops a frame larger than the limit and keeps going', () => {
    const out: Buffer[] = [];
    const splitter = new JpegSplitter((f) => out.push(f), 200);
    splitter.push(Buffer.concat([frames[0]!, frames[3]!]));
    expect(out.map((f) => f.length)).toEqual(frames[3]!.length <= 200 ? [frames[3]!.length] : []);
    expect(splitter.bufferedBytes).toBe(0);
  });
});
