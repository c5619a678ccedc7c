/**
 * From a chat-completions body to a model request: validation with the protocol schema, the
 * model looked up, every `ovs://` part resolved to frames (in the order written), plain
 * `https:`/`data:` images passed through, and the `ovs_resolved` record of what each reference
 * meant.
 */
import {
  ChatCompletionRequestSchema,
  isOvsRef,
  parseStreamRef,
  validationDetailsFromZod,
  validationMessage,
  type ChatCompletionRequest,
  type ContentPart,
  type OvsResolvedEntry,
} from '@ovs/protocol';
import { describeFrame } from '../frames/index.js';
import { chatError, validationError } from '../http/errors.js';
import type { Model, ModelContentPart, ModelMessage, ModelRequest } from '../models/model.js';
import type { ModelRegistry } from '../models/registry.js';
import type { StreamManager } from '../streams/manager.js';
import { resolveRef } from './references.js';

/** More frames than this across one request is refused (`segment_invalid`). */
export const MAX_FRAMES_PER_REQUEST = 1200;
/** Upper bound on `n`; a larger one is a 422. */
export const MAX_CHOICES = 16;

/** Fields this server interprets; every other field is handed to the model as `extra`. */
const HANDLED_FIELDS = new Set(['model', 'messages', 'max_completion_tokens', 'max_tokens', 'response_format', 'n', 'temperature', 'stream', 'stream_options', 'thread_id']);

export interface PreparedChat {
  readonly model: Model;
  /** The model id as the client wrote it (echoed in the answer). */
  readonly modelId: string;
  readonly request: Omit<ModelRequest, 'signal'>;
  readonly resolved: OvsResolvedEntry[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly threadId: string | null;
}

/** A model still loading (or failed) answers 503; GET /v1/models shows why. */
export function assertReady(model: Model): void {
  if (model.status() !== 'ready') throw chatError(503, 'model_unavailable', `model ${model.id} is not ready; GET /v1/models shows its status`, { param: 'model' });
}

/**
 * `requireReady: false` leaves the readiness check to the caller (a cached answer needs no
 * model), who then calls `assertReady` before asking the model.
 */
export function prepareChat(body: unknown, registry: ModelRegistry, streams: StreamManager, { requireReady = true } = {}): PreparedChat {
  const parsed = ChatCompletionRequestSchema.safeParse(body);
  if (!parsed.success) {
    const details = validationDetailsFromZod(parsed.error);
    throw validationError(validationMessage(details), details);
  }
  const chat = parsed.data;
  const n = chat.n ?? 1;
  if (n > MAX_CHOICES) {
    const details = [{ loc: ['body', 'n'], msg: `n must be at most ${MAX_CHOICES}`, type: 'too_big' }];
    throw validationError(validationMessage(details), details);
  }

  const model = registry.get(chat.model);
  if (!model) {
    const known = registry.ids();
    throw chatError(404, 'model_unavailable', `model ${JSON.stringify(chat.model.slice(0, 200))} is not served here; ${known.length ? `GET /v1/models lists the models: ${known.join(', ')}` : 'no model is configured (see the upstreams and builtinModels options)'}`, { param: 'model' });
  }
  if (requireReady) assertReady(model);

  const resolved: OvsResolvedEntry[] = [];
  let frameCount = 0;
  const messages: ModelMessage[] = chat.messages.map((message, m) => {
    const parts: readonly ContentPart[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : (message.content ?? []);
    const content = parts.map((part, p): ModelContentPart => {
      const where = `messages[${m}].content[${p}]`;
      if (part.type === 'text') return { type: 'text', text: part.text };
      const url = part.type === 'image_url' ? part.image_url.url : part.video_url.url;
      if (!isOvsRef(url)) {
        if (part.type === 'video_url') {
          throw chatError(422, 'model_video_unsupported', `${where}: a video_url must be an ovs://streams/... reference here; this server does not fetch videos`, { param: 'video_url' });
        }
        if (!/^(https?:|data:)/i.test(url)) {
          throw chatError(422, 'stream_url_invalid', `${where}: an image_url must be an https:, data: or ovs://streams/... URL`, { param: 'image_url' });
        }
        return { type: 'image_url', url };
      }
      const ref = parseStreamRef(url, part.type === 'image_url' ? 'image' : 'video');
      if (!ref.ok) {
        const { status, code, message: text, param } = ref.error;
        throw chatError(status, code, `${where}: ${text}`, param === undefined ? {} : { param });
      }
      const resolution = resolveRef(streams, ref.value, where);
      if (!resolution.ok) throw resolution.error;
      frameCount += resolution.frames.length;
      if (frameCount > MAX_FRAMES_PER_REQUEST) {
        throw chatError(422, 'segment_invalid', `${where}: the request references more than ${MAX_FRAMES_PER_REQUEST} frames in all: lower max_fps or shorten the windows`);
      }
      const streamId = ref.value.ref.streamId;
      resolved.push({ message_index: m, part_index: p, url, stream_id: streamId, frames: resolution.frames.map(describeFrame) });
      return {
        type: 'frames',
        video: ref.value.type === 'video',
        frames: resolution.frames.map((f) => ({ streamId, index: f.index, timestampMs: f.timestampMs, jpeg: f.jpeg, width: f.width, height: f.height })),
      };
    });
    return { role: message.role, content };
  });

  const request: Omit<ModelRequest, 'signal'> = {
    messages,
    n,
    extra: extraFields(chat),
    ...(chat.response_format != null ? { responseFormat: chat.response_format } : {}),
    ...((chat.max_completion_tokens ?? chat.max_tokens) != null ? { maxTokens: (chat.max_completion_tokens ?? chat.max_tokens)! } : {}),
    ...(chat.temperature != null ? { temperature: chat.temperature } : {}),
  };
  return {
    model,
    modelId: chat.model,
    request,
    resolved,
    stream: chat.stream === true,
    includeUsage: chat.stream_options?.include_usage === true,
    threadId: chat.thread_id ?? null,
  };
}

function extraFields(chat: ChatCompletionRequest): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(chat)) if (!HANDLED_FIELDS.has(key)) extra[key] = value;
  return extra;
}
