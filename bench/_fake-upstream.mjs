// A minimal OpenAI-compatible upstream on loopback for the server benchmark: it reads the whole
// request and answers at once with a fixed chat completion, so the time of a call through it is
// the time of the HTTP exchange itself. It does not parse the body (that would cost the same on
// both sides of every comparison and only add noise); it can keep the last body so the benchmark
// can check that our server sent exactly what the direct baseline sends.
import { createServer } from 'node:http';

export const FAKE_MODEL = 'fake-vlm';
export const FAKE_CONTENT = 'a fixed answer';

const ANSWER = JSON.stringify({
  id: 'fake-1',
  object: 'chat.completion',
  created: 0,
  model: FAKE_MODEL,
  choices: [{ index: 0, message: { role: 'assistant', content: FAKE_CONTENT }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
});

/** Starts the fake; `baseUrl` ends in `/v1`. `keepBodies` makes it keep the last request body in `lastBody`. */
export async function startFakeUpstream() {
  const state = { requests: 0, keepBodies: false, lastBody: undefined };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => {
      if (state.keepBodies) chunks.push(chunk);
    });
    req.on('end', () => {
      state.requests += 1;
      if (state.keepBodies) state.lastBody = Buffer.concat(chunks);
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) }).end(ANSWER);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    state,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
