/**
 * OpenAI-shaped chat completions, as the hosted service accepts them: permissive (unknown
 * fields pass through), content either a string or typed parts, with the Overshoot
 * `video_url` part beside `text` and `image_url`.
 */
import { z } from 'zod';

export const TextPartSchema = z.looseObject({ type: z.literal('text'), text: z.string() });

export const ImageUrlPartSchema = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({
    /** `https:`, `data:` or an `ovs://streams/...` frame reference. */
    url: z.string(),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});

export const VideoUrlPartSchema = z.looseObject({
  type: z.literal('video_url'),
  video_url: z.looseObject({
    /** `https:`, `data:` or an `ovs://streams/...` window reference. */
    url: z.string(),
  }),
});

const PART_TYPES = 'text, image_url or video_url';

export const ContentPartSchema = z.discriminatedUnion('type', [TextPartSchema, ImageUrlPartSchema, VideoUrlPartSchema], {
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const type = (issue.input as { type?: unknown } | undefined)?.type;
    return type === undefined ? `a content part needs a "type" (${PART_TYPES})` : `unknown content part type ${JSON.stringify(type)?.slice(0, 64)} (expected ${PART_TYPES})`;
  },
});
export type TextPart = z.infer<typeof TextPartSchema>;
export type ImageUrlPart = z.infer<typeof ImageUrlPartSchema>;
export type VideoUrlPart = z.infer<typeof VideoUrlPartSchema>;
export type ContentPart = z.infer<typeof ContentPartSchema>;

export const ChatRoleSchema = z.enum(['system', 'developer', 'user', 'assistant', 'tool']);
export type ChatRole = z.infer<typeof ChatRoleSchema>;

export const ChatMessageSchema = z.looseObject({
  role: ChatRoleSchema,
  /** Null or absent only on assistant turns that carry tool calls. */
  content: z.union([z.string(), z.array(ContentPartSchema)]).nullish(),
  name: z.string().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

const positiveInt = z.int().positive();

export const ResponseFormatSchema = z.looseObject({ type: z.string() });
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;

export const ChatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(ChatMessageSchema).min(1),
  max_completion_tokens: positiveInt.nullish(),
  /** Legacy alias of max_completion_tokens. */
  max_tokens: positiveInt.nullish(),
  response_format: ResponseFormatSchema.nullish(),
  n: positiveInt.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  thread_id: z.string().nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

export const UsageSchema = z.looseObject({
  prompt_tokens: z.int().nonnegative(),
  completion_tokens: z.int().nonnegative(),
  total_tokens: z.int().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** One frame an `ovs://` reference resolved to. */
export const ResolvedFrameInfoSchema = z.object({
  /** Lifetime frame index. */
  index: z.int().nonnegative(),
  /** Stream clock: ms since the stream's first frame. */
  timestamp_ms: z.number().nonnegative(),
  /** Size of the JPEG as stored. */
  bytes: z.int().nonnegative(),
  width: z.int().nonnegative(),
  height: z.int().nonnegative(),
});
export type ResolvedFrameInfo = z.infer<typeof ResolvedFrameInfoSchema>;

/** Our extension on chat completion answers: what each `ovs://` content part meant. */
export const OvsResolvedEntrySchema = z.object({
  message_index: z.int().nonnegative(),
  part_index: z.int().nonnegative(),
  url: z.string(),
  stream_id: z.string(),
  frames: z.array(ResolvedFrameInfoSchema),
});
export type OvsResolvedEntry = z.infer<typeof OvsResolvedEntrySchema>;

export const FinishReasonSchema = z.enum(['stop', 'length', 'tool_calls', 'content_filter']);
export type FinishReason = z.infer<typeof FinishReasonSchema>;

export const ChatCompletionChoiceSchema = z.looseObject({
  index: z.int().nonnegative(),
  message: z.looseObject({
    role: z.string(),
    content: z.string().nullable(),
    tool_calls: z.array(z.looseObject({})).optional(),
  }),
  finish_reason: FinishReasonSchema.nullable(),
});
export type ChatCompletionChoice = z.infer<typeof ChatCompletionChoiceSchema>;

export const ChatCompletionResponseSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  /** Unix seconds. */
  created: z.int(),
  model: z.string(),
  choices: z.array(ChatCompletionChoiceSchema),
  usage: UsageSchema.optional(),
  ovs_resolved: z.array(OvsResolvedEntrySchema).optional(),
});
export type ChatCompletionResponse = z.infer<typeof ChatCompletionResponseSchema>;

/** One `data:` payload of a `stream: true` answer; the stream ends with `data: [DONE]`. */
export const ChatCompletionChunkSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.int(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.int().nonnegative(),
      delta: z.looseObject({ role: z.string().optional(), content: z.string().nullish() }),
      finish_reason: FinishReasonSchema.nullable(),
    }),
  ),
  /** Only on the final chunk, when `stream_options.include_usage` was set. */
  usage: UsageSchema.nullish(),
  ovs_resolved: z.array(OvsResolvedEntrySchema).optional(),
});
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunkSchema>;

/** `POST /v1/resolve`: what a reference means right now, without calling a model. */
export const ResolveRequestSchema = z.object({
  url: z.string(),
  /** Which grammar to apply; inferred from the keys when absent. */
  type: z.enum(['image', 'video']).optional(),
});
export type ResolveRequest = z.infer<typeof ResolveRequestSchema>;

export const ResolveResponseSchema = z.object({
  url: z.string(),
  type: z.enum(['image', 'video']),
  stream_id: z.string(),
  frames: z.array(ResolvedFrameInfoSchema),
});
export type ResolveResponse = z.infer<typeof ResolveResponseSchema>;
