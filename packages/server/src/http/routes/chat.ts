/** `POST /v1/chat/completions` and `POST /v1/resolve`. */
import { parseStreamRef, ResolveRequestSchema, validationDetailsFromZod, validationMessage } from '@ovs/protocol';
import type { FastifyInstance } from 'fastify';
import { completionBody, completionEvents, completionId } from '../../chat/answer.js';
import { assertReady, prepareChat } from '../../chat/prepare.js';
import { resolveRef } from '../../chat/references.js';
import { describeFrame } from '../../frames/index.js';
import type { ModelResponse } from '../../models/model.js';
import type { AppContext } from '../context.js';
import { chatError, HttpError, isModelCallFailure, refHttpError, validationError } from '../errors.js';

export function chatRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/v1/chat/completions', async (request, reply) => {
    let outcome = 'ok';
    // Only served model ids become label values: clients must not be able to grow the metrics.
    const asked = (request.body as { model?: unknown } | null | undefined)?.model;
    const modelLabel = typeof asked === 'string' && ctx.registry.get(asked) ? asked : 'unknown';
    try {
      const cache = ctx.responseCache;
      // The readiness check waits for a cache miss; a replay skips it (a loading model is waited for).
      const prepared = prepareChat(request.body, ctx.registry, ctx.streams, { requireReady: cache === undefined && !ctx.replay });
      const { model } = prepared;
      const cacheKey = cache?.key(model.id, prepared.request, model.memory?.dependsOn(prepared.request));
      let response: ModelResponse | undefined = cache && cacheKey !== undefined ? await cache.get(model.id, cacheKey) : undefined;
      if (cache) ctx.metrics.inc('ovs_response_cache_total', { model: modelLabel, outcome: response ? 'hit' : 'miss' });
      if (response) {
        // Answered as if asked: a model with a memory (builtin/motion) remembers the request.
        model.memory?.remember(prepared.request);
      } else {
        if (cache && !ctx.replay) assertReady(model);
        // Stop the model's work when the client goes away before the answer is written.
        const abort = new AbortController();
        reply.raw.once('close', () => {
          if (!reply.raw.writableFinished) abort.abort();
        });
        try {
          response = await model.complete({ ...prepared.request, signal: abort.signal });
        } catch (error) {
          if (abort.signal.aborted) {
            outcome = 'client_closed';
            return reply;
          }
          if (isModelCallFailure(error) && error.field !== undefined) {
            const details = [{ loc: ['body', error.field], msg: error.message, type: 'value_error' }];
            throw validationError(validationMessage(details), details);
          }
          if (isModelCallFailure(error)) {
            throw chatError(error.status, error.code, error.message, {
              ...(error.param !== undefined ? { param: error.param } : {}),
              ...(error.upstream !== undefined ? { upstream: error.upstream } : {}),
              ...(error.headers !== undefined ? { headers: { ...error.headers } } : {}),
            });
          }
          ctx.logger.error({ err: error, model: model.id }, 'model failed');
          throw chatError(500, 'internal_error', `${model.id} failed on this request; the server log has the details`);
        }
        if (cache && cacheKey !== undefined) await cache.put(model.id, cacheKey, response);
      }
      const id = completionId();
      const context = { modelId: prepared.modelId, createdS: Math.floor(ctx.now() / 1000), resolved: prepared.resolved, threadId: prepared.threadId };
      if (prepared.stream) {
        return reply
          .header('content-type', 'text/event-stream; charset=utf-8')
          .header('cache-control', 'no-cache')
          .send(completionEvents(id, context, response, prepared.includeUsage));
      }
      return completionBody(id, context, response);
    } catch (error) {
      outcome = error instanceof HttpError ? (error.code ?? String(error.status)) : 'internal_error';
      throw error;
    } finally {
      ctx.metrics.inc('ovs_chat_completions_total', { model: modelLabel, outcome });
    }
  });

  app.post('/v1/resolve', async (request) => {
    const parsed = ResolveRequestSchema.safeParse(request.body);
    if (!parsed.success) {
      const details = validationDetailsFromZod(parsed.error);
      throw validationError(validationMessage(details), details);
    }
    const { url, type } = parsed.data;
    const ref = parseStreamRef(url, type);
    if (!ref.ok) throw refHttpError(ref.error);
    const resolution = resolveRef(ctx.streams, ref.value);
    if (!resolution.ok) throw resolution.error;
    return { url, type: ref.value.type, stream_id: ref.value.ref.streamId, frames: resolution.frames.map(describeFrame) };
  });
}
