import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetectModel } from './detect.js';
import type { DetectModel } from './detect.js';
import { BuiltinModelError } from './errors.js';
import { escalationSchema, firstContent, frame, framesPart, labelSchema, request } from './test-frames.js';

const MEDIA = '/work/shared/media';
const photo = (name: string) => readFileSync(`${MEDIA}/${name}.jpg`);

type Verdicts = Record<string, { present: boolean; confidence: number }> & { unsupported?: string[] };

let model: DetectModel;
let emptyScenes: { noise: Buffer; noPerson: Buffer };

beforeAll(async () => {
  model = createDetectModel();
  emptyScenes = {
    noise: await sharp({
      create: { width: 640, height: 360, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
    })
      .jpeg()
      .toBuffer(),
    // The right side of person.jpg: the horse, and no person.
    noPerson: await sharp(photo('person')).extract({ left: 400, top: 0, width: 240, height: 424 }).jpeg().toBuffer(),
  };
}, 60_000);

afterAll(async () => {
  await model.close();
});

async function verdicts(jpeg: Buffer, ...labels: string[]): Promise<Verdicts> {
  const answer = await model.complete(request([framesPart(frame('cam', 1, jpeg))], labelSchema(...labels)));
  return JSON.parse(firstContent(answer)) as Verdicts;
}

describe('builtin/detect', () => {
  it('finds the person, the dog and the horses of the sample photos', async () => {
    const person = await verdicts(photo('person'), 'person');
    expect(model.status()).toBe('ready');
    expect(person['person']?.present).toBe(true);
    expect((await verdicts(photo('dog'), 'dog'))['dog']?.present).toBe(true);
    expect((await verdicts(photo('horses'), 'horse'))['horse']?.present).toBe(true);
  });

  it('finds no person in an empty scene', async () => {
    for (const scene of [emptyScenes.noise, emptyScenes.noPerson]) {
      const answer = await verdicts(scene, 'person');
      expect(answer['person']?.present).toBe(false);
      expect(answer['person']?.confidence).toBeLessThan(0.35);
    }
  });

  it('answers exactly the asked labels, and names those it cannot judge', async () => {
    const answer = await verdicts(photo('dog'), 'Dogs', 'bicycle', 'person', 'fall', 'smoke');
    expect(Object.keys(answer).sort()).toEqual(['Dogs', 'bicycle', 'fall', 'person', 'smoke', 'unsupported']);
    expect(answer['Dogs']?.present).toBe(true);
    expect(answer['bicycle']?.present).toBe(true);
    expect(answer['person']).toEqual({ present: false, confidence: 0 });
    expect(answer['fall']).toEqual({ present: false, confidence: 0 });
    expect(answer.unsupported).toEqual(['fall', 'smoke']);
  });

  it('takes the best confidence over the frames of a window', async () => {
    const window = framesPart(frame('cam', 1, emptyScenes.noise), frame('cam', 2, photo('person')));
    const answer = await model.complete(request([window], labelSchema('person')));
    expect(JSON.parse(firstContent(answer))).toMatchObject({ person: { present: true } });
  });

  it('confirms an escalation when an object the prompt names is there, and describes what it saw', async () => {
    const ask = (text: string, jpeg: Buffer) =>
      model
        .complete(request([{ type: 'text', text }, framesPart(frame('cam', 1, jpeg))], escalationSchema))
        .then((answer) => JSON.parse(firstContent(answer)) as { confirmed: boolean; confidence: number; description: string });
    const yes = await ask('Is someone standing next to the horse?', photo('person'));
    expect(yes.confirmed).toBe(true);
    expect(yes.description).toMatch(/^looked for person, horse; saw: person \(0\.\d\d\) at x=0\.\d\d y=0\.\d\d w=0\.\d\d h=0\.\d\d/);
    const no = await ask('Is a person at the gate?', emptyScenes.noPerson);
    expect(no.confirmed).toBe(false);
    const unknown = await ask('Has the old man fallen?', emptyScenes.noise);
    expect(unknown.confirmed).toBe(false);
    expect(unknown.description).toContain('looked for person');
  });

  it('answers text without a response_format, from data: images too', async () => {
    const url = `data:image/jpeg;base64,${photo('horses').toString('base64')}`;
    const answer = await model.complete(request([{ type: 'image_url', url }]));
    expect(firstContent(answer)).toMatch(/^horse \(0\.\d\d\) at x=\S+ y=\S+ w=\S+ h=\S+(; \w[\w ]* \(0\.\d\d\) at .*)*$/);
    expect(answer.usage.promptTokens).toBeGreaterThan(0);
    expect(answer.usage.completionTokens).toBe(Math.ceil(firstContent(answer).length / 4));
  });

  it('refuses an undecodable frame with a clear error, and keeps working', async () => {
    const failure = model.complete(request([framesPart(frame('cam', 5, Buffer.from('not a jpeg at all')))]));
    await expect(failure).rejects.toBeInstanceOf(BuiltinModelError);
    await expect(failure).rejects.toMatchObject({ status: 422, code: 'segment_invalid' });
    await expect(failure).rejects.toThrow(/builtin\/detect could not decode cam frame 5 \(17 bytes\) as an image/);
    const truncated = photo('dog').subarray(0, 5000);
    await expect(model.complete(request([framesPart(frame('cam', 6, truncated))]))).rejects.toThrow(/could not decode cam frame 6/);
    expect((await verdicts(photo('dog'), 'dog'))['dog']?.present).toBe(true);
  });

  it('is unavailable, with the reason, when its weights cannot be loaded', async () => {
    const broken = createDetectModel({ modelPath: '/nonexistent/centernet.json' });
    try {
      const failure = broken.complete(request([framesPart(frame('cam', 1, photo('dog')))]));
      await expect(failure).rejects.toMatchObject({ status: 503, code: 'model_unavailable' });
      await expect(failure).rejects.toThrow(/builtin\/detect is unavailable: .*\/nonexistent\/centernet\.json/);
      expect(broken.status()).toBe('unavailable');
      expect(broken.unavailableReason()).toMatch(/ENOENT.*\/nonexistent\/centernet\.json/);
    } finally {
      await broken.close();
    }
  });
});
