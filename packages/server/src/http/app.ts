/**
 * The fastify application: body parsers with size limits, auth, the routes, and one error
 * path that answers every failure in the hosted shapes (never a stack trace).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createAuthenticator } from './auth.js';
import type { AppContext } from './context.js';
import { httpErrorFor, notFound, sendHttpError } from './errors.js';
import { handleInProcessAborts } from './in-process-fetch.js';
import { chatRoutes } from './routes/chat.js';
import { publicRoutes } from './routes/public.js';
import { streamRoutes } from './routes/streams.js';

export function buildApp(ctx: AppContext): FastifyInstance {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // Per-request lines would flood the log at frame rates; failures are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.limits.json,
    // Stream ids are up to 128 characters.
    routerOptions: { maxParamLength: 256 },
    // close() must not wait for idle keep-alive connections.
    forceCloseConnections: true,
    return503OnClosing: true,
  });

  // JSON with an empty body means "no body" (e.g. POST /v1/streams with nothing to say).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') done(null, undefined);
    else parseJson(request, text, done);
  });
  app.addContentTypeParser('image/jpeg', { parseAs: 'buffer', bodyLimit: ctx.limits.frame }, (_request, body, done) => done(null, body));

  handleInProcessAborts(app);
  const authenticate = createAuthenticator(ctx.apiKeys);
  app.addHook('onRequest', async (request, reply) => {
    const denied = authenticate(request);
    if (denied) return sendHttpError(reply, denied);
  });

  app.addHook('onResponse', async (request, reply) => {
    ctx.metrics.inc('ovs_http_requests_total', {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    });
  });

  app.setErrorHandler((error, request, reply) => {
    const answer = httpErrorFor(error as Error, request, ctx.limits);
    if (answer !== error && answer.status >= 500) {
      request.log.error({ err: error, method: request.method, url: request.url.slice(0, 300) }, 'request failed');
    } else {
      request.log.debug({ status: answer.status, code: answer.code, url: request.url.slice(0, 300) }, 'request refused');
    }
    return sendHttpError(reply, answer);
  });
  app.setNotFoundHandler((request, reply) => sendHttpError(reply, notFound(request)));

  publicRoutes(app, ctx);
  streamRoutes(app, ctx);
  chatRoutes(app, ctx);
  return app;
}
