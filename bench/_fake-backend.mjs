// An Overshoot-compatible fake backend for `pnpm bench runner`, run as a child process
// (`fork`) so its CPU is not the runner's. It answers:
//   POST /v1/chat/completions  after DELAY_MS (a timer, never a busy wait): a completion whose
//                              content is the JSON the request's response_format asks for, every
//                              label absent (`{present:false, confidence:0}`, so no event ever
//                              fires and the bench measures the call path), with `ovs_resolved`
//                              for every ovs:// part (so the runner never pins frames by status);
//   GET  /v1/streams/{id}      an active stream status with every field of the protocol;
//   GET  /v1/models            the one model it serves.
// Over IPC it sends `{type:'ready', port}` once listening, and answers `{type:'stats'}` with its
// request counts by route and its own CPU time. It exits when the parent goes away, and after
// MAX_LIFETIME_MS whatever happens.
import { createServer } from 'node:http';

const FAKE_MODEL = process.env.FAKE_MODEL ?? 'bench/fake-vlm';
const DELAY_MS = Number(process.env.FAKE_DELAY_MS ?? 250);
const MAX_LIFETIME_MS = 180_000;
const FPS = 10;
const startedAt = Date.now();

const counts = { chat: 0, status: 0, models: 0, other: 0, bad: 0 };

/** The content for one set of labels never changes: build it once. */
const contentByLabels = new Map();
function contentFor(properties) {
  const key = Object.keys(properties).join('\u0000');
  let content = contentByLabels.get(key);
  if (content === undefined) {
    content = JSON.stringify(Object.fromEntries(Object.keys(properties).map((label) => [label, { present: false, confidence: 0 }])));
    contentByLabels.set(key, content);
  }
  return content;
}

/** The newest frame of a stream that has produced FPS frames per second since this process started. */
function newestFrame(now) {
  const index = Math.floor(((now - startedAt) * FPS) / 1000);
  return { index, timestamp_ms: Math.round((index * 1000) / FPS) };
}

function resolvedParts(messages, now) {
  const frame = { ...newestFrame(now), bytes: 48_213, width: 1280, height: 720 };
  const resolved = [];
  messages.forEach((message, messageIndex) => {
    if (!Array.isArray(message?.content)) return;
    message.content.forEach((part, partIndex) => {
      const url = part?.image_url?.url ?? part?.video_url?.url;
      const streamId = typeof url === 'string' ? /^ovs:\/\/streams\/([^/?]+)/.exec(url)?.[1] : undefined;
      if (streamId) resolved.push({ message_index: messageIndex, part_index: partIndex, url, stream_id: streamId, frames: [frame] });
    });
  });
  return resolved;
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function chat(req, res) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let request;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      counts.bad++;
      send(res, 400, { error: { message: 'body is not JSON', code: 'invalid_request' } });
      return;
    }
    counts.chat++;
    const properties = request?.response_format?.json_schema?.schema?.properties ?? {};
    const content = contentFor(properties);
    setTimeout(() => {
      const now = Date.now();
      send(res, 200, {
        id: `chatcmpl-${counts.chat}`,
        object: 'chat.completion',
        created: Math.floor(now / 1000),
        model: request.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 300, completion_tokens: 20, total_tokens: 320 },
        ovs_resolved: resolvedParts(Array.isArray(request.messages) ? request.messages : [], now),
      });
    }, DELAY_MS);
  });
}

function status(res, id) {
  counts.status++;
  const now = Date.now();
  const frame = newestFrame(now);
  send(res, 200, {
    id,
    state: 'active',
    stream_time_ms: frame.timestamp_ms,
    first_frame_at_ms: startedAt,
    last_frame_at_ms: startedAt + frame.timestamp_ms,
    last_frame_index: frame.index,
    first_available_frame_at_ms: startedAt,
    first_available_frame_index: 0,
    created_at_ms: startedAt,
    recent_fps: FPS,
    retained_frame_count: frame.index + 1,
    evicted_frame_count: 0,
    expires_at_ms: now + 300_000,
    ttl_seconds: 300,
    ended_at_ms: null,
    end_reason: null,
    source: null,
    audio: false,
  });
}

const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000 }, (req, res) => {
  const url = req.url ?? '';
  if (req.method === 'POST' && url === '/v1/chat/completions') return chat(req, res);
  req.resume();
  if (req.method === 'GET' && url.startsWith('/v1/streams/')) return status(res, decodeURIComponent(url.slice('/v1/streams/'.length)));
  if (req.method === 'GET' && url === '/v1/models') {
    counts.models++;
    return send(res, 200, { object: 'list', data: [{ id: FAKE_MODEL, object: 'model', created: Math.floor(startedAt / 1000), owned_by: 'bench', status: 'ready' }] });
  }
  counts.other++;
  send(res, 404, { error: { message: `no route ${req.method} ${url}`, code: 'not_found' } });
});
// Hundreds of keep-alive sockets from one client: no per-socket request cap.
server.maxRequestsPerSocket = 0;
let openSockets = 0;
server.on('connection', (socket) => {
  openSockets++;
  socket.once('close', () => openSockets--);
});

if (process.send) {
  process.on('message', (message) => {
    if (message?.type === 'stats') process.send({ type: 'stats', counts: { ...counts }, sockets: openSockets, cpuMs: cpuMs() });
  });
  process.on('disconnect', () => process.exit(0));
}
setTimeout(() => process.exit(3), MAX_LIFETIME_MS).unref();

function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ type: 'ready', port });
  else console.log(`fake backend on http://127.0.0.1:${port}/v1`);
});
