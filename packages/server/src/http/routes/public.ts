/** Endpoints without auth: the model list, the probes and the metrics. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

export function publicRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/v1/models', async () => ({ object: 'list', data: ctx.registry.list() }));

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const models = ctx.registry.list().map((m) => ({ id: m.id, status: m.status }));
    if (ctx.isClosing()) return reply.code(503).send({ status: 'closing', models });
    return { status: 'ready', models };
  });

  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(ctx.metrics.render()),
  );
}
