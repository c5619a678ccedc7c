/**
 * Thousands of random references and bodies against the HTTP API: client mistakes are 4xx in
 * the documented shapes, never a 500, and the server keeps serving. OVS_FUZZ_RUNS scales it
 * (`pnpm fuzz` runs many more).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJpegFrames } from '../support/clips.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startServer, type Api } from './helpers.js';

const RUNS = Number(process.env.OVS_FUZZ_RUNS ?? 1500);
let upstream: FakeUpstream;
let api: Api;
let streamId: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  api = await startServer({ upstreams: { m: { baseUrl: upstream.baseUrl, model: 'fake' } } });
  streamId = (await api.call('POST', '/v1/streams')).body.id;
  for (const [i, jpeg] of makeJpegFrames(12, 64, 48).entries()) {
    await api.call('POST', `/v1/streams/${streamId}/frames?capture_ts_ms=${i * 100}`, { body: jpeg, headers: { 'content-type': 'image/jpeg' } });
  }
});
afterAll(async () => {
  await api.server.close();
  await upstream.close();
});

const KEYS = [
  'frame_index', 'timestamp_ms', 'offset_ms', 'tolerance_ms', 'direction',
  'start_frame_index', 'start_timestamp_ms', 'start_offset_ms', 'end_frame_index', 'end_timestamp_ms', 'end_offset_ms', 'max_fps',
];
const value = fc.oneof(
  fc.integer({ min: -30, max: 30 }).map(String),
  fc.integer({ min: -5000, max: 5000 }).map(String),
  fc.constantFrom('', '-0', '1.5', '1e3', '0.0001', 'nearest', 'forward', 'backward', 'NaN', '-Infinity', '9'.repeat(30), '%zz', '%2D1', ' 1', '0x10'),
  fc.string({ maxLength: 8 }),
);
const query = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), value, fc.boolean()), { maxLength: 5 })
  .map((pairs) => pairs.map(([k, v, withEq]) => (withEq ? `${k}=${v}` : k)).join('&'));
const reference = fc
  .tuple(
    fc.constantFrom('ovs://streams/', 'ovs://streams/', 'ovs://stream/', 'OVS://streams/', 'ovs:/streams/', 'https://example.com/', 'data:image/jpeg;base64,', '', 'ovs://streams//'),
    fc.oneof(fc.constant('STREAM'), fc.constant('STREAM'), fc.uuid(), fc.string({ maxLength: 10 })),
    fc.constantFrom('?', '?', '', '/x?', '??'),
    query,
    fc.constantFrom('', '', '#frag', '&', '&&'),
  )
  .map(([prefix, id, sep, q, tail]) => `${prefix}${id}${sep}${q}${tail}`);

const withStream = (url: string) => url.replace('STREAM', streamId);

const part = fc.oneof(
  reference.map((url) => ({ type: 'image_url', image_url: { url } })),
  reference.map((url) => ({ type: 'video_url', video_url: { url } })),
  fc.string({ maxLength: 20 }).map((text) => ({ type: 'text', text })),
  fc.anything({ maxDepth: 2 }),
);
/** Mostly well-formed requests (so references get resolved), sometimes a wrong field. */
const rarely = <T,>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<unknown>) =>
  fc.option(fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: invalid, weight: 1 }), { nil: undefined, freq: 2 });
const chatBody = fc
  .record({
    model: fc.oneof({ arbitrary: fc.constant('m'), weight: 8 }, { arbitrary: fc.anything({ maxDepth: 1 }), weight: 1 }),
    messages: fc.oneof(
      { weight: 8, arbitrary: fc.array(fc.record({ role: fc.constantFrom('user', 'user', 'system', 'assistant', 'developer', 'robot'), content: fc.oneof(fc.array(part, { minLength: 1, maxLength: 4 }), fc.string({ maxLength: 10 }), fc.constant(null)) }), { minLength: 1, maxLength: 3 }) },
      { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
    ),
    n: rarely(fc.integer({ min: 1, max: 3 }), fc.oneof(fc.integer({ min: -2, max: 100 }), fc.anything({ maxDepth: 0 }))),
    max_tokens: rarely(fc.integer({ min: 1, max: 100 }), fc.oneof(fc.double(), fc.anything({ maxDepth: 0 }))),
    max_completion_tokens: rarely(fc.integer({ min: 1, max: 100 }), fc.anything({ maxDepth: 0 })),
    response_format: rarely(fc.constant({ type: 'json_object' }), fc.anything({ maxDepth: 2 })),
    stream: rarely(fc.boolean(), fc.anything({ maxDepth: 0 })),
    stream_options: rarely(fc.record({ include_usage: fc.boolean() }), fc.anything({ maxDepth: 1 })),
    temperature: rarely(fc.double({ min: 0, max: 2, noNaN: true }), fc.anything({ maxDepth: 0 })),
    something_else: fc.option(fc.anything({ maxDepth: 2 }), { nil: undefined }),
  })
  .map((body) => Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)));

/** The body of an error answer is in one of the documented shapes. */
function expectDocumentedError(status: number, body: any, text: string): void {
  expect(status, text).not.toBe(500);
  expect(status, text).toBeLessThan(500);
  const chat = typeof body?.detail?.error?.code === 'string' && typeof body.detail.error.message === 'string' && typeof body.detail.error.type === 'string';
  const validation = body?.error === 'validation_error' && typeof body.message === 'string' && Array.isArray(body.details);
  const plain = typeof body?.detail === 'string';
  expect(chat || validation || plain, text).toBe(true);
  expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
}

describe('fuzzing the HTTP API', () => {
  it('answers random references on /v1/resolve with frames or a documented 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(reference, fc.constantFrom(undefined, 'image', 'video', 'other'), async (url, type) => {
        const res = await api.call('POST', '/v1/resolve', { json: type === undefined ? { url: withStream(url) } : { url: withStream(url), type } });
        if (res.status === 200) expect(Array.isArray(res.body.frames) && res.body.frames.length > 0).toBe(true);
        else expectDocumentedError(res.status, res.body, res.text);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers random chat bodies with a completion or a documented 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(chatBody, async (body) => {
        const json = JSON.parse(withStream(JSON.stringify(body)));
        const res = await api.call('POST', '/v1/chat/completions', { json });
        upstream.requests.length = 0;
        if (res.status === 200) {
          if (json.stream === true) expect(res.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
          else expect(res.body.object).toBe('chat.completion');
        } else {
          expectDocumentedError(res.status, res.body, res.text);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('answers random bytes and random JSON on every endpoint with a documented 4xx', async () => {
    const endpoints = ['/v1/chat/completions', '/v1/resolve', '/v1/streams', `/v1/streams/${streamId}/keepalive`, `/v1/streams/${streamId}/frames`, '/v1/streams/x/frames'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints),
        fc.oneof(fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))),
        fc.constantFrom('application/json', 'image/jpeg', 'text/plain', 'application/octet-stream'),
        async (path, body, contentType) => {
          const res = await api.call('POST', path, { body, headers: { 'content-type': contentType } });
          if (res.status >= 400) expectDocumentedError(res.status, res.body, res.text);
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('is still serving', async () => {
    expect((await api.call('GET', '/healthz')).status).toBe(200);
    const res = await api.call('POST', '/v1/chat/completions', {
      json: { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `ovs://streams/${streamId}?frame_index=-1` } }] }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.ovs_resolved[0].frames[0].index).toBe(11);
  });
});
