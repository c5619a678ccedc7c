/** `/v1/streams`: create, list, status, keepalive, delete, and frames pushed by clients. */
import { CreateStreamRequestSchema, type PublishInfo } from '@ovs/protocol';
import type { FastifyInstance } from 'fastify';
import { isCompleteJpeg, readJpegSize } from '../../ingest/jpeg.js';
import { SourceError } from '../../streams/manager.js';
import type { Stream } from '../../streams/stream.js';
import type { AppContext } from '../context.js';
import { streamError } from '../errors.js';

/** The optional capture timestamp of a pushed frame (see docs/server.md). */
const CAPTURE_QUERY = 'capture_ts_ms';
const CAPTURE_HEADER = 'x-capture-ts-ms';

export function streamRoutes(app: FastifyInstance, ctx: AppContext): void {
  const find = (id: string): Stream => {
    const stream = ctx.streams.get(id);
    if (!stream) throw streamError(404, `Stream not found: ${id.slice(0, 128)}`);
    return stream;
  };
  const publish = (stream: Stream): PublishInfo | null =>
    stream.source ? null : { type: 'http_jpeg', url: `${ctx.baseUrl()}/v1/streams/${stream.id}/frames` };

  app.post('/v1/streams', async (request, reply) => {
    const parsed = CreateStreamRequestSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw streamError(422, `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
    }
    let stream: Stream;
    try {
      stream = await ctx.streams.create(parsed.data);
    } catch (error) {
      if (error instanceof SourceError) throw streamError(422, error.message);
      throw error;
    }
    return reply.code(201).send({
      id: stream.id,
      state: 'active',
      publish: publish(stream),
      expires_at_ms: stream.leaseExpiresAtMs,
      ttl_seconds: stream.ttlSeconds,
      source: stream.source ?? null,
    });
  });

  app.get('/v1/streams', async () => ({ object: 'list', data: ctx.streams.list().map((s) => s.status()) }));

  app.get<{ Params: { id: string } }>('/v1/streams/:id', async (request) => find(request.params.id).status());

  app.post<{ Params: { id: string } }>('/v1/streams/:id/keepalive', async (request) => {
    const stream = find(request.params.id);
    if (!stream.keepalive()) throw streamError(404, `Stream ${stream.id} has ended (${stream.reasonEnded}); create a new one`);
    return {
      id: stream.id,
      expires_at_ms: stream.leaseExpiresAtMs,
      ttl_seconds: stream.ttlSeconds,
      stream_time_ms: stream.streamTimeMs(),
      publish: publish(stream),
    };
  });

  app.delete<{ Params: { id: string } }>('/v1/streams/:id', async (request) => {
    const { id } = request.params;
    if (!(await ctx.streams.delete(id))) throw streamError(404, `Stream not found: ${id.slice(0, 128)}`);
    return { id, deleted: true };
  });

  app.post<{ Params: { id: string }; Querystring: Record<string, string | string[] | undefined> }>('/v1/streams/:id/frames', async (request) => {
    const stream = find(request.params.id);
    if (stream.state === 'ended') throw streamError(409, `Stream ${stream.id} has ended (${stream.reasonEnded}); create a new one`);
    if (stream.source) throw streamError(409, `Stream ${stream.id} pulls its frames from its ${stream.source.type} source; it does not take pushed frames`);
    const body = request.body;
    if (!Buffer.isBuffer(body)) throw streamError(415, 'send one JPEG image as the body, with Content-Type: image/jpeg');
    const size = isCompleteJpeg(body) ? readJpegSize(body) : undefined;
    if (!size) throw streamError(422, 'the body is not a complete JPEG image (it must start with FF D8, carry a frame header, and end with FF D9)');
    const captureTimestampMs = captureTimestamp(request.query[CAPTURE_QUERY], request.headers[CAPTURE_HEADER]);
    const frame = stream.addFrame({ jpeg: body, ...size, ...(captureTimestampMs !== undefined ? { captureTimestampMs } : {}) });
    ctx.metrics.inc('ovs_frames_ingested_total', { origin: 'push' });
    return { stream_id: stream.id, index: frame.index, timestamp_ms: frame.timestampMs, width: frame.width, height: frame.height, bytes: frame.jpeg.byteLength };
  });
}

function captureTimestamp(query: string | string[] | undefined, header: string | string[] | undefined): number | undefined {
  const given = query ?? header;
  if (given === undefined) return undefined;
  const text = Array.isArray(given) ? undefined : given.trim();
  const value = text !== undefined && /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value > Number.MAX_SAFE_INTEGER) {
    throw streamError(422, `${query !== undefined ? CAPTURE_QUERY : CAPTURE_HEADER} must be one number >= 0 (capture time in ms on the source's clock)`);
  }
  return value;
}
