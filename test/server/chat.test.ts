import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readJpegSize } from '../../packages/server/src/ingest/jpeg.js';
import { makeJpegFrames } from '../support/clips.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { closedPort } from '../support/net.js';
import { startServer, type Api } from './helpers.js';

let upstream: FakeUpstream;
let api: Api;
let client: OpenAI;
let frames: Buffer[];
let camA: string;
let camB: string;

/** Pushes frames with capture times 0, 100, 200... ms; returns the stream id. */
async function pushStream(count: number): Promise<string> {
  const created = await api.call('POST', '/v1/streams');
  const id = created.body.id as string;
  for (let i = 0; i < count; i++) {
    const res = await api.call('POST', `/v1/streams/${id}/frames?capture_ts_ms=${1_000_000 + i * 100}`, { body: frames[i]!, headers: { 'content-type': 'image/jpeg' } });
    expect(res.status, res.text).toBe(200);
  }
  return id;
}

const dataUrl = (jpeg: Buffer) => `data:image/jpeg;base64,${jpeg.toString('base64')}`;
const sentParts = (i = -1) => upstream.requests.at(i)!.body.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content : []));

beforeAll(async () => {
  frames = makeJpegFrames(10);
  upstream = await startFakeUpstream();
  api = await startServer({
    upstreams: {
      'test/vlm': { baseUrl: upstream.baseUrl, model: 'fake-vlm', apiKey: 'upstream-secret-key', timeoutMs: 500 },
      'test/small': { baseUrl: upstream.baseUrl, model: 'fake-small', maxTokensField: 'max_completion_tokens' },
    },
    imageMaxSide: 1280,
  });
  client = new OpenAI({ baseURL: `${api.server.url}/v1`, apiKey: 'not-checked-on-loopback', maxRetries: 0 });
  camA = await pushStream(10);
  camB = await pushStream(3);
});
afterAll(async () => {
  await api.server.close();
  await upstream.close();
});
beforeEach(() => upstream.behave({ kind: 'answer' }));

