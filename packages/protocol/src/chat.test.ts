import { describe, expect, it } from 'vitest';
import { ChatCompletionRequestSchema, ChatCompletionResponseSchema, ChatCompletionChunkSchema, ResolveRequestSchema } from './chat.js';
import { chatErrorBody, ChatErrorBodySchema, errorTypeFor, refErrorBody, upstreamHttpCode, validationDetailsFromZod, validationErrorBody, validationMessage } from './errors.js';
import { ModelsResponseSchema } from './models.js';
import { CreateStreamRequestSchema, StreamStatusSchema } from './streams.js';

const seedRequest = {
  model: 'google/gemma-4-E4B-it',
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What does it say on my shirt?' },
        { type: 'video_url', video_url: { url: 'ovs://streams/cc3e3f79-c5c4-4d1c-985e-028b42030569?start_offset_ms=-5000' } },
        { type: 'image_url', image_url: { url: 'ovs://streams/cc3e3f79-c5c4-4d1c-985e-028b42030569?frame_index=-1' } },
      ],
    },
  ],
};

describe('chat schemas', () => {
  it('accept the seed request', () => {
    expect(ChatCompletionRequestSchema.safeParse(seedRequest).success).toBe(true);
  });

  it('accept string content and keep unknown fields', () => {
    const parsed = ChatCompletionRequestSchema.parse({
      model: 'm',
      messages: [{ role: 'user', content: 'hi', extra_message_field: 1 }],
      max_tokens: 5,
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } },
      seed: 7,
    });
    expect(parsed['seed']).toBe(7);
    expect(parsed.messages[0]?.['extra_message_field']).toBe(1);
    expect(parsed.response_format?.['json_schema']).toEqual({ name: 'x', schema: {} });
  });

  it('reject a missing model, empty messages, a part without its url, a bad max_tokens', () => {
    expect(ChatCompletionRequestSchema.safeParse({ messages: [{ role: 'user', content: 'x' }] }).success).toBe(false);
    expect(ChatCompletionRequestSchema.safeParse({ model: 'm', messages: [] }).success).toBe(false);
    expect(
      ChatCompletionRequestSchema.safeParse({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }).success,
    ).toBe(false);
    expect(ChatCompletionRequestSchema.safeParse({ ...seedRequest, max_tokens: 0 }).success).toBe(false);
  });

  it('describe responses with the ovs_resolved extension, and stream chunks', () => {
    expect(
      ChatCompletionResponseSchema.safeParse({
        id: 'c1',
        object: 'chat.completion',
        created: 1,
        model: 'm',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        ovs_resolved: [
          { message_index: 0, part_index: 2, url: 'ovs://streams/a?frame_index=-1', stream_id: 'a', frames: [{ index: 9, timestamp_ms: 300, bytes: 1000, width: 64, height: 48 }] },
        ],
      }).success,
    ).toBe(true);
    expect(
      ChatCompletionChunkSchema.safeParse({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'o' }, finish_reason: null }] })
        .success,
    ).toBe(true);
    expect(ResolveRequestSchema.safeParse({ url: 'ovs://streams/a?frame_index=-1', type: 'audio' }).success).toBe(false);
  });
});

describe('stream and model schemas', () => {
  it('accept an empty create body or a pulled source', () => {
    expect(CreateStreamRequestSchema.safeParse({}).success).toBe(true);
    expect(CreateStreamRequestSchema.safeParse({ source: { type: 'rtsp', url: 'rtsp://127.0.0.1/x' } }).success).toBe(true);
    expect(CreateStreamRequestSchema.safeParse({ source: { type: 'webrtc', url: 'x' } }).success).toBe(false);
  });

  it('describe a stream status with every field', () => {
    const status = {
      id: 's', state: 'active', stream_time_ms: 0, first_frame_at_ms: null, last_frame_at_ms: null, last_frame_index: null,
      first_available_frame_at_ms: null, first_available_frame_index: null, created_at_ms: 1, recent_fps: null,
      retained_frame_count: 0, evicted_frame_count: 0, expires_at_ms: 2, ttl_seconds: 300, ended_at_ms: null, end_reason: null,
    };
    expect(StreamStatusSchema.safeParse(status).success).toBe(true);
    expect(StreamStatusSchema.safeParse({ ...status, state: 'paused' }).success).toBe(false);
  });

  it('describe the model list', () => {
    expect(ModelsResponseSchema.safeParse({ object: 'list', data: [{ id: 'builtin/motion', object: 'model', created: 1, owned_by: 'ovs', status: 'ready' }] }).success).toBe(true);
  });
});

describe('error bodies', () => {
  it('chat errors use the hosted envelope', () => {
    const body = refErrorBody({ status: 422, code: 'query_param_invalid', message: 'bad', param: 'frame_index' });
    expect(body).toEqual({ detail: { error: { message: 'bad', type: 'validation_error', code: 'query_param_invalid', param: 'frame_index' } } });
    expect(ChatErrorBodySchema.safeParse(body).success).toBe(true);
    expect(chatErrorBody({ code: upstreamHttpCode(503), message: 'upstream failed', upstream: { status: 503 } }).detail.error.type).toBe('upstream_error');
    expect(errorTypeFor('stream_not_found')).toBe('stream_error');
  });

  it('validation errors list zod issues with a body-rooted loc', () => {
    const result = ChatCompletionRequestSchema.safeParse({ model: 1, messages: [] });
    expect(result.success).toBe(false);
    if (result.success) return;
    const body = validationErrorBody('Request validation failed', validationDetailsFromZod(result.error));
    expect(body.error).toBe('validation_error');
    expect(body.details.map((d) => d.loc)).toContainEqual(['body', 'model']);
  });

  it('an unknown content part type names the part and the types expected', () => {
    const result = ChatCompletionRequestSchema.safeParse({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }, { type: 'foo' }] }] });
    if (result.success) throw new Error('expected a failure');
    const details = validationDetailsFromZod(result.error);
    expect(details).toEqual([{ loc: ['body', 'messages', 0, 'content', 2, 'type'], msg: 'unknown content part type "foo" (expected text, image_url or video_url)', type: 'invalid_union' }]);
    expect(validationMessage(details)).toBe('Request validation failed: messages[0].content[2].type: unknown content part type "foo" (expected text, image_url or video_url)');
  });

  it('a malformed known part names its field, not just the content', () => {
    const result = ChatCompletionRequestSchema.safeParse({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url' }] }] });
    if (result.success) throw new Error('expected a failure');
    expect(validationDetailsFromZod(result.error)[0]!.loc).toEqual(['body', 'messages', 0, 'content', 0, 'image_url']);
    // Content that is neither a string nor a list stays one issue at the content.
    const wrong = ChatCompletionRequestSchema.safeParse({ model: 'm', messages: [{ role: 'user', content: 5 }] });
    if (wrong.success) throw new Error('expected a failure');
    expect(validationDetailsFromZod(wrong.error)[0]!.loc).toEqual(['body', 'messages', 0, 'content']);
  });
});
