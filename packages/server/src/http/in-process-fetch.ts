/**
 * `server.fetch`: the server's HTTP API called in-process, with the shape of the global `fetch`.
 * A runner embedding the server (`ovs run` without a backend, `ovs test`) talks to it this way:
 * every request goes through the same routes, hooks, parsers and error shapes as one from a
 * socket (fastify's `inject`), without the sockets, the HTTP parser and the client. On a replay,
 * where a tick is a few small JSON calls, that is most of the runner's CPU.
 *
 * Bodies are strings or bytes (JSON, JPEG); a streamed answer (SSE) arrives whole. Aborting
 * rejects at once with the signal's reason, as fetch does, and closes the request's response on
 * the server, which is how a route learns that its client went away (as when a socket closes).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { NULL_BODY_STATUSES } from '@ovs/protocol';

/** The global fetch's shape, as the openai client's `fetch` option expects it. */
export type InProcessFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;


type InjectMethod = NonNullable<InjectOptions['method']>;

/** The signal of the in-process request being handled; requests from sockets have none. */
const callerSignal = new AsyncLocalStorage<AbortSignal>();

/** Lets in-process requests be cancelled like socket ones; call while building the app. */
export function handleInProcessAborts(app: FastifyInstance): void {
  app.addHook('onRequest', async (_request, reply) => {
    const signal = callerSignal.getStore();
    if (!signal) return;
    const hangUp = () => reply.raw.destroy();
    if (signal.aborted) return hangUp();
    signal.addEventListener('abort', hangUp, { once: true });
    reply.raw.once('close', () => signal.removeEventListener('abort', hangUp));
  });
}

export function inProcessFetch(app: FastifyInstance): InProcessFetch {
  return async (input, init = {}) => {
    if (input instanceof Request) throw new TypeError('server.fetch takes a URL and init, not a Request');
    const url = new URL(String(input));
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    const options: InjectOptions = {
      method: (init.method ?? 'GET').toUpperCase() as InjectMethod,
      url: url.pathname + url.search,
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      ...(init.body != null ? { payload: bodyOf(init.body) } : {}),
    };
    // The callback form: the promise form starts the request on a later tick, outside the
    // caller's async context, where the abort hook could not find the signal.
    const inject = () => new Promise<LightMyRequestResponse>((resolve, reject) => void app.inject(options, (error, response) => (error ? reject(error) : resolve(response!))));
    const injected = signal ? callerSignal.run(signal, inject) : inject();
    const response = await (signal ? untilAborted(injected, signal) : injected).catch((error: unknown) => {
      if (signal?.aborted) throw signal.reason;
      throw new TypeError(`in-process request failed: ${(error as Error).message}`, { cause: error });
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, String(item));
    }
    const status = response.statusCode;
    return new Response(NULL_BODY_STATUSES.has(status) ? null : response.rawPayload, { status, statusText: response.statusMessage, headers });
  };
}

/** `work`, or its rejection with the signal's reason as soon as the signal aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function bodyOf(body: NonNullable<RequestInit['body']>): string | Buffer {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new TypeError('server.fetch sends string or byte bodies only');
}
