// Operations: liveness, readiness (store reachable, persistence mode) and Prometheus metrics.
// Off loopback (or with OPS_TOKENS), /metrics needs an operations token and /readyz keeps the
// store's detail (data path, sizes, errors) to callers that present one (plugins/security.ts).
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';

const Health = Type.Object({
  ok: Type.Boolean(),
  engine: Type.String(),
  persistence: Type.String(),
  reason: Type.Optional(Type.String()),
  detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

const ops: FastifyPluginAsync = async (fastify) => {
  fastify.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['ops'],
        response: { 200: Type.Object({ ok: Type.Boolean() }) },
      },
    },
    async () => ({ ok: true }),
  );

  fastify.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: the store is reachable; includes its persistence mode (detail with an operations token)',
        tags: ['ops'],
        response: { 200: Health, 503: Health },
      },
    },
    async (request, reply) => {
      try {
        const health = await fastify.store.health();
        // under pressure or closing: not ready, and why (plugins/pressure.ts)
        const pressure = fastify.pressure.reason();
        const state = pressure !== null ? { ...health, ok: false, reason: pressure } : health;
        // surface (issue 9): the data path and other internals only for an operations caller
        const shown = fastify.surface.internalsAllowed(request) ? state : { ...state, detail: undefined };
        return reply.code(state.ok ? 200 : 503).send(shown);
      } catch (err) {
        fastify.metrics.storeErrors.inc({ op: 'health' });
        request.log.error({ err }, 'store health check failed');
        return reply.code(503).send({
          ok: false,
          engine: fastify.store.engine,
          persistence: 'unknown',
          reason: 'the store health check failed',
        });
      }
    },
  );

  fastify.get(
    '/metrics',
    {
      schema: { summary: 'Prometheus metrics (an operations token off loopback)', tags: ['ops'], hide: false },
      onRequest: fastify.surface.requireOps,
    },
    async (_request, reply) => {
      const { registry } = fastify.metrics;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
};

export default ops;
