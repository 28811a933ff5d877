// Operations: liveness, readiness (store reachable, persistence mode) and Prometheus metrics.
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';

const Health = Type.Object({
  ok: Type.Boolean(),
  engine: Type.String(),
  persistence: Type.String(),
  /** why it is not ready (overload, closing); absent when ready */
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
        summary: 'Readiness: the store is reachable; includes its persistence mode',
        tags: ['ops'],
        response: { 200: Health, 503: Health },
      },
    },
    async (request, reply) => {
      try {
        const health = await fastify.store.health();
        // under pressure or closing: not ready, and why (plugins/pressure.ts)
        const reason = fastify.pressure.reason();
        if (reason !== null) return reply.code(503).send({ ...health, ok: false, reason });
        return reply.code(health.ok ? 200 : 503).send(health);
      } catch (err) {
        fastify.metrics.storeErrors.inc({ op: 'health' });
        request.log.error({ err }, 'store health check failed');
        return reply.code(503).send({ ok: false, engine: fastify.store.engine, persistence: 'unknown' });
      }
    },
  );

  fastify.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['ops'], hide: false } },
    async (_request, reply) => {
      const { registry } = fastify.metrics;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
};

export default ops;
