/**
 * A lean `fetch` for the backend, over `node:http`/`node:https` keep-alive agents. The global
 * fetch (undici) costs about as much CPU per call as everything else in the runner together (web
 * streams both ways); a run makes hundreds of small JSON calls a second, so it talks through this
 * instead. Bodies are buffered (with a cap) and handed back as a `Response` (a subclass reading the
 * bytes in memory), so the openai client and our own REST calls read them as usual.
 *
 * Fetch semantics kept: an aborted signal destroys the request and rejects with the signal's
 * reason (an `AbortError`/`TimeoutError` DOMException unless the caller gave another); connection
 * failures reject with a `TypeError` (here a `TransportError`, carrying the system error code).
 * Requests never mention headers in errors: the Authorization header stays out of every message.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { NULL_BODY_STATUSES } from '@ovs/protocol';

/** The shape of the global fetch, as the openai client's `fetch` option expects it. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface HttpTransportOptions {
  /** Connections per origin; more requests than this wait for a free one (use at least the run's concurrency). */
  maxSockets: number;
  /** A response body larger than this fails the request (default 32 MB). */
  maxBodyBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * An idle connection is closed after this long (sooner when the server's `Keep-Alive: timeout=`
 * says so), before a server's usual 5 s idle timeout can close it under a request just sent.
 */
const IDLE_SOCKET_MS = 4_000;

/** A request that failed below HTTP: connection refused or reset, DNS, TLS, a body too large. */
export class TransportError extends TypeError {
  override readonly name = 'TransportError';
  constructor(
    message: string,
    /** The system error code (`ECONNRESET`, `ECONNREFUSED`, ...) or `ERR_BODY_TOO_LARGE`. */
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}


const DECODERS: Record<string, (body: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions, done: (error: Error | null, result: Buffer) => void) => void> = {
  gzip: zlib.gunzip,
  'x-gzip': zlib.gunzip,
  deflate: zlib.inflate,
  br: zlib.brotliDecompress,
};

export class HttpTransport {
  readonly #http: http.Agent;
  readonly #https: https.Agent;
  readonly #maxBodyBytes: number;

  constructor(options: HttpTransportOptions) {
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets,
      // Node's default (256) would close connections a saturated run opens again a moment later.
      maxFreeSockets: options.maxSockets,
      // Node applies it to busy sockets too, but only to emit 'timeout', which nothing here acts on.
      timeout: IDLE_SOCKET_MS,
    };
    this.#http = new http.Agent(agentOptions);
    this.#https = new https.Agent(agentOptions);
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  /** Closes every connection, idle or busy (requests still out fail). */
  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }

  readonly fetch: Fetch = (input, init = {}) => {
    return new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(signal.reason);
      const url = requestUrl(input);
      const method = (init.method ?? 'GET').toUpperCase();
      const headers = requestHeaders(init.headers);
      const body = requestBody(init.body, headers);
      const origin = url.host;
      const maxBody = this.#maxBodyBytes;

      let settled = false;
      const finish = (error: unknown, response?: Response) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (response) resolve(response);
        else reject(error);
      };
      const fail = (error: unknown) => {
        finish(error);
        request.destroy();
      };
      const onAbort = () => fail(signal!.reason);

      const request = (url.protocol === 'https:' ? https : http).request({
        agent: url.protocol === 'https:' ? this.#https : this.#http,
        protocol: url.protocol,
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers,
      });
      request.on('error', (error) => fail(connectionError(error, origin)));
      request.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const declared = Number(res.headers['content-length']);
        if (declared > maxBody) return fail(tooLarge(origin, maxBody));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBody) fail(tooLarge(origin, maxBody));
          else chunks.push(chunk);
        });
        res.on('error', (error) => fail(connectionError(error, origin)));
        res.on('close', () => {
          if (!res.complete) fail(new TransportError(`the connection to ${origin} closed before the response was complete`, 'ECONNRESET'));
        });
        res.on('end', () => {
          const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
          const noBody = method === 'HEAD' || NULL_BODY_STATUSES.has(status);
          decode(raw, res.headers['content-encoding'], maxBody, (error, decoded) => {
            if (error) return fail(error === 'too large' ? tooLarge(origin, maxBody) : new TransportError(`the response from ${origin} could not be decoded (${error.message})`, 'ERR_BAD_ENCODING', { cause: error }));
            try {
              finish(undefined, new BufferedResponse(noBody ? null : decoded, { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res) }));
            } catch (cause) {
              fail(new TransportError(`${origin} answered an unusable HTTP response (status ${status})`, 'ERR_BAD_RESPONSE', { cause }));
            }
          });
        });
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      request.end(body);
    });
  };
}

/**
 * A Response whose body is already in memory. The standard constructor wraps any body in a web
 * stream that every reader then goes through: for a small JSON answer, most of what a Response
 * costs. This one hands out the bytes directly. The readers rarely used here (`body`, `blob()`,
 * `formData()`, `clone()`) go through a standard Response made on first use, which from then on
 * owns the body. As with any Response, the body can be read once.
 */