describe('chat completions against an upstream', () => {
  it('sends the newest frame upstream as a data: JPEG and says what it resolved', async () => {
    const completion = await client.chat.completions.create({
      model: 'test/vlm',
      messages: [
        { role: 'system', content: 'You watch cameras.' },
        { role: 'user', content: [{ type: 'text', text: 'What is there?' }, { type: 'image_url', image_url: { url: `ovs://streams/${camA}?frame_index=-1` } }] },
      ],
      max_completion_tokens: 20,
    });
    expect(completion.choices[0]!.message.content).toBe('ok');
    expect(completion.model).toBe('test/vlm');
    expect(completion.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 });
    expect((completion as any).ovs_resolved).toEqual([
      { message_index: 1, part_index: 1, url: `ovs://streams/${camA}?frame_index=-1`, stream_id: camA, frames: [{ index: 9, timestamp_ms: 900, bytes: frames[9]!.length, width: 320, height: 240 }] },
    ]);

    const sent = upstream.requests.at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer upstream-secret-key');
    expect(sent.body).toMatchObject({ model: 'fake-vlm', max_tokens: 20, stream: false });
    expect(sent.body.messages).toEqual([
      { role: 'system', content: 'You watch cameras.' },
      { role: 'user', content: [{ type: 'text', text: 'What is there?' }, { type: 'image_url', image_url: { url: dataUrl(frames[9]!) } }] },
    ]);
  });

  it('sends a window as its sampled frames, in order, and mixes streams and plain images', async () => {
    const https = 'https://example.com/a.jpg';
    const inline = dataUrl(frames[0]!);
    const completion = await client.chat.completions.create({
      model: 'test/vlm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'video_url', video_url: { url: `ovs://streams/${camA}?start_frame_index=0&max_fps=5` } } as any,
            { type: 'image_url', image_url: { url: `ovs://streams/${camB}?offset_ms=-100&direction=backward` } },
            { type: 'image_url', image_url: { url: https } },
            { type: 'image_url', image_url: { url: inline } },
          ],
        },
      ],
    });
    const resolved = (completion as any).ovs_resolved;
    expect(resolved.map((r: any) => r.stream_id)).toEqual([camA, camB]);
    const windowIndices = resolved[0].frames.map((f: any) => f.index);
    expect(windowIndices).toEqual([0, 2, 4, 7, 9]);
    const expected = [...windowIndices.map((i: number) => dataUrl(frames[i]!)), dataUrl(frames[resolved[1].frames[0].index]!), https, inline];
    expect(sentParts().map((p: any) => p.image_url.url)).toEqual(expected);
  });

  it('streams server-sent events ending in [DONE], with the usage chunk when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'test/vlm',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `ovs://streams/${camA}?frame_index=-1` } }] }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('ok');
    expect(chunks.at(-1)!.usage).toMatchObject({ total_tokens: 12 });
    expect((chunks[0] as any).ovs_resolved[0].frames[0].index).toBe(9);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason === 'stop')).toHaveLength(1);

    const raw = await api.call('POST', '/v1/chat/completions', { json: { model: 'test/vlm', messages: [{ role: 'user', content: 'hi' }], stream: true } });
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(raw.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(raw.text).not.toMatch(/"usage"/);
  });

  it('passes response_format, n and the token cap on, and ignores unknown fields', async () => {
    const responseFormat = { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { person: { type: 'boolean' } } } } };
    const res = await api.call('POST', '/v1/chat/completions', {
      json: { model: 'test/small', messages: [{ role: 'user', content: 'hi' }], response_format: responseFormat, n: 2, max_tokens: 7, seed: 3, some_future_field: { a: 1 }, thread_id: 't1' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.choices.map((c: any) => c.index)).toEqual([0, 1]);
    expect(res.body.overshoot.cache.thread_id).toBe('t1');
    const sent = upstream.requests.at(-1)!.body;
    expect(sent).toMatchObject({ model: 'fake-small', response_format: responseFormat, n: 2, max_completion_tokens: 7, seed: 3 });
    expect(sent).not.toHaveProperty('some_future_field');
    expect(sent).not.toHaveProperty('thread_id');
    expect(upstream.requests.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('downscales frames larger than the configured longest side', async () => {
    const small = await startServer({ upstreams: { m: { baseUrl: upstream.baseUrl, model: 'fake-vlm' } }, imageMaxSide: 100 });
    try {
      const id = (await small.call('POST', '/v1/streams')).body.id;
      await small.call('POST', `/v1/streams/${id}/frames`, { body: frames[0]!, headers: { 'content-type': 'image/jpeg' } });
      const res = await small.call('POST', '/v1/chat/completions', { json: { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `ovs://streams/${id}?frame_index=0` } }] }] } });
      expect(res.status, res.text).toBe(200);
      const url: string = sentParts()[0].image_url.url;
      expect(url.startsWith('data:image/jpeg;base64,')).toBe(true);
      expect(readJpegSize(Buffer.from(url.split(',')[1]!, 'base64'))).toEqual({ width: 100, height: 75 });
      expect(res.body.ovs_resolved[0].frames[0]).toMatchObject({ width: 320, height: 240 });
    } finally {
      await small.server.close();
    }
  });
});

