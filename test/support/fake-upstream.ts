/**
 * A small OpenAI-compatible chat-completions server on loopback that records exactly what it
 * was sent, for tests of anything that calls a vision model (the server's upstream adapter,
 * the runner). Its behaviour can be switched between answering, failing, hanging and talking
 * nonsense.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body (or the raw text when it was not JSON). */
  readonly body: any;
}

export type FakeBehavior =
  /** A normal completion; `content` may depend on the request. Default content: "ok". */
  | { readonly kind: 'answer'; readonly content?: string | ((body: any) => string); readonly usage?: { prompt_tokens: number; completion_tokens: number } }
  /** An HTTP error with this status and JSON body. */
  | { readonly kind: 'status'; readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> }
  /** Never answers (until the connection is closed). */
  | { readonly kind: 'hang' }
  /** 200 with a body that is not a chat completion. */
  | { readonly kind: 'garbage'; readonly text?: string };

export interface FakeUpstream {
  /** e.g. `http://127.0.0.1:5678/v1`: use as an upstream's baseUrl or an OpenAI client's baseURL. */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  behave(behavior: FakeBehavior): void;
  close(): Promise<void>;
}

export async function startFakeUpstream(initial: FakeBehavior = { kind: 'answer' }): Promise<FakeUpstream> {
  let behavior = initial;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      if (req.method === 'GET' && req.url?.endsWith('/models')) {
        return json(200, { object: 'list', data: [{ id: 'fake-vlm', object: 'model', created: 0, owned_by: 'fake' }] });
      }
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) return json(404, { error: { message: 'not found' } });
      switch (behavior.kind) {
        case 'hang':
          return;
        case 'garbage':
          res.writeHead(200, { 'content-type': 'application/json' }).end(behavior.text ?? '{"this is": "not a completion"}');
          return;
        case 'status':
          res.writeHead(behavior.status, { 'content-type': 'application/json', ...behavior.headers }).end(JSON.stringify(behavior.body ?? { error: { message: 'fake failure' } }));
          return;
        case 'answer': {
          const content = typeof behavior.content === 'function' ? behavior.content(body) : (behavior.content ?? 'ok');
          const usage = behavior.usage ?? { prompt_tokens: 10, completion_tokens: 2 };
          const n = typeof body?.n === 'number' ? body.n : 1;
          return json(200, {
            id: `fake-${requests.length}`,
            object: 'chat.completion',
            created: 0,
            model: body?.model ?? 'fake-vlm',
            choices: Array.from({ length: n }, (_, index) => ({ index, message: { role: 'assistant', content }, finish_reason: 'stop' })),
            usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
          });
        }
      }
    });
    function json(status: number, value: unknown): void {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    behave: (b) => {
      behavior = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
