import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpTransport, TransportError } from './transport.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A loopback server answering with `handler`; records every request and counts connections. */
async function server(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  srv.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  const close = () => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); });
  cleanups.push(close);
  return { url: `http://127.0.0.1:${port}`, port, seen, openSockets: () => sockets.size, connections: () => connections };
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function transport(maxBodyBytes?: number): HttpTransport {
  const t = new HttpTransport({ maxSockets: 8, ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}) });
  cleanups.push(() => t.close());
  return t;
}

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
};

describe('HttpTransport', () => {
  it('sends the method, headers and a string body, and returns status, headers and body', async () => {
    const s = await server((_req, res) => {
      res.writeHead(429, 'Slow Down', { 'content-type': 'application/json', 'retry-after': '2', 'x-request-id': 'r1' });
      res.end('{"error":{"message":"throttled"}}');
    });
    const { fetch } = transport();
    const response = await fetch(`${s.url}/v1/chat/completions?x=1`, {
      method: 'post',
      headers: new Headers({ Authorization: 'Bearer sk-secret', 'Content-Type': 'application/json' }),
      body: '{"model":"m"}',
    });
    expect(response.status).toBe(429);
    expect(response.ok).toBe(false);
    expect(response.statusText).toBe('Slow Down');
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.headers.get('x-request-id')).toBe('r1');
    expect(await response.json()).toEqual({ error: { message: 'throttled' } });
    expect(s.seen).toEqual([
      expect.objectContaining({ method: 'POST', url: '/v1/chat/completions?x=1', body: '{"model":"m"}' }),
    ]);
    expect(s.seen[0]!.headers).toMatchObject({ authorization: 'Bearer sk-secret', 'content-type': 'application/json', 'content-length': '13' });
  });

  it('sends byte bodies (Buffer, Uint8Array views) with their length, and plain-object or pair headers', async () => {
    const s = await server((_req, res) => res.end('ok'));
    const { fetch } = transport();
    await fetch(s.url, { method: 'PUT', headers: { 'X-A': '1' }, body: Buffer.from('héllo') });
    const bytes = new TextEncoder().encode('__abc__');
    await fetch(s.url, { method: 'POST', headers: [['x-b', '2']], body: bytes.subarray(2, 5) });
    expect(s.seen.map((r) => [r.method, r.body, r.headers['content-length']])).toEqual([
      ['PUT', 'héllo', '6'],
      ['POST', 'abc', '3'],
    ]);
    expect(s.seen[0]!.headers['x-a']).toBe('1');
    expect(s.seen[1]!.headers['x-b']).toBe('2');
  });

  it('returns a Response whose body reads as with the global fetch, once', async () => {
    const s = await server((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('\ufeff{"a":"é"}'));
    const { fetch } = transport();
    const read = async (how: (r: Response) => Promise<unknown>) => how(await fetch(s.url));
    expect(await read((r) => r.json())).toEqual({ a: 'é' });
    expect(await read((r) => r.text())).toBe('{"a":"é"}');
    expect(new TextDecoder().decode(await read((r) => r.arrayBuffer()) as ArrayBuffer)).toBe('{"a":"é"}');
    expect(await read(async (r) => (await r.blob()).type)).toBe('application/json');
    expect(await read((r) => new Response(r.body).json())).toEqual({ a: 'é' });
    const response = await fetch(s.url);
    expect(response).toBeInstanceOf(Response);
    const copy = response.clone();
    expect(await copy.json()).toEqual({ a: 'é' });
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ a: 'é' });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    const once = await fetch(s.url);
    await once.text();
    await expect(once.json()).rejects.toThrow(/already been read/);
    expect(() => once.clone()).toThrow(TypeError);
  });

  it('keeps connections alive between requests, and close() ends them', async () => {
    const s = await server((_req, res) => res.end('ok'));
    const t = transport();
    for (let i = 0; i < 3; i++) expect(await (await t.fetch(s.url)).text()).toBe('ok');
    expect(s.connections()).toBe(1);
    t.close();
    await until(() => s.openSockets() === 0);
  });

  it('gives a null body for 204 and decodes a gzip body the server chose to send', async () => {
    const s = await server((req, res) => {
      if (req.url === '/empty') return void res.writeHead(204).end();
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
      res.end(gzipSync('{"a":1}'));
    });
    const { fetch } = transport();
    const empty = await fetch(`${s.url}/empty`, { method: 'DELETE' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    expect(await (await fetch(`${s.url}/zipped`)).json()).toEqual({ a: 1 });
  });

  it('an abort destroys the request and rejects with the AbortError fetch gives', async () => {
    let arrived = false;
    const s = await server(() => void (arrived = true)); // never answers
    const { fetch } = transport();
    const controller = new AbortController();
    const pending = fetch(s.url, { signal: controller.signal });
    await until(() => arrived);
    controller.abort();
    const error = await rejection(pending);
    expect(error.name).toBe('AbortError');
    await until(() => s.openSockets() === 0);
    // An already aborted signal sends nothing; a caller's own reason is kept.
    const reason = new Error('stopping');
    const already = AbortSignal.abort(reason);
    expect(await rejection(fetch(s.url, { signal: already }))).toBe(reason);
    expect(s.seen).toHaveLength(1);
  });

  it('a timeout signal rejects with its TimeoutError', async () => {
    const s = await server(() => {}); // never answers
    const { fetch } = transport();
    const error = await rejection(fetch(s.url, { signal: AbortSignal.timeout(50) }));
    expect(error.name).toBe('TimeoutError');
  });

  it('a reset connection is a TransportError (ECONNRESET) that names the host, never the headers', async () => {
    const s = await server((req) => req.socket.destroy());
    const { fetch } = transport();
    const error = await rejection(fetch(s.url, { headers: { authorization: 'Bearer sk-secret' } }));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe('ECONNRESET');
    expect(error.message).toContain(`127.0.0.1:${s.port}`);
    expect(error.message).not.toContain('sk-secret');
  });

  it('a connection closed in the middle of the body is a reset', async () => {
    const s = await server((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => req.socket.destroy(), 10);
    });
    const error = await rejection(transport().fetch(s.url));
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('ECONNRESET');
  });

  it('a refused connection is a TransportError (ECONNREFUSED)', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const error = await rejection(transport().fetch(`http://127.0.0.1:${port}/v1/models`));
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toBe(`connection refused by 127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('refuses a body larger than the cap, whether its length is declared or not', async () => {
    const s = await server((req, res) => {
      if (req.url === '/declared') return void res.writeHead(200, { 'content-length': '2048' }).end('x'.repeat(2048));
      res.writeHead(200); // chunked: the size is only known while reading
      for (let i = 0; i < 8; i++) res.write('y'.repeat(256));
      res.end();
    });
    const { fetch } = transport(1024);
    for (const where of ['/declared', '/chunked']) {
      const error = await rejection(fetch(`${s.url}${where}`));
      expect(error).toBeInstanceOf(TransportError);
      expect(error.code).toBe('ERR_BODY_TOO_LARGE');
      expect(error.message).toMatch(/is larger than/);
    }
    // Within the cap is fine.
    expect((await (await transport(4096).fetch(`${s.url}/chunked`)).text()).length).toBe(2048);
  });

  it('rejects what it cannot send with a clear TypeError', async () => {
    const { fetch } = transport();
    await expect(fetch('ftp://example.com/x')).rejects.toThrow(/only http: and https:/);
    await expect(fetch('http://user:pw@127.0.0.1:1/')).rejects.toThrow(/user name or password/);
    await expect(fetch('http://127.0.0.1:1/', { method: 'POST', body: new URLSearchParams('a=1') })).rejects.toThrow(/string or byte bodies/);
  });

  it('talks TLS to https URLs (and checks the certificate)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ovs-tls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore', timeout: 20_000 });
    const srv = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.end('secure'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));
    const port = (srv.address() as AddressInfo).port;
    // The self-signed certificate is refused: the request went over TLS with verification on.
    const error = await rejection(transport().fetch(`https://127.0.0.1:${port}/`));
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toMatch(/self[- ]signed certificate/);
  });
});
