import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelRequest, ModelResponse, ResolvedFrame } from '../models/model.js';
import { canonicalJson, ResponseCache } from './response-cache.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ovs-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const jpegA = Buffer.from('frame A bytes');
const jpegB = Buffer.from('frame B bytes');
const frame = (streamId: string, index: number, jpeg: Buffer): ResolvedFrame => ({ streamId, index, timestampMs: index * 1000, jpeg, width: 4, height: 2 });

function request(frames: ResolvedFrame[], text = 'Is there a person?', extra: Partial<ModelRequest> = {}): Omit<ModelRequest, 'signal'> {
  return {
    messages: [{ role: 'user', content: [{ type: 'text', text }, { type: 'frames', frames, video: frames.length > 1 }] }],
    n: 1,
    extra: {},
    responseFormat: { type: 'json_schema', json_schema: { name: 'labels', schema: { type: 'object' } } },
    ...extra,
  };
}

const answer: ModelResponse = { choices: [{ content: '{"person":{"present":true}}', finishReason: 'stop' }], usage: { promptTokens: 300, completionTokens: 12 } };

describe('ResponseCache keys', () => {
  const cache = new ResponseCache('/unused');

  it('depend on what the frames are, not on which stream or index they came from', () => {
    const key = cache.key('m', request([frame('stream-1', 7, jpegA)]));
    expect(cache.key('m', request([frame('stream-2', 99, Buffer.from(jpegA))]))).toBe(key);
    expect(cache.key('m', request([frame('stream-1', 7, jpegB)]))).not.toBe(key);
  });

  it('depend on the model, the prompt, the schema, the frames in order, the parameters and the model memory', () => {
    const base = request([frame('s', 1, jpegA), frame('s', 2, jpegB)]);
    const key = cache.key('m', base);
    const variants = [
      cache.key('other', base),
      cache.key('m', request([frame('s', 1, jpegA), frame('s', 2, jpegB)], 'Is there a dog?')),
      cache.key('m', { ...base, responseFormat: { type: 'json_object' } }),
      cache.key('m', request([frame('s', 1, jpegB), frame('s', 2, jpegA)])),
      cache.key('m', { ...base, maxTokens: 10 }),
      cache.key('m', { ...base, temperature: 0 }),
      cache.key('m', { ...base, n: 2 }),
      cache.key('m', { ...base, extra: { image_tokens: 140 } }),
      cache.key('m', base, 'earlier frame abc'),
    ];
    expect(new Set([key, ...variants]).size).toBe(variants.length + 1);
  });

  it('do not depend on the order of keys inside a schema', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });
});

describe('ResponseCache on disk', () => {
  it('answers what was stored, and counts hits and misses per model', async () => {
    const cache = new ResponseCache(dir);
    const key = cache.key('m', request([frame('s', 1, jpegA)]));
    expect(await cache.get('m', key)).toBeUndefined();
    await cache.put('m', key, answer);
    expect(await new ResponseCache(dir).get('m', key)).toEqual(answer); // another process later
    expect(await cache.get('m', key)).toEqual(answer);
    expect(cache.stats()).toEqual({ m: { hits: 1, misses: 1, unreadable: 0, writeErrors: 0 } });
  });

  it('takes a corrupt or foreign entry as a miss and overwrites it', async () => {
    const cache = new ResponseCache(dir);
    const key = cache.key('m', request([frame('s', 1, jpegA)]));
    mkdirSync(path.join(dir, key.slice(0, 2)), { recursive: true });
    writeFileSync(path.join(dir, key.slice(0, 2), `${key}.json`), '{"format":1,"model":"m","respo');
    expect(await cache.get('m', key)).toBeUndefined();
    await cache.put('other-model', key, answer);
    expect(await cache.get('m', key)).toBeUndefined(); // an entry for another model is not this one
    await cache.put('m', key, answer);
    expect(await cache.get('m', key)).toEqual(answer);
    expect(cache.stats().m).toMatchObject({ hits: 1, misses: 2, unreadable: 2 });
  });

  it('concurrent writers of one key leave one whole entry and no temporary files', async () => {
    const writers = Array.from({ length: 8 }, () => new ResponseCache(dir));
    const key = writers[0]!.key('m', request([frame('s', 1, jpegA)]));
    await Promise.all(writers.map((w, i) => w.put('m', key, { ...answer, usage: { promptTokens: i, completionTokens: 1 } })));
    const files = readdirSync(path.join(dir, key.slice(0, 2)));
    expect(files).toEqual([`${key}.json`]);
    expect((await writers[0]!.get('m', key))?.choices).toEqual(answer.choices);
  });

  it('a cache that cannot be written is counted, never thrown', async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere
    chmodSync(dir, 0o500);
    const cache = new ResponseCache(path.join(dir, 'sub'));
    await cache.put('m', 'ab'.repeat(32), answer);
    expect(cache.stats().m?.writeErrors).toBe(1);
    chmodSync(dir, 0o700);
  });
});