describe('chat completion errors in the hosted shapes', () => {
  const ask = (json: unknown) => api.call('POST', '/v1/chat/completions', { json });
  const image = (url: string) => ({ model: 'test/vlm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] });

  it.each([
    ['an unknown stream', () => image('ovs://streams/no-such-stream?frame_index=-1'), 404, 'stream_not_found'],
    ['two anchors', () => image(`ovs://streams/${camA}?frame_index=-1&offset_ms=-10`), 422, 'query_param_invalid'],
    ['a future frame', () => image(`ovs://streams/${camA}?frame_index=99`), 422, 'frame_not_yet_produced'],
    ['a bad scheme', () => image('ftp://example.com/a.jpg'), 422, 'stream_url_invalid'],
    ['a malformed reference', () => image('ovs://stream/x?frame_index=1'), 422, 'stream_url_invalid'],
    ['a video URL to fetch', () => ({ model: 'test/vlm', messages: [{ role: 'user', content: [{ type: 'video_url', video_url: { url: 'https://example.com/v.mp4' } }] }] }), 422, 'model_video_unsupported'],
    ['an unknown model', () => ({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }), 404, 'model_unavailable'],
  ])('answers %s with %s %s', async (_what, body, status, code) => {
    const count = upstream.requests.length;
    const res = await ask(body());
    expect(res.status).toBe(status);
    expect(res.body.detail.error).toMatchObject({ code, message: expect.any(String), type: expect.any(String) });
    expect(upstream.requests.length).toBe(count);
  });

  it('names the part at fault', async () => {
    const res = await ask({ model: 'test/vlm', messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: `ovs://streams/${camA}?frame_index=x` } }] }] });
    expect(res.body.detail.error.message).toMatch(/^messages\[0\]\.content\[1\]: frame_index must be an integer/);
    expect(res.body.detail.error.param).toBe('frame_index');
  });

  it('answers request validation failures with the validation shape', async () => {
    const res = await ask({ model: 'test/vlm', messages: 'hello' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'validation_error', message: 'Request validation failed: messages: Invalid input: expected array, received string', details: [{ loc: ['body', 'messages'], msg: expect.any(String), type: expect.any(String) }] });
  });

  it('names an unknown content part type and where it is', async () => {
    const res = await ask({ model: 'test/vlm', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }, { type: 'foo' }] }] });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: 'validation_error',
      message: 'Request validation failed: messages[0].content[2].type: unknown content part type "foo" (expected text, image_url or video_url)',
      details: [{ loc: ['body', 'messages', 0, 'content', 2, 'type'], msg: 'unknown content part type "foo" (expected text, image_url or video_url)', type: 'invalid_union' }],
    });
  });

  it('maps upstream failures: HTTP errors, rate limits, timeouts, garbage, unreachable', async () => {
    upstream.behave({ kind: 'status', status: 500, body: { error: { message: 'boom' } } });
    let res = await ask(image(`ovs://streams/${camA}?frame_index=-1`));
    expect(res.status).toBe(502);
    expect(res.body.detail.error).toMatchObject({ code: 'upstream_http_500', type: 'upstream_error', upstream: { provider: 'test/vlm', status: 500, body: { error: { message: 'boom' } } } });

    upstream.behave({ kind: 'status', status: 429, headers: { 'retry-after': '3' } });
    res = await ask(image(`ovs://streams/${camA}?frame_index=-1`));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.body.detail.error.code).toBe('upstream_http_429');

    upstream.behave({ kind: 'hang' });
    res = await ask(image(`ovs://streams/${camA}?frame_index=-1`));
    expect(res.status).toBe(504);
    expect(res.body.detail.error.code).toBe('upstream_timeout');

    upstream.behave({ kind: 'garbage' });
    res = await ask(image(`ovs://streams/${camA}?frame_index=-1`));
    expect(res.status).toBe(502);
    expect(res.body.detail.error.code).toBe('upstream_request_failed');

    const gone = await startServer({ upstreams: { m: { baseUrl: `http://127.0.0.1:${await closedPort()}/v1`, model: 'x' } } });
    try {
      const down = await gone.call('POST', '/v1/chat/completions', { json: { model: 'm', messages: [{ role: 'user', content: 'hi' }] } });
      expect(down.status).toBe(502);
      expect(down.body.detail.error).toMatchObject({ code: 'upstream_request_failed', message: expect.stringMatching(/ECONNREFUSED/) });
    } finally {
      await gone.server.close();
    }
    // Still serving.
    upstream.behave({ kind: 'answer' });
    expect((await ask(image(`ovs://streams/${camA}?frame_index=-1`))).status).toBe(200);
  });

  it('reports errors through the openai client as API errors with the status', async () => {
    await expect(client.chat.completions.create({ model: 'test/vlm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ovs://streams/gone?frame_index=-1' } }] }] })).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('models', () => {
  it('lists the models without auth, with their status', async () => {
    const list = await client.models.list();
    expect(list.data.map((m: any) => [m.id, m.status, m.object])).toEqual([
      ['test/vlm', 'ready', 'model'],
      ['test/small', 'ready', 'model'],
    ]);
  });
});
