/**
 * `server.fetch`: the API in-process gives the answers HTTP gives (routes, auth, error shapes,
 * headers), the openai client works through it, aborts behave as fetch's, and a runner given it
 * as its transport never opens a socket to the backend.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '@ovs/runner';
import { makeJpegFrames } from '../support/clips.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { compileOvs } from '../runner/helpers.js';
import { waitFor } from '../support/wait.js';
import { startServer, type Api } from './helpers.js';

const KEY = 'ovs_in_process_key_0123456789';
const auth = { authorization: `Bearer ${KEY}` };
let upstream: FakeUpstream;
let api: Api;

beforeAll(async () => {
  upstream = await startFakeUpstream({ kind: 'answer', content: '{"labels":{"fall":{"present":true,"confidence":0.9}}}' });
  api = await startServer({ apiKeys: [KEY], upstreams: { m: { baseUrl: upstream.baseUrl, model: 'fake' } } });
});
afterAll(async () => {
  await api.server.close();
  await upstream.close();
});

/** The same request over HTTP and in-process: status, JSON body and content type. */
async function both(path: string, init: RequestInit = {}) {
  const read = async (response: Response) => ({ status: response.status, type: response.headers.get('content-type'), body: await response.json() });
  return { http: await read(await fetch(api.server.url + path, init)), inProcess: await read(await api.server.fetch(api.server.url + path, init)) };
}

describe('server.fetch', () => {
  it('answers as HTTP does: lists, refusals, unknown routes, bad bodies', async () => {
    const models = await both('/v1/models');
    expect(models.inProcess).toEqual(models.http);
    expect(models.inProcess.body.data.map((m: { id: string }) => m.id)).toEqual(['m']);
    for (const [path, init] of [
      ['/v1/streams', {}],
      ['/v1/streams', { headers: { authorization: 'Bearer wrong-key-123456' } }],
      ['/v1/nowhere', { headers: auth }],
      ['/v1/streams/nope', { headers: auth }],
      ['/v1/chat/completions', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"model":' }],
    ] as const) {
      const answers = await both(path, init);
      expect(answers.inProcess, path).toEqual(answers.http);
      expect(answers.inProcess.status, path).toBeGreaterThanOrEqual(400);
    }
  });

  it('creates a stream, takes pushed JPEG bytes, and answers a chat about them through the openai client', async () => {
    const created = await api.server.fetch(`${api.server.url}/v1/streams`, { method: 'POST', headers: auth });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const pushed = await api.server.fetch(`${api.server.url}/v1/streams/${id}/frames`, { method: 'POST', headers: { ...auth, 'content-type': 'image/jpeg' }, body: new Uint8Array(makeJpegFrames(1)[0]!) });
    expect(pushed.status).toBe(200);

    const client = new OpenAI({ baseURL: 'http://in-process.invalid/v1', apiKey: KEY, fetch: api.server.fetch, maxRetries: 0 });
    const before = upstream.requests.length;
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'fall?' }, { type: 'image_url', image_url: { url: `ovs://streams/${id}?frame_index=-1` } }] }],
    });
    expect(completion.choices[0]!.message.content).toContain('"fall"');
    expect((completion as unknown as { ovs_resolved: unknown[] }).ovs_resolved).toHaveLength(1);
    // The frame reached the (fake) vision model as a data URL, once.
    expect(upstream.requests.length).toBe(before + 1);
    expect(JSON.stringify(upstream.requests.at(-1)!.body)).toContain('data:image/jpeg;base64,');
  });

  it('rejects with the signal’s reason when aborted, before or during the request', async () => {
    const before = new AbortController();
    before.abort(new Error('gave up early'));
    await expect(api.server.fetch(`${api.server.url}/v1/models`, { signal: before.signal })).rejects.toThrow('gave up early');

    upstream.behave({ kind: 'hang' });
    try {
      const during = new AbortController();
      const pending = api.server.fetch(`${api.server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }] }),
        signal: during.signal,
      });
      setTimeout(() => during.abort(new Error('gave up waiting')), 50);
      await expect(pending).rejects.toThrow('gave up waiting');
      // The server saw its client go away, as when a socket closes, and stopped the model's work.
      await waitFor('the chat to be counted as client_closed', async () => (await (await api.server.fetch(`${api.server.url}/metrics`)).text()).includes('outcome="client_closed"'));
    } finally {
      upstream.behave({ kind: 'answer', content: '{"labels":{"fall":{"present":true,"confidence":0.9}}}' });
    }
  });

  it('refuses bodies it cannot send, plainly', async () => {
    await expect(api.server.fetch(`${api.server.url}/v1/streams`, { method: 'POST', body: new Blob(['x']) })).rejects.toThrow(/string or byte bodies/);
  });

  it('is a run’s whole transport when given as backend.fetch: the backend URL is never dialled', async () => {
    const created = await api.server.fetch(`${api.server.url}/v1/streams`, { method: 'POST', headers: auth });
    const { id } = (await created.json()) as { id: string };
    await api.server.fetch(`${api.server.url}/v1/streams/${id}/frames`, { method: 'POST', headers: { ...auth, 'content-type': 'image/jpeg' }, body: new Uint8Array(makeJpegFrames(1)[0]!) });
    const handle = run(compileOvs('model m = "m"\nwatch stream A every 1s with m\n  on "fall" notify stdout\n', 'in-process.ovs'), {
      // .invalid never resolves: any request over the network would fail.
      backend: { url: 'http://in-process.invalid/v1', apiKey: KEY, fetch: api.server.fetch },
      bindings: { A: id },
      stdout: false,
      env: {},
      duration: 1_500,
    });
    const fired: unknown[] = [];
    handle.on('event', (event) => fired.push(event));
    const summary = await handle.done;
    expect(summary.metrics.watches['watch:1']!.calls).toBeGreaterThanOrEqual(1);
    expect(summary.metrics.watches['watch:1']!.failures).toBe(0);
    expect(fired.length).toBeGreaterThanOrEqual(1);
  });
});
