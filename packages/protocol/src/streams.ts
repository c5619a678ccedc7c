/**
 * Stream lifecycle shapes (`/v1/streams`), as the hosted service answers them, plus the
 * server-pulled `source` (the hosted service pulls rtsp/hls; a local server also reads files
 * and HTTP MJPEG).
 */
import { z } from 'zod';

export const SOURCE_TYPES = ['rtsp', 'hls', 'file', 'mjpeg'] as const;
export const StreamSourceSchema = z.object({
  type: z.enum(SOURCE_TYPES),
  /** rtsp://, http(s):// (hls, mjpeg), or for `file` a path under the server's media root. */
  url: z.string().min(1).max(4096),
  /** `file` only: start again at the end. */
  loop: z.boolean().optional(),
  /**
   * `file` only: `realtime` (default) plays at the media's own rate; `asap` decodes as fast as
   * possible and stamps each frame with its media time (replays).
   */
  pace: z.enum(['realtime', 'asap']).optional(),
});
export type StreamSource = z.infer<typeof StreamSourceSchema>;

/** The body is optional; without `source`, frames are pushed by the client. */
export const CreateStreamRequestSchema = z.looseObject({
  source: StreamSourceSchema.optional(),
});
export type CreateStreamRequest = z.infer<typeof CreateStreamRequestSchema>;

/** Where a client publishes frames; null for server-pulled sources. */
export const PublishInfoSchema = z.looseObject({
  type: z.string(),
  url: z.string(),
  token: z.string().optional(),
});
export type PublishInfo = z.infer<typeof PublishInfoSchema>;

export const StreamStateSchema = z.enum(['active', 'ended']);
export type StreamState = z.infer<typeof StreamStateSchema>;

/** `source_ended`: a server-pulled file played to its end (local server only). */
export const EndReasonSchema = z.enum(['expired', 'deleted', 'source_ended']);
export type EndReason = z.infer<typeof EndReasonSchema>;

export const CreateStreamResponseSchema = z.looseObject({
  id: z.string(),
  state: z.literal('active'),
  publish: PublishInfoSchema.nullable(),
  /** Wall-clock Unix ms when the lease expires unless renewed. */
  expires_at_ms: z.int(),
  ttl_seconds: z.int(),
  source: StreamSourceSchema.nullish(),
});
export type CreateStreamResponse = z.infer<typeof CreateStreamResponseSchema>;

const nullableInt = z.int().nullable();

/** `GET /v1/streams/{id}`. Times ending in `_at_ms` are wall-clock Unix ms; others stream clock. */
export const StreamStatusSchema = z.looseObject({
  id: z.string(),
  state: StreamStateSchema,
  /** Stream clock now: 0 until the first frame, then ms since the first frame. */
  stream_time_ms: z.number().nullable(),
  first_frame_at_ms: nullableInt,
  last_frame_at_ms: nullableInt,
  last_frame_index: nullableInt,
  first_available_frame_at_ms: nullableInt,
  first_available_frame_index: nullableInt,
  created_at_ms: nullableInt,
  recent_fps: z.number().nullable(),
  retained_frame_count: nullableInt,
  evicted_frame_count: nullableInt,
  /** Null once the stream has ended. */
  expires_at_ms: nullableInt,
  ttl_seconds: nullableInt,
  ended_at_ms: nullableInt,
  end_reason: EndReasonSchema.nullable(),
  source: StreamSourceSchema.nullish(),
  audio: z.boolean().optional(),
});
export type StreamStatus = z.infer<typeof StreamStatusSchema>;

export const StreamListResponseSchema = z.object({
  object: z.literal('list'),
  data: z.array(StreamStatusSchema),
});
export type StreamListResponse = z.infer<typeof StreamListResponseSchema>;

export const KeepaliveResponseSchema = z.looseObject({
  id: z.string(),
  expires_at_ms: z.int(),
  ttl_seconds: z.int(),
  stream_time_ms: z.number(),
  publish: PublishInfoSchema.nullable(),
});
export type KeepaliveResponse = z.infer<typeof KeepaliveResponseSchema>;

export const DeleteStreamResponseSchema = z.object({
  id: z.string(),
  deleted: z.literal(true),
});
export type DeleteStreamResponse = z.infer<typeof DeleteStreamResponseSchema>;
