// The application as a Fastify plugin. It never listens: server.ts does, and tests inject.
import { STATUS_CODES } from 'node:http';
import { LogController, type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { Config } from './config.ts';
import { UnknownRegionError } from './contract/errors.ts';
import { useArea } from './area.ts';
import { StoreUnavailableError, type Store } from './store/types.ts';
import alertsPlugin from './plugins/alerts/index.ts';
import alertsConsole from './plugins/alerts/console.ts';
import controlPlugin from './plugins/control/index.ts';
import audit from './plugins/audit.ts';
import auth from './plugins/auth.ts';
import docs from './plugins/docs.ts';
import limits from './plugins/limits.ts';
import metrics from './plugins/metrics.ts';
import security from './plugins/security.ts';
import pressure, { AdmissionError } from './plugins/pressure.ts';
import replay from './plugins/replay.ts';
import socket from './plugins/socket.ts';
import staticFiles from './plugins/static.ts';
import storePlugin from './plugins/store.ts';
import push from './push/screen.ts';
import alertRoutes from './routes/api/v1/alerts.ts';
import controlRoutes from './routes/api/v1/control.ts';
import events from './routes/api/v1/events/index.ts';
import read from './routes/api/v1/read.ts';
import replayRoutes from './routes/api/v1/replay.ts';
import roster from './routes/api/v1/roster.ts';
import ops from './routes/ops.ts';

export interface AppOptions {
  config: Config;
  /** a store built by the caller (it then opens and closes it) */
  store?: Store;
  /** serve the screen from here instead of dist/screen/ */
  screenDir?: string;
  /** the audit log's clock (tests) */
  auditNow?: () => number;
  /** the alert service's clock, and `manual`: no interval, the test calls `alerts.tick()` */
  alerts?: { now?: () => number; manual?: boolean };
  /** the rooms' clock, and `manual`: no tick, the test calls `control.tick()` */
  control?: { now?: () => number; manual?: boolean };
  /** the replay recorder's clock, and `manual`: no timer, the test calls `replay.record(now)` */
  replay?: { now?: () => number; manual?: boolean };
  /** MemoryStore: move corrupt log records aside at open (`--repair` on the command line) */
  repair?: boolean;
}

/** Fastify options the entry points share (logger aside). */
export function serverOptions(config: Config): FastifyServerOptions {
  return {
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Walls and senders identify themselves by token, not by a proxy header.
    trustProxy: false,
    // Senders post several batches a second; per-request info lines would drown the log.
    // Errors and refused batches are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // admission: closing answers 503 + Retry-After itself (plugins/pressure.ts); idle
    // keep-alive connections are closed so that close() ends
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // registration opens the store (replaying its log) and reads the area's geography: the whole
    // country's registry and a long log take longer than Fastify's 10 s default
    pluginTimeout: 120_000,
  };
}

async function app(fastify: FastifyInstance, opts: AppOptions): Promise<void> {
  const { config } = opts;
  // unknown configuration (a typo such as REDIS_ULR) is not silently ignored
  for (const warning of config.warnings) fastify.log.warn(warning);
  fastify.setValidatorCompiler(TypeBoxValidatorCompiler);
  fastify.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof UnknownRegionError) {
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: err.message });
    }
    // the store down, frozen or refusing writes: 503 on every route, never 500
    if (err instanceof StoreUnavailableError) {
      request.log.warn({ err }, 'store unavailable');
      return reply
        .code(503)
        .header('Retry-After', String(err.retryAfterS))
        .send({ statusCode: 503, error: 'Service Unavailable', message: 'the store is unavailable; retry shortly' });
    }
    // overload and the body budget: 503 + Retry-After, or 413 (plugins/pressure.ts)
    if (err instanceof AdmissionError) {
      if (err.retryAfterS !== undefined) reply.header('Retry-After', String(err.retryAfterS));
      return reply
        .code(err.statusCode)
        .send({ statusCode: err.statusCode, error: STATUS_CODES[err.statusCode], message: err.message });
    }
    const status = err.validation ? 400 : (err.statusCode ?? 500);
    if (status >= 500) {
      // details stay in the log
      request.log.error({ err }, 'request failed');
      return reply
        .code(status)
        .send({ statusCode: status, error: 'Internal Server Error', message: 'internal error; see the server log' });
    }
    return reply
      .code(status)
      .send({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: err.message, code: err.code });
  });

  // the area's geography first: the registry answers for it from here on
  useArea(config.AREA, config.GEO_DIR);
  // surface (issue 9): headers, Host allow-list, Origin, CORS first, so every answer has them
  await fastify.register(security, { config });
  await fastify.register(metrics);
  await fastify.register(pressure, { config });
  await fastify.register(auth, { config });
  await fastify.register(limits, { config });
  await fastify.register(storePlugin, {
    config,
    ...(opts.store ? { store: opts.store } : {}),
    repair: opts.repair === true,
  });
  // audit: before the routes and the sockets, which record to it
  await fastify.register(audit, { config, ...(opts.auditNow ? { now: opts.auditNow } : {}) });
  // alerts (issue 10): before the wall transport, whose frames carry the alert panel
  await fastify.register(alertsPlugin, { config, ...opts.alerts });
  await fastify.register(socket, { config });
  await fastify.register(push, { config });
  await fastify.register(alertsConsole);
  await fastify.register(controlPlugin, { config, ...opts.control });
  await fastify.register(replay, { config, ...opts.replay });
  await fastify.register(docs);

  await fastify.register(ops);
  await fastify.register(events, {
    prefix: '/api/v1',
    retentionDays: config.RETENTION_DAYS,
    bodyLimit: config.BODY_LIMIT_BYTES,
  });
  await fastify.register(roster, { prefix: '/api/v1' });
  await fastify.register(read, { prefix: '/api/v1', config });
  await fastify.register(alertRoutes, { prefix: '/api/v1' });
  await fastify.register(controlRoutes, { prefix: '/api/v1', ...(opts.control?.now ? { now: opts.control.now } : {}) });
  await fastify.register(replayRoutes, { prefix: '/api/v1' });
  await fastify.register(staticFiles, opts.screenDir ? { screenDir: opts.screenDir } : {});
}

// fp: the app's decorators (store, io, metrics) are visible to whoever registers it.
export default fp(app, { name: 'zhdj-app' });
