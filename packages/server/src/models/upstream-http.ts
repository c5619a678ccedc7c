/**
 * The HTTP client of one upstream model: JSON POSTs over a keep-alive `node:http`/`node:https`
 * agent, the answer buffered (cut at a limit). Node's global fetch (undici) was a large share of
 * the server's added latency per call (web streams both ways, a timeout signal and a combined
 * signal per request); this does only what the upstream adapter needs.
 *
 * Errors never mention the request's headers, so the upstream key stays out of every message.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

export interface UpstreamHttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as UTF-8 text, cut at the limit asked for. */
  readonly text: string;
}

export interface UpstreamPost {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** No complete answer within this long: the request is dropped, `kind: 'timeout'`. */
  readonly timeoutMs: number;
  /** The client's signal: when it aborts, the request is dropped and the promise rejects with its reason. */
  readonly signal?: AbortSignal;
  /** At most this many bytes of the body are kept, by status (error bodies are only quoted). */
  readonly maxBytes: (status: number) => number;
}

/** The upstream did not answer in time, or could not be talked to (refused, reset, DNS, TLS). */
export class UpstreamTransportError extends Error {
  override readonly name = 'UpstreamTransportError';
  constructor(
    readonly kind: 'timeout' | 'connection',
    /** What went wrong, e.g. `ECONNREFUSED`. */
    readonly reason: string,
  ) {
    super(kind === 'timeout' ? 'the upstream did not answer in time' : reason);
  }
}

/**
 * An idle connection is closed after this long (sooner when the upstream's `Keep-Alive: timeout=`
 * says so), before a server's usual 5 s idle timeout can close it under a request just sent.
 */
const IDLE_SOCKET_MS = 4_000;

export class UpstreamHttp {
  readonly #url: URL;
  readonly #agent: http.Agent;
  readonly #request: typeof http.request;

  constructor(url: string) {
    this.#url = new URL(url);
    const secure = this.#url.protocol === 'https:';
    this.#agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true, timeout: IDLE_SOCKET_MS });
    this.#request = secure ? https.request : http.request;
  }

  /** Closes every connection; requests still out fail. */
  close(): void {
    this.#agent.destroy();
  }

  post(post: UpstreamPost): Promise<UpstreamHttpAnswer> {
    return new Promise((resolve, reject) => {
      const { signal } = post;
      if (signal?.aborted) return reject(signal.reason);
      let settled = false;
      const settle = (error: unknown, answer?: UpstreamHttpAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (answer) resolve(answer);
        else {
          reject(error);
          request.destroy();
        }
      };
      const onAbort = () => settle(signal!.reason);
      const timer = setTimeout(() => settle(new UpstreamTransportError('timeout', `no answer within ${post.timeoutMs} ms`)), post.timeoutMs);
      const url = this.#url;
      // One buffer written once: a large string body would be encoded again on its way out.
      const payload = Buffer.from(post.body, 'utf8');
      const request = this.#request({
        agent: this.#agent,
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'POST',
        // identity: the answer is read as it comes, with no content coding to undo.
        headers: { ...post.headers, 'accept-encoding': 'identity', 'content-length': String(payload.length) },
      });
      request.on('error', (error: NodeJS.ErrnoException) => settle(new UpstreamTransportError('connection', error.code ?? error.message)));
      request.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const limit = post.maxBytes(status);
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => settle(undefined, { status, headers: res.headers, text: Buffer.concat(chunks, size).subarray(0, limit).toString('utf8') });
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          chunks.push(chunk);
          size += chunk.length;
          // Enough to quote or use: the rest is not read (the connection is dropped, not reused).
          if (size >= limit) {
            done();
            request.destroy();
          }
        });
        res.on('end', done);
        res.on('error', (error: NodeJS.ErrnoException) => settle(new UpstreamTransportError('connection', error.code ?? error.message)));
        res.on('close', () => {
          if (!res.complete) settle(new UpstreamTransportError('connection', 'the connection closed before the answer was complete (ECONNRESET)'));
        });
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      request.end(payload);
    });
  }
}
