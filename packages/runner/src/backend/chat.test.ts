import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../clock.js';
import { ChatClient } from './chat.js';
import { BackendError } from './http-error.js';
import { HttpTransport } from './transport.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A chat client over the run's transport, against a loopback backend answering with `handler`; no retries. */
async function client(handler: (req: IncomingMessage, res: ServerResponse) => void, timeoutMs = 5000) {
  const authorizations: Array<string | undefined> = [];
  const server = http.createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const transport = new HttpTransport({ maxSockets: 4 });
  cleanups.push(() => transport.close());
  const chat = new ChatClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    apiKey: 'sk-test',
    clock: new RealClock(),
    retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
    timeoutMs,
    fetch: transport.fetch,
  });
  return { chat, authorizations };
}

const request = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

async function failure(promise: Promise<unknown>): Promise<BackendError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe('ChatClient over the HTTP transport', () => {
  it('reads a completion, its tokens and ovs_resolved, sending the API key', async () => {
    const { chat, authorizations } = await client((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        id: 'c1', object: 'chat.completion', created: 0, model: 'm',
        choices: [{ index: 0, message: { role: 'assistant', content: '{"a":1}' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
        ovs_resolved: [{ message_index: 0, part_index: 1, url: 'ovs://streams/s1', stream_id: 's1', frames: [{ index: 4, timestamp_ms: 400, bytes: 10, width: 2, height: 2 }] }],
      }));
    });
    const result = await chat.complete(request);
    expect(result).toMatchObject({ content: '{"a":1}', tokens: 7, attempts: 1 });
    expect(result.resolved?.[0]?.frames[0]).toMatchObject({ index: 4, timestamp_ms: 400 });
    expect(authorizations).toEqual(['Bearer sk-test']);
  });

  it('a 429 is an http failure carrying retry-after and the hosted error code', async () => {
    const { chat } = await client((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end(JSON.stringify({ detail: { error: { message: 'slow down', code: 'rate_limited' } } }));
    });
    const error = await failure(chat.complete(request));
    expect(error).toMatchObject({ kind: 'http', status: 429, code: 'rate_limited', retryAfterMs: 3000 });
    expect(error.message).toContain('slow down');
  });

  it('a reset connection is a network failure, a hang a timeout', async () => {
    const reset = await client((req) => req.socket.destroy());
    const error = await failure(reset.chat.complete(request));
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/connection reset/);
    expect(error.message).not.toContain('sk-test');

    const hang = await client(() => {}, 100);
    expect((await failure(hang.chat.complete(request))).kind).toBe('timeout');
  });
});
