/**
 * A small Overshoot-compatible fake backend for runner tests: `/v1/chat/completions` and the
 * `/v1/streams` endpoints over real HTTP on loopback. It records every request and answers chat
 * calls by a programmable script (answers, 429 with retry-after, 500, hangs, connection resets,
 * garbage JSON), with stream frames that tests move forward by hand.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedChat {
  readonly body: any;
  readonly model: string;
  /** The text of the user message's text parts, joined. */
  readonly prompt: string;
  /** Every image_url / video_url URL, in order. */
  readonly refs: string[];
  /** Property names of the response_format schema (labels, or confirmed/confidence/description). */
  readonly schemaKeys: string[];
  readonly time: number;
}

export type FakeReply =
  /** A successful answer; an object is sent as JSON text in the message content. */
  | { answer: unknown; tokens?: number; delayMs?: number }
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Never answers (until the server closes). */
  | { hang: true }
  /** Destroys the connection without an answer. */
  | { reset: true }
  /** A 200 with a body that is not JSON. */
  | { garbage: true };

export type FakeScript = (request: RecordedChat, n: number) => FakeReply | Promise<FakeReply>;

interface FakeStream {
  id: string;
  source: unknown;
  state: 'active' | 'ended';
  lastFrameIndex: number | null;
  /** Stream-clock timestamp of each frame: index * frameMs. */
  frameMs: number;
  createdAtMs: number;
  firstFrameAtMs: number | null;
  keepalives: number;
  deleted: boolean;
}

export interface FakeBackendOptions {
  /** Add `ovs_resolved` to answers (as the project's server does); false behaves like the hosted service. */
  resolved?: boolean;
  /** Streams created through POST start with this many frames (default 10). */
  initialFrames?: number;
  /** Stream-clock ms between frames (default 100, i.e. 10 fps). */
  frameMs?: number;
  ttlSeconds?: number;
  /** Model ids listed by GET /v1/models; without it that endpoint is a 404 (not every backend lists). */
  models?: string[];
}

/** Answers every label absent, for scripts that only care about some calls. */
export function absentAnswer(request: RecordedChat): FakeReply {
  if (request.schemaKeys.includes('confirmed')) return { answer: { confirmed: false, confidence: 0.1, description: 'nothing' } };
  return { answer: Object.fromEntries(request.schemaKeys.map((k) => [k, { present: false, confidence: 0.05 }])) };
}

export class FakeBackend {
  readonly chats: RecordedChat[] = [];
  readonly streamRequests: Array<{ method: string; path: string; body: unknown }> = [];
  readonly streams = new Map<string, FakeStream>();
  script: FakeScript = (request) => absentAnswer(request);
  /** Chat calls currently being answered (including hangs). */
  inFlight = 0;
  maxInFlight = 0;
  url = '';

  readonly #server: http.Server;
  readonly #options: Required<FakeBackendOptions>;
  readonly #listsModels: boolean;

