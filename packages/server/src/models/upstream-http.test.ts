import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamHttp, UpstreamTransportError } from './upstream-http.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let handler: Handler = (_req, body, res) => res.end(body);
const sockets = new Set<unknown>();
let server: Server;
let url: string;
const clients: UpstreamHttp[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    sockets.add(req.socket);
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  handler = (_req, body, res) => res.end(body);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(target = url): UpstreamHttp {
  const made = new UpstreamHttp(target);
  clients.push(made);
  return made;
}

const post = { headers: { 'content-type': 'application/json' }, timeoutMs: 5_000, maxBytes: () => 1024 };

describe('UpstreamHttp', () => {
  it('POSTs the body with its length and headers, and reuses the connection', async () => {
    const seen: Array<{ method?: string; length?: string; type?: string; path?: string }> = [];
    handler = (req, body, res) => {
      seen.push({ method: req.method, length: req.headers['content-length'], type: req.headers['content-type'], path: req.url });
      res.setHeader('retry-after', '2');
      res.end(`echo ${body}`);
    };
    sockets.clear();
    const upstream = client();
    const first = await upstream.post({ ...post, body: '{"a":"é"}' });
    const second = await upstream.post({ ...post, body: '{}' });
    expect(first).toMatchObject({ status: 200, text: 'echo {"a":"é"}' });
    expect(first.headers['retry-after']).toBe('2');
    expect(second.text).toBe('echo {}');
    expect(seen[0]).toEqual({ method: 'POST', length: '10', type: 'application/json', path: '/v1/chat/completions' });
    expect(sockets.size).toBe(1);
  });

  it('keeps at most maxBytes of the body, by status', async () => {
    handler = (_req, _body, res) => {
      res.statusCode = 500;
      res.end('x'.repeat(5000));
    };
    const answer = await client().post({ ...post, body: '{}', maxBytes: (status) => (status === 500 ? 100 : 10) });
    expect(answer.status).toBe(500);
    expect(answer.text).toBe('x'.repeat(100));
  });

  it('times out as kind "timeout" and rejects with the client signal\'s reason when it aborts', async () => {
    handler = () => {}; // never answers
    const upstream = client();
    const late = upstream.post({ ...post, body: '{}', timeoutMs: 50 });
    await expect(late).rejects.toBeInstanceOf(UpstreamTransportError);
    await expect(late).rejects.toMatchObject({ kind: 'timeout' });
    const abort = new AbortController();
    const gone = upstream.post({ ...post, body: '{}', signal: abort.signal });
    abort.abort(new Error('client closed'));
    await expect(gone).rejects.toThrow('client closed');
  });

  it('reports a refused connection by its code, never with the headers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = client(`http://127.0.0.1:${port}/v1/chat/completions`).post({ ...post, headers: { authorization: 'Bearer secret-key-123' }, body: '{}' });
    await expect(failure).rejects.toMatchObject({ kind: 'connection', reason: 'ECONNREFUSED' });
    await expect(failure).rejects.not.toThrow(/secret-key-123/);
  });
});
