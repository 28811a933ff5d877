// The audit log (server/audit/): `fastify.audit.record(entry)` and `.count(entry)` for the
// routes and the wall transport, `.query({ from, to, kind })` for readers. Here too: every
// refusal any route answers (401, 403, 421, 429; 413 and 503 of ingest) is counted per (result,
// route, address, token, hour) — capped, so a flood of bad tokens cannot fill the disk.
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { actorOf, createAuditLog, type AuditLog } from '../audit/index.ts';
import { bearer } from './auth.ts';

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditLog;
  }
}

/** Refusals on any route. */
const REFUSED: Readonly<Record<number, string>> = {
  401: 'unauthorized',
  403: 'forbidden',
  // a Host the server does not answer to (DNS rebinding)
  421: 'misdirected',
  429: 'rate_limited',
};
/** Refusals of a write that are not about who asked (the roster's are in its own record). */
const WRITE_REFUSED: Readonly<Record<number, string>> = { 413: 'too_large', 503: 'unavailable' };
const WRITE_ROUTES = new Set(['POST /api/v1/events']);

export interface AuditPluginOptions {
  config: Config;
  /** the audit's clock (tests) */
  now?: () => number;
}

export default fp<AuditPluginOptions>(
  async (fastify, { config, now }) => {
    const audit = createAuditLog(config, {
      ...(now ? { now } : {}),
      onError: (err, what) => fastify.log.error({ err }, `${what} failed`),
    });
    await audit.open();
    fastify.decorate('audit', audit);
    const authOn = config.ingestAuth || config.screenAuth;

    fastify.addHook('onResponse', async (request, reply) => {
      const status = reply.statusCode;
      if (status < 400) return;
      const action = `${request.method} ${request.routeOptions.url ?? '*'}`;
      const result = REFUSED[status] ?? (WRITE_ROUTES.has(action) ? WRITE_REFUSED[status] : undefined);
      if (result === undefined) return;
      audit.count(
        {
          kind: 'refusal',
          action,
          actor: actorOf(bearer(request.headers.authorization), authOn),
          address: request.ip,
          status,
          result,
        },
        undefined,
        true,
      );
    });
    // after the routes' and sockets' last words: onClose runs once the server has stopped
    fastify.addHook('onClose', async () => audit.close());
  },
  { name: 'audit' },
);
