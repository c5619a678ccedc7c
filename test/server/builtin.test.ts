/**
 * The builtin CPU models behind the HTTP API: a clip composed from the shared photos (an empty
 * scene, then the person) is streamed in from a file, and builtin/detect finds the person only
 * where it is; builtin/motion sees the change between the two.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without types
import { composeClip } from '../../scripts/clips.mjs';
import { tempDir } from '../support/clips.js';
import { waitFor } from '../support/wait.js';
import { startServer, type Api } from './helpers.js';

const PERSON = fileURLToPath(new URL('../../../shared/media/person.jpg', import.meta.url));
let tmp: ReturnType<typeof tempDir>;
let api: Api;
let client: OpenAI;
let streamId: string;

const labels = (names: string[]) => ({
  type: 'json_schema' as const,
  json_schema: {
    name: 'labels',
    schema: { type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'object', properties: { present: { type: 'boolean' }, confidence: { type: 'number' } } }])) },
  },
});

/** ffmpeg children of this process (the server runs in-process). */
function ffmpegChildren(): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => /ffmpeg/.test(line));
  } catch {
    return []; // ps exits 1 when there is no child at all
  }
}

beforeAll(async () => {
  tmp = tempDir();
  composeClip({ out: path.join(tmp.dir, 'scene.mp4'), segments: [{ color: 'gray', seconds: 2 }, { image: PERSON, seconds: 2 }], width: 320, height: 240, fps: 5 });
  api = await startServer({ builtinModels: true, mediaRoot: tmp.dir });
  client = new OpenAI({ baseURL: `${api.server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const created = await api.call('POST', '/v1/streams', { json: { source: { type: 'file', url: 'scene.mp4', pace: 'asap' } } });
  streamId = created.body.id;
  await waitFor('the clip to be read', async () => (await api.call('GET', `/v1/streams/${streamId}`)).body.state === 'ended', 20_000);
  await waitFor('builtin/detect to load', async () => (await client.models.list()).data.find((m: any) => m.id === 'builtin/detect')?.status === 'ready', 60_000);
}, 90_000);
afterAll(async () => {
  await api?.server.close();
  tmp?.remove();
});

describe('builtin models through the API', () => {
  it('lists both builtin models', async () => {
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['builtin/motion', 'builtin/detect']));
  });

  it('builtin/detect finds the person only when it is there', async () => {
    const ask = async (timestampMs: number) => {
      const completion = await client.chat.completions.create({
        model: 'builtin/detect',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Is there a person or a unicorn?' }, { type: 'image_url', image_url: { url: `ovs://streams/${streamId}?timestamp_ms=${timestampMs}` } }] }],
        response_format: labels(['person', 'unicorn']),
      });
      return JSON.parse(completion.choices[0]!.message.content!);
    };
    const empty = await ask(1000);
    const withPerson = await ask(3000);
    expect(empty.person.present).toBe(false);
    expect(withPerson.person.present).toBe(true);
    expect(withPerson.person.confidence).toBeGreaterThan(empty.person.confidence);
    expect(withPerson.unsupported).toEqual(['unicorn']);
  }, 60_000);

  it('builtin/motion sees the change from the empty scene to the person, and none within the empty scene', async () => {
    const ask = async (url: string) => {
      const completion = await client.chat.completions.create({
        model: 'builtin/motion',
        messages: [{ role: 'user', content: [{ type: 'video_url', video_url: { url } } as any] }],
        response_format: labels(['motion']),
      });
      return JSON.parse(completion.choices[0]!.message.content!);
    };
    expect((await ask(`ovs://streams/${streamId}?start_timestamp_ms=1600&end_timestamp_ms=2400&max_fps=5`)).motion.present).toBe(true);
    expect((await ask(`ovs://streams/${streamId}?start_timestamp_ms=200&end_timestamp_ms=1400&max_fps=5`)).motion.present).toBe(false);
  });

  it('refuses an https: image with a 422 saying what builtins read', async () => {
    const res = await api.call('POST', '/v1/chat/completions', {
      json: { model: 'builtin/detect', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }] }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail.error).toMatchObject({ code: 'segment_invalid', type: 'stream_error', param: 'image_url' });
    expect(res.body.detail.error.message).toContain('builtin models read only ovs:// frames and data: images');
    const bad = await api.call('POST', '/v1/chat/completions', {
      json: { model: 'builtin/detect', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } }] }] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.detail.error.code).toBe('segment_invalid');
  });

  it('refuses a response_format it cannot answer in the validation shape, at body.response_format', async () => {
    const res = await api.call('POST', '/v1/chat/completions', {
      json: { model: 'builtin/motion', response_format: { type: 'xml' }, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `ovs://streams/${streamId}?frame_index=-1` } }] }] },
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'validation_error', details: [{ loc: ['body', 'response_format'], type: 'value_error' }] });
    expect(res.body.message).toMatch(/^Request validation failed: response_format: builtin\/motion answers response_format types text, json_object and json_schema/);
  });

  it('leaves no ffmpeg child behind when the server closes', async () => {
    const looping = await api.call('POST', '/v1/streams', { json: { source: { type: 'file', url: 'scene.mp4', loop: true } } });
    await waitFor('frames', async () => (await api.call('GET', `/v1/streams/${looping.body.id}`)).body.last_frame_index >= 1);
    expect(ffmpegChildren().length).toBeGreaterThan(0);
    await api.server.close();
    expect(ffmpegChildren()).toEqual([]);
  });
});