  constructor(options: FakeBackendOptions = {}) {
    this.#options = { resolved: true, initialFrames: 10, frameMs: 100, ttlSeconds: 300, models: [], ...options };
    this.#listsModels = options.models !== undefined;
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: String(error) }));
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** An existing stream (as if created elsewhere), with `frames` frames so far. */
  addStream(frames = this.#options.initialFrames, id = randomUUID()): string {
    this.streams.set(id, this.#newStream(id, null, frames));
    return id;
  }

  /** Moves a stream's live edge forward by `frames` frames. */
  advance(id: string, frames: number): void {
    const s = this.#stream(id);
    s.lastFrameIndex = (s.lastFrameIndex ?? -1) + frames;
    s.firstFrameAtMs ??= Date.now();
  }

  end(id: string): void {
    this.#stream(id).state = 'ended';
  }

  lastFrame(id: string): { index: number; timestampMs: number } {
    const s = this.#stream(id);
    return { index: s.lastFrameIndex ?? -1, timestampMs: (s.lastFrameIndex ?? 0) * s.frameMs };
  }

  /** Chat requests whose schema is an escalation's. */
  get escalations(): RecordedChat[] {
    return this.chats.filter((c) => c.schemaKeys.includes('confirmed'));
  }

  get watchCalls(): RecordedChat[] {
    return this.chats.filter((c) => !c.schemaKeys.includes('confirmed'));
  }

  #newStream(id: string, source: unknown, frames: number): FakeStream {
    return {
      id,
      source,
      state: 'active',
      lastFrameIndex: frames > 0 ? frames - 1 : null,
      frameMs: this.#options.frameMs,
      createdAtMs: Date.now(),
      firstFrameAtMs: frames > 0 ? Date.now() : null,
      keepalives: 0,
      deleted: false,
    };
  }

  #stream(id: string): FakeStream {
    const s = this.streams.get(id);
    if (!s) throw new Error(`fake backend: no stream ${id}`);
    return s;
  }

  #status(s: FakeStream) {
    const last = s.lastFrameIndex;
    const first = s.firstFrameAtMs;
    return {
      id: s.id,
      state: s.state,
      stream_time_ms: last === null ? 0 : last * s.frameMs,
      first_frame_at_ms: first,
      last_frame_at_ms: last === null || first === null ? null : first + last * s.frameMs,
      last_frame_index: last,
      first_available_frame_at_ms: first,
      first_available_frame_index: last === null ? null : 0,
      created_at_ms: s.createdAtMs,
      recent_fps: 1000 / s.frameMs,
      retained_frame_count: last === null ? 0 : last + 1,
      evicted_frame_count: 0,
      expires_at_ms: s.state === 'active' ? Date.now() + this.#options.ttlSeconds * 1000 : null,
      ttl_seconds: s.state === 'active' ? this.#options.ttlSeconds : null,
      ended_at_ms: s.state === 'ended' ? Date.now() : null,
      end_reason: s.state === 'ended' ? (s.deleted ? 'deleted' : 'expired') : null,
    };
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : undefined;
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };

    if (url.pathname === '/v1/models' && this.#listsModels) {
      return send(200, { object: 'list', data: this.#options.models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake', status: 'ready' })) });
    }
    if (url.pathname === '/v1/chat/completions' && req.method === 'POST') {
      await this.#chat(body, req, res, send);
      return;
    }
    const m = /^\/v1\/streams(?:\/([^/]+))?(\/keepalive)?$/.exec(url.pathname);
    if (!m) return send(404, { detail: 'not found' });
    this.streamRequests.push({ method: req.method ?? '', path: url.pathname, body });
    const [, id, keepalive] = m;
    if (!id) {
      if (req.method !== 'POST') return send(405, { detail: 'method not allowed' });
      const stream = this.#newStream(randomUUID(), body?.source ?? null, this.#options.initialFrames);
      this.streams.set(stream.id, stream);
      return send(201, {
        id: stream.id,
        state: 'active',
        publish: null,
        expires_at_ms: Date.now() + this.#options.ttlSeconds * 1000,
        ttl_seconds: this.#options.ttlSeconds,
        source: body?.source ?? null,
      });
    }
    const stream = this.streams.get(decodeURIComponent(id));
    if (!stream || stream.deleted) return send(404, { detail: `stream ${id} not found` });
    if (keepalive) {
      stream.keepalives++;
      return send(200, { id: stream.id, expires_at_ms: Date.now() + this.#options.ttlSeconds * 1000, ttl_seconds: this.#options.ttlSeconds, stream_time_ms: 0, publish: null });
    }
    if (req.method === 'GET') return send(200, this.#status(stream));
    if (req.method === 'DELETE') {
      stream.deleted = true;
      stream.state = 'ended';
      return send(200, { id: stream.id, deleted: true });
    }
    return send(405, { detail: 'method not allowed' });
  }

  async #chat(body: any, req: http.IncomingMessage, res: http.ServerResponse, send: (s: number, p: unknown, h?: Record<string, string>) => void) {
    const user = (body.messages as any[]).filter((m) => m.role === 'user');
    const parts = user.flatMap((m) => (Array.isArray(m.content) ? m.content : [{ type: 'text', text: m.content }]));
    const refs = parts.filter((p) => p.type === 'image_url' || p.type === 'video_url').map((p) => (p.image_url ?? p.video_url).url as string);
    const recorded: RecordedChat = {
      body,
      model: body.model,
      prompt: parts.filter((p) => p.type === 'text').map((p) => p.text).join('\n'),
      refs,
      schemaKeys: Object.keys(body.response_format?.json_schema?.schema?.properties ?? {}),
      time: Date.now(),
    };
    // Resolve the references now, as a real backend would at request time.
    const resolved = refs.map((ref, i) => this.#resolve(ref, i));
    const empty = refs.find((ref) => this.streams.get(/^ovs:\/\/streams\/([^?]+)/.exec(ref)?.[1] ?? '')?.lastFrameIndex === null);
    if (empty) {
      return send(422, { detail: { error: { message: `${empty}: the stream has no frames yet`, type: 'stream_error', code: 'frame_not_yet_produced' } } });
    }
    this.chats.push(recorded);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);
    const reply = await this.script(recorded, this.chats.length - 1);
    if ('hang' in reply) return;
    if ('reset' in reply) {
      req.socket.destroy();
      return;
    }
    if ('garbage' in reply) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "chatcmpl-1", "choices": [ {{{ not json');
      return;
    }
    if ('status' in reply) return send(reply.status, reply.body ?? { detail: { error: { message: `fake ${reply.status}`, type: 'internal_error', code: 'internal_error' } } }, reply.headers);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    const content = typeof reply.answer === 'string' ? reply.answer : JSON.stringify(reply.answer);
    const tokens = reply.tokens ?? 100;
    send(200, {
      id: `chatcmpl-${randomUUID()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: tokens - 10, completion_tokens: 10, total_tokens: tokens },
      ...(this.#options.resolved ? { ovs_resolved: resolved.filter((r) => r !== undefined) } : {}),
    });
  }

  #resolve(ref: string, partIndex: number) {
    const m = /^ovs:\/\/streams\/([^?]+)\?(.*)$/.exec(ref);
    if (!m) return undefined;
    const stream = this.streams.get(m[1]!);
    if (!stream || stream.lastFrameIndex === null) return undefined;
    const q = new URLSearchParams(m[2]);
    const last = stream.lastFrameIndex;
    const at = (index: number) => ({ index, timestamp_ms: index * stream.frameMs, bytes: 1000, width: 320, height: 240 });
    const indexOf = (key: string): number | undefined => {
      const v = q.get(key);
      if (v === null) return undefined;
      const n = Number(v);
      if (key.endsWith('frame_index')) return n < 0 ? last + 1 + n : n;
      if (key.endsWith('timestamp_ms')) return Math.round(n / stream.frameMs);
      return Math.max(0, last + Math.round(n / stream.frameMs));
    };
    let frames;
    const single = indexOf('frame_index') ?? indexOf('timestamp_ms') ?? indexOf('offset_ms');
    if (single !== undefined) frames = [at(Math.min(Math.max(0, single), last))];
    else {
      const start = indexOf('start_frame_index') ?? indexOf('start_timestamp_ms') ?? indexOf('start_offset_ms') ?? 0;
      const end = indexOf('end_frame_index') ?? indexOf('end_timestamp_ms') ?? indexOf('end_offset_ms') ?? last;
      frames = [];
      for (let i = Math.max(0, start); i <= Math.min(end, last); i++) frames.push(at(i));
    }
    return { message_index: 1, part_index: partIndex + 1, url: ref, stream_id: stream.id, frames };
  }
}

export async function startFakeBackend(options: FakeBackendOptions = {}): Promise<FakeBackend> {
  return new FakeBackend(options).start();
}
