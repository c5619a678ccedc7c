import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BuiltinModelError } from './errors.js';
import { createMotionModel } from './motion.js';
import {
  escalationSchema,
  firstContent,
  frame,
  framesPart,
  labelSchema,
  request,
  squareFrame,
} from './test-frames.js';
import type { Model } from '../model.js';

let still: Buffer;
let moved: Buffer;
let brighter: Buffer;
let model: Model;

beforeAll(async () => {
  still = await squareFrame(40, 40);
  moved = await squareFrame(200, 100);
  brighter = await squareFrame(40, 40, { exposure: 1.3 });
});

afterEach(async () => {
  await model?.close();
});

function motionOf(content: string): { present: boolean; confidence: number } {
  return (JSON.parse(content) as Record<string, { present: boolean; confidence: number }>)['motion'] as {
    present: boolean;
    confidence: number;
  };
}

describe('builtin/motion', () => {
  it('sees no motion between identical frames', async () => {
    model = createMotionModel();
    const answer = await model.complete(request([framesPart(frame('cam', 1, still), frame('cam', 2, still))], labelSchema('motion')));
    expect(JSON.parse(firstContent(answer))).toEqual({ motion: { present: false, confidence: 0 } });
  });

  it('ignores a change of exposure of the whole picture', async () => {
    model = createMotionModel();
    const answer = await model.complete(request([framesPart(frame('cam', 1, still), frame('cam', 2, brighter))], labelSchema('motion')));
    expect(motionOf(firstContent(answer)).present).toBe(false);
  });

  it('sees a moved square, with a box around where it was and where it went', async () => {
    model = createMotionModel();
    const answer = await model.complete(request([framesPart(frame('cam', 1, still), frame('cam', 2, moved))]));
    const text = firstContent(answer);
    expect(text).toMatch(/^motion \((\d\.\d\d)\) at x=(\S+) y=(\S+) w=(\S+) h=(\S+) — \d+\.\d% of the picture changed$/);
    const [x, y, w, h] = [...text.matchAll(/[xywh]=(\d\.\d\d)/g)].map((m) => Number(m[1]));
    // Squares: 40..80 x 40..80 then 200..240 x 100..140, of 320 x 180; the text rounds to 0.01.
    const slack = 0.005;
    expect(x).toBeLessThanOrEqual(40 / 320 + slack);
    expect(y).toBeLessThanOrEqual(40 / 180 + slack);
    expect((x ?? 0) + (w ?? 0)).toBeGreaterThanOrEqual(240 / 320 - slack);
    expect((y ?? 0) + (h ?? 0)).toBeGreaterThanOrEqual(140 / 180 - slack);
    expect(w).toBeLessThan(1);
  });

  it('compares a single frame with the last frame it saw of that stream; the first one shows no motion', async () => {
    model = createMotionModel();
    const ask = (index: number, jpeg: Buffer) => model.complete(request([framesPart(frame('cam', index, jpeg))], labelSchema('motion')));
    const first = await ask(1, still);
    expect(motionOf(firstContent(first))).toEqual({ present: false, confidence: 0 });
    expect(motionOf(firstContent(await ask(2, moved))).present).toBe(true);
    // The same frame asked again is compared with the frame before it, not with itself.
    expect(motionOf(firstContent(await ask(2, moved))).present).toBe(true);
    expect(motionOf(firstContent(await ask(3, moved))).present).toBe(false);
    // Another stream has its own memory.
    expect(firstContent(await model.complete(request([framesPart(frame('other', 9, moved))])))).toContain(
      'no earlier frame of other to compare with yet',
    );
  });

  it('treats "movement" as motion and reports every other label as unsupported', async () => {
    model = createMotionModel();
    const answer = await model.complete(
      request([framesPart(frame('cam', 1, still), frame('cam', 2, moved))], labelSchema('movement', 'person', 'fall')),
    );
    const parsed = JSON.parse(firstContent(answer)) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['fall', 'movement', 'person', 'unsupported']);
    expect(parsed['movement']).toMatchObject({ present: true });
    expect(parsed['person']).toEqual({ present: false, confidence: 0 });
    expect(parsed['unsupported']).toEqual(['person', 'fall']);
  });

  it('answers the escalation schema from the motion the prompt asks about', async () => {
    model = createMotionModel();
    const answer = await model.complete(
      request(
        [{ type: 'text', text: 'Is anything moving in the yard?' }, framesPart(frame('cam', 1, still), frame('cam', 2, moved))],
        escalationSchema,
      ),
    );
    const parsed = JSON.parse(firstContent(answer)) as { confirmed: boolean; confidence: number; description: string };
    expect(Object.keys(parsed).sort()).toEqual(['confidence', 'confirmed', 'description']);
    expect(parsed.confirmed).toBe(true);
    expect(parsed.description).toMatch(/^looked for motion; saw: motion \(/);
  });

  it('compares data: images in the order given', async () => {
    model = createMotionModel();
    const url = (jpeg: Buffer) => ({ type: 'image_url' as const, url: `data:image/jpeg;base64,${jpeg.toString('base64')}` });
    const answer = await model.complete(request([url(still), url(moved)], labelSchema('motion')));
    expect(motionOf(firstContent(answer)).present).toBe(true);
  });

  it('refuses an undecodable frame with a clear error', async () => {
    model = createMotionModel();
    const broken = still.subarray(0, 200);
    const failure = model.complete(request([framesPart(frame('cam', 7, still), frame('cam', 8, broken))]));
    await expect(failure).rejects.toBeInstanceOf(BuiltinModelError);
    await expect(failure).rejects.toThrow(/could not decode cam frame 8 \(200 bytes\) as an image/);
  });
});