class BufferedResponse extends Response {
  readonly #bytes: Buffer | null;
  #used = false;
  #standard: Response | undefined;

  constructor(bytes: Buffer | null, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
  }

  /** The body read as bytes, once. */
  #take(): Buffer {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes ?? Buffer.alloc(0);
  }

  #real(): Response {
    if (!this.#standard) {
      if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
      this.#standard = new Response(this.#bytes, { status: this.status, statusText: this.statusText, headers: this.headers });
    }
    return this.#standard;
  }

  static {
    // Response declares its readers as properties, which a subclass cannot override as methods
    // (in TypeScript's eyes): they are defined on the prototype here instead.
    const text = async (r: BufferedResponse): Promise<string> => {
      if (r.#standard) return r.#standard.text();
      const bytes = r.#take();
      // As the standard reader: a UTF-8 byte order mark is dropped.
      return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.toString('utf8', 3) : bytes.toString('utf8');
    };
    const bytes = async (r: BufferedResponse): Promise<Uint8Array> => {
      if (r.#standard) return new Uint8Array(await r.#standard.arrayBuffer());
      return new Uint8Array(r.#take());
    };
    const methods: Record<string, (this: BufferedResponse) => unknown> = {
      text() {
        return text(this);
      },
      async json() {
        return JSON.parse(await text(this));
      },
      async arrayBuffer() {
        return (await bytes(this)).buffer;
      },
      bytes() {
        return bytes(this);
      },
      async blob() {
        return this.#real().blob();
      },
      async formData() {
        return this.#real().formData();
      },
      clone() {
        return this.#real().clone();
      },
    };
    for (const [name, value] of Object.entries(methods)) Object.defineProperty(BufferedResponse.prototype, name, { value, writable: true, configurable: true });
    Object.defineProperties(BufferedResponse.prototype, {
      body: {
        get(this: BufferedResponse) {
          return this.#bytes === null || (this.#used && !this.#standard) ? null : this.#real().body;
        },
        configurable: true,
      },
      bodyUsed: {
        get(this: BufferedResponse) {
          return this.#standard ? this.#standard.bodyUsed : this.#used;
        },
        configurable: true,
      },
    });
  }
}

function requestUrl(input: string | URL | Request): URL {
  if (typeof input !== 'string' && !(input instanceof URL)) {
    throw new TypeError('this fetch takes a URL and an init object, not a Request');
  }
  const url = new URL(input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`only http: and https: URLs can be fetched (got ${url.protocol})`);
  // As the global fetch: credentials belong in headers, not in the URL.
  if (url.username || url.password) throw new TypeError('a URL with a user name or password cannot be fetched; give the API key instead');
  return url;
}

/** Header names lower-cased (as `Headers` does); several values of one name joined as `Headers` joins them. */
function requestHeaders(init: RequestInit['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  if (init !== undefined) (init instanceof Headers ? init : new Headers(init)).forEach((value, name) => (headers[name] = value));
  return headers;
}

/** The body as bytes or text, with its length (and, for text, the content type fetch would give it). */
function requestBody(body: RequestInit['body'], headers: Record<string, string>): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  let bytes: string | Buffer;
  if (typeof body === 'string') {
    bytes = body;
    headers['content-type'] ??= 'text/plain;charset=UTF-8';
  } else if (body instanceof ArrayBuffer) bytes = Buffer.from(body);
  else if (ArrayBuffer.isView(body)) bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  else throw new TypeError(`this fetch sends string or byte bodies only (got ${Object.prototype.toString.call(body)})`);
  headers['content-length'] = String(Buffer.byteLength(bytes));
  return bytes;
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

/** Undoes a content coding the server applied although it was not asked for one. */
function decode(body: Buffer, encoding: string | undefined, maxBytes: number, done: (error: Error | 'too large' | undefined, body: Buffer) => void): void {
  const decoder = encoding ? DECODERS[encoding.trim().toLowerCase()] : undefined;
  if (!decoder || body.length === 0) return done(undefined, body);
  decoder(body, { maxOutputLength: maxBytes }, (error, result) => {
    if (error) done((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'too large' : error, body);
    else done(undefined, result);
  });
}

function tooLarge(origin: string, maxBytes: number): TransportError {
  return new TransportError(`the response from ${origin} is larger than ${Math.round(maxBytes / (1024 * 1024))} MB; refusing to read it`, 'ERR_BODY_TOO_LARGE');
}

/** A system error described by what happened, without the request's headers. */
function connectionError(error: Error, origin: string): TransportError {
  if (error instanceof TransportError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const what =
    code === 'ECONNREFUSED' ? `connection refused by ${origin}`
    : code === 'ECONNRESET' ? `connection reset by ${origin}`
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `cannot resolve ${origin.replace(/:\d+$/, '')}`
    : `request to ${origin} failed: ${error.message}`;
  return new TransportError(code && !what.includes(code) ? `${what} (${code})` : what, code, { cause: error });
}
