/** builtin/motion remembers each stream's last frame: what the response cache needs to know about that memory. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { frameDigest } from '../../frames/digest.js';
import { createMotionModel } from './motion.js';
import { firstContent, frame, framesPart, labelSchema, request, squareFrame } from './test-frames.js';
import type { Model } from '../model.js';

let still: Buffer;
let moved: Buffer;
let model: Model;

beforeAll(async () => {
  still = await squareFrame(40, 40);
  moved = await squareFrame(200, 100);
});
afterEach(async () => {
  await model?.close();
});

const ask = (index: number, jpeg: Buffer) => request([framesPart(frame('cam', index, jpeg))], labelSchema('motion'));
const present = async (index: number, jpeg: Buffer) => (JSON.parse(firstContent(await model.complete(ask(index, jpeg)))) as { motion: { present: boolean } }).motion.present;

describe('builtin/motion memory', () => {
  it("a lone frame's answer depends on the content of the stream's previous frame", async () => {
    model = createMotionModel();
    expect(model.memory!.dependsOn(ask(1, still))).toBe('-');
    await model.complete(ask(1, still));
    expect(model.memory!.dependsOn(ask(2, moved))).toBe(frameDigest(still));
    // Windows compare their own frames: no dependence on memory.
    expect(model.memory!.dependsOn(request([framesPart(frame('cam', 3, still), frame('cam', 4, moved))]))).toBe('-');
  });

  it('a request remembered without being answered (a cache hit) is the next comparison', async () => {
    model = createMotionModel();
    await model.complete(ask(1, still));
    model.memory!.remember(ask(2, moved));
    expect(model.memory!.dependsOn(ask(3, moved))).toBe(frameDigest(moved));
    expect(await present(3, moved)).toBe(false); // compared with frame 2 (moved), not frame 1 (still)
    expect(await present(4, still)).toBe(true);
  });

  it('an unreadable request neither throws nor changes the memory', async () => {
    model = createMotionModel();
    const bad = request([{ type: 'image_url', url: 'https://example.com/x.jpg' }]);
    expect(model.memory!.dependsOn(bad)).toBe('unreadable');
    model.memory!.remember(bad);
    expect(model.memory!.dependsOn(ask(1, still))).toBe('-');
  });
});
