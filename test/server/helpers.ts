/** Shared by the server's end-to-end tests: a server on loopback and a small JSON client. */
import { createServer, type OvsServer, type ServerOptions } from '@ovs/server';

export interface Api {
  readonly server: OvsServer;
  /** fetch against the server; JSON bodies are encoded, answers decoded when JSON. */
  call(method: string, path: string, options?: { json?: unknown; body?: BodyInit; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any; text: string }>;
}

export async function startServer(options: ServerOptions = {}): Promise<Api> {
  const server = await createServer({ builtinModels: false, ...options });
  return {
    server,
    async call(method, path, { json, body, headers = {} } = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (json !== undefined) {
        init.body = JSON.stringify(json);
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      } else if (body !== undefined) {
        init.body = body;
      }
      const response = await fetch(server.url + path, init);
      const text = await response.text();
      let parsed: any = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
  };
}
