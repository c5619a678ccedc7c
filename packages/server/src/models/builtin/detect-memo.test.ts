/** builtin/detect remembers the detections of recent frames by content: overlapping windows do not detect a frame twice. */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDetectModel, type DetectModel } from './detect.js';
import { firstContent, frame, framesPart, labelSchema, request } from './test-frames.js';
import { WorkerPool } from './worker-pool.js';

const photo = (name: string) => readFileSync(`/work/shared/media/${name}.jpg`);
let model: DetectModel;
beforeAll(() => {
  model = createDetectModel();
});
afterAll(() => model.close());
afterEach(() => vi.restoreAllMocks());

describe('builtin/detect memory of frames', () => {
  it('detects each distinct frame once, however many windows and copies ask about it', async () => {
    const jobs = vi.spyOn(WorkerPool.prototype, 'runAll');
    const [person, dog, horses] = [photo('person'), photo('dog'), photo('horses')];
    const ask = (...jpegs: Buffer[]) => model.complete(request([framesPart(...jpegs.map((j, i) => frame('cam', i, j)))], labelSchema('person', 'dog')));
    const first = await ask(person, dog, Buffer.from(person));
    const second = await ask(dog, person, horses);
    const detected = jobs.mock.calls.reduce((sum, [batch]) => sum + batch.length, 0);
    expect(detected).toBe(3); // person, dog, then horses only
    expect(JSON.parse(firstContent(first))).toMatchObject({ person: { present: true }, dog: { present: true } });
    expect(JSON.parse(firstContent(second))).toEqual(JSON.parse(firstContent(first)));
  });
});
