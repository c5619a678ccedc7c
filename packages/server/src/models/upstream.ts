/**
 * A model served by any OpenAI-compatible vision server (vLLM, Ollama, llama.cpp, OpenAI...):
 * resolved stream frames become `data:image/jpeg;base64,...` image parts, in order, downscaled
 * to a configured longest side; the upstream's failures become the hosted error codes.
 */
import type { ChatErrorCode, UpstreamError } from '@ovs/protocol';
import type { Logger } from 'pino';
import sharp from 'sharp';
import type { Model, ModelContentPart, ModelMessage, ModelRequest, ModelResponse, ResolvedFrame } from './model.js';
import { UpstreamHttp, UpstreamTransportError, type UpstreamHttpAnswer } from './upstream-http.js';

export interface UpstreamModelOptions {
  /** Our id, what clients send as `model`. */
  readonly id: string;
  readonly baseUrl: string;
  /** The upstream's own model name. */
  readonly model: string;
  readonly apiKey?: string;
  readonly timeoutMs: number;
  readonly maxTokensField: 'max_tokens' | 'max_completion_tokens';
  readonly ownedBy: string;
  /** Frames whose longer side exceeds this are downscaled before they are sent. */
  readonly imageMaxSide: number;
  /** Already bound to this model (`{model: id}`), so calls do not repeat the id. */
  readonly logger: Logger;
}

/** An upstream call that failed, with the status and code the client is answered with. */
export class UpstreamCallError extends Error {
  override readonly name = 'UpstreamCallError';
  constructor(
    readonly status: number,
    readonly code: ChatErrorCode,
    message: string,
    readonly upstream: UpstreamError | null = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/**
 * Request fields passed on to the upstream besides those the adapter sets itself. Anything else
 * a client sends is accepted and ignored (as the hosted service does): strict upstreams such as
 * OpenAI refuse parameters they do not know.
 */
const FORWARDED_FIELDS = [
  'top_p', 'stop', 'seed', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs',
  'user', 'tools', 'tool_choice', 'parallel_tool_calls', 'reasoning_effort',
] as const;

/** How much of an upstream's error body is kept for the client and the log. */
const ERROR_BODY_CHARS = 2048;
/** A successful answer larger than this is not a chat completion we can use. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export function createUpstreamModel(options: UpstreamModelOptions): Model {
  const http = new UpstreamHttp(`${options.baseUrl.replace(/\/+$/, '')}/chat/completions`);
  return {
    id: options.id,
    ownedBy: options.ownedBy,
    // Whether an upstream answers is only known by calling it; a failed call says why.
    status: () => 'ready',
    close: async () => http.close(),
    async complete(request: ModelRequest): Promise<ModelResponse> {
      const body = {
        ...forwarded(request.extra),
        model: options.model,
        messages: await Promise.all(request.messages.map((m) => toOpenAiMessage(m, options.imageMaxSide))),
        stream: false,
        ...(request.n > 1 ? { n: request.n } : {}),
        ...(request.responseFormat !== undefined ? { response_format: request.responseFormat } : {}),
        ...(request.maxTokens !== undefined ? { [options.maxTokensField]: request.maxTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      };
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;

      let response: UpstreamHttpAnswer;
      try {
        response = await http.post({
          body: JSON.stringify(body),
          headers,
          timeoutMs: options.timeoutMs,
          ...(request.signal ? { signal: request.signal } : {}),
          maxBytes: (status) => (isOk(status) ? MAX_ANSWER_BYTES : ERROR_BODY_CHARS * 4),
        });
      } catch (error) {
        if (!(error instanceof UpstreamTransportError)) throw error; // the client went away; nobody to answer
        if (error.kind === 'timeout') {
          options.logger.warn({ timeoutMs: options.timeoutMs }, 'upstream timed out');
          throw new UpstreamCallError(504, 'upstream_timeout', `${options.id}: the upstream did not answer within ${options.timeoutMs} ms`, { provider: options.id });
        }
        options.logger.warn({ reason: error.reason }, 'upstream unreachable');
        throw new UpstreamCallError(502, 'upstream_request_failed', `${options.id}: cannot reach the upstream at ${options.baseUrl}: ${error.reason}`, { provider: options.id });
      }
      const text = response.text;

      if (!isOk(response.status)) {
        const upstream: UpstreamError = { provider: options.id, status: response.status, body: parseOrText(text.slice(0, ERROR_BODY_CHARS)) };
        options.logger.warn({ status: response.status }, 'upstream answered an error');
        const retryAfter = response.headers['retry-after'];
        // A provider's rate limit is the client's to respect; everything else is a bad gateway.
        const status = response.status === 429 ? 429 : 502;
        throw new UpstreamCallError(status, `upstream_http_${response.status}`, `${options.id}: the upstream answered HTTP ${response.status}`, upstream, retryAfter ? { 'retry-after': retryAfter } : {});
      }
      const answer = toModelResponse(parseOrText(text));
      if (!answer) {
        options.logger.warn('upstream answered something that is not a chat completion');
        throw new UpstreamCallError(502, 'upstream_request_failed', `${options.id}: the upstream's answer is not a chat completion`, {
          provider: options.id,
          status: response.status,
          body: text.slice(0, ERROR_BODY_CHARS),
        });
      }
      return answer;
    },
  };
}

function forwarded(extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of FORWARDED_FIELDS) if (extra[key] !== undefined) out[key] = extra[key];
  return out;
}

async function toOpenAiMessage(message: ModelMessage, maxSide: number): Promise<Record<string, unknown>> {
  // Plain text turns go as a string: some servers accept only strings for system/assistant turns.
  if (message.content.every((p) => p.type === 'text')) {
    return { role: message.role, content: message.content.map((p) => (p as { text: string }).text).join('\n') };
  }
  const parts = await Promise.all(message.content.map((p) => toOpenAiParts(p, maxSide)));
  return { role: message.role, content: parts.flat() };
}

async function toOpenAiParts(part: ModelContentPart, maxSide: number): Promise<Array<Record<string, unknown>>> {
  switch (part.type) {
    case 'text':
      return [{ type: 'text', text: part.text }];
    case 'image_url':
      return [{ type: 'image_url', image_url: { url: part.url } }];
    case 'frames':
      return Promise.all(part.frames.map(async (f) => ({ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${(await fitted(f, maxSide)).toString('base64')}` } })));
  }
}

/** Downscaled copies, kept as long as the frame itself is retained (the same frame is often sent again). */
const downscaled = new WeakMap<Buffer, { maxSide: number; jpeg: Promise<Buffer> }>();

/** The frame's JPEG, downscaled when its longer side exceeds `maxSide`. */
export function fitted(frame: ResolvedFrame, maxSide: number): Promise<Buffer> {
  if (Math.max(frame.width, frame.height) <= maxSide) return Promise.resolve(frame.jpeg);
  const cached = downscaled.get(frame.jpeg);
  if (cached?.maxSide === maxSide) return cached.jpeg;
  const jpeg = sharp(frame.jpeg).resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer();
  downscaled.set(frame.jpeg, { maxSide, jpeg });
  jpeg.catch(() => downscaled.delete(frame.jpeg));
  return jpeg;
}

function toModelResponse(json: unknown): ModelResponse | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { choices, usage } = json as { choices?: unknown; usage?: unknown };
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  const out: Array<ModelResponse['choices'][number]> = [];
  for (const choice of choices as unknown[]) {
    const message = (choice as { message?: { content?: unknown } } | null)?.message;
    const content = message?.content;
    if (typeof message !== 'object' || message === null || (typeof content !== 'string' && content !== null && content !== undefined)) return undefined;
    const finish = (choice as { finish_reason?: unknown }).finish_reason;
    out.push({ content: content ?? '', finishReason: finish === 'length' ? 'length' : 'stop' });
  }
  const u = (usage ?? {}) as { prompt_tokens?: unknown; completion_tokens?: unknown };
  return {
    choices: out,
    usage: { promptTokens: toCount(u.prompt_tokens), completionTokens: toCount(u.completion_tokens) },
  };
}

function toCount(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isOk(status: number): boolean {
  return status >= 200 && status < 300;
}
