// Admission control: overload is refused early and cheaply, before a request costs memory or
// CPU. Three gates, all answering 503 + Retry-After:
// - pressure (@fastify/under-pressure): mean event-loop delay, V8 heap used, RSS above their
//   limits, on the API (/api/…: the work worth refusing); /healthz keeps answering, /readyz says
//   why it is not ready, and the wall's files, geography and docs are served (cheap, and a wall
//   that starts during a burst needs them);
// - the body budget: request bodies in flight, all together, stay under BODY_BUDGET_BYTES
//   (checked from Content-Length before a byte is buffered, counted as it arrives otherwise);
// - closing: once close has begun, new requests get 503 + Connection: close, in-flight ones
//   finish with Connection: close, and idle keep-alive connections are closed so that
//   server.close() ends (Fastify's own 503 while closing carries no Retry-After: it is off).
import { Transform, type Readable } from 'node:stream';
import { getHeapStatistics } from 'node:v8';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import underPressure from '@fastify/under-pressure';
import { Counter } from 'prom-client';
import type { Config } from '../config.ts';

/** Pressure refuses only these routes' requests (the API); everything else answers. */
export const PRESSURE_GATED = (url: string): boolean => url.startsWith('/api/');
/** share of V8's heap limit that PRESSURE_MAX_HEAP_BYTES=0 means */
const HEAP_SHARE = 0.9;
/** while closing, idle keep-alive connections are closed this often (a request that was in
 * flight when close began leaves its connection idle when it ends) */
const CLOSE_IDLE_EVERY_MS = 100;
const MIB = 1024 * 1024;

/** A refusal with its status and Retry-After; app.ts's error handler answers it as is. */
export class AdmissionError extends Error {
  constructor(
    readonly statusCode: 413 | 503,
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'AdmissionError';
  }
}

export interface Pressure {
  /** why the process refuses work now (pressure or closing); null when it takes work */
  reason(): string | null;
  /** bytes of request bodies in flight */
  bodyBytesInFlight(): number;
}

declare module 'fastify' {
  interface FastifyInstance {
    pressure: Pressure;
  }
}

const mib = (n: number): string => `${Math.round(n / MIB)} MiB`;

export function heapLimitBytes(config: Pick<Config, 'PRESSURE_MAX_HEAP_BYTES'>): number {
  return config.PRESSURE_MAX_HEAP_BYTES > 0
    ? config.PRESSURE_MAX_HEAP_BYTES
    : Math.floor(getHeapStatistics().heap_size_limit * HEAP_SHARE);
}

interface Sample {
  eventLoopDelay: number;
  heapUsed: number;
  rssBytes: number;
  eventLoopUtilized: number;
}

/** The first limit a sample exceeds, in words; null when none. Pure. */
export function pressureReason(
  s: Sample,
  limits: { eventLoopDelayMs: number; heapBytes: number; rssBytes: number; eventLoopUtilization: number },
): string | null {
  if (limits.eventLoopDelayMs > 0 && s.eventLoopDelay > limits.eventLoopDelayMs) {
    // no sample in a whole interval: the loop was blocked all along (under-pressure says Infinity)
    const delay = Number.isFinite(s.eventLoopDelay) ? `${Math.round(s.eventLoopDelay)} ms` : 'a whole sample interval';
    return `event loop delay ${delay} > ${limits.eventLoopDelayMs} ms`;
  }
  if (limits.heapBytes > 0 && s.heapUsed > limits.heapBytes)
    return `heap used ${mib(s.heapUsed)} > ${mib(limits.heapBytes)}`;
  if (limits.rssBytes > 0 && s.rssBytes > limits.rssBytes)
    return `resident memory ${mib(s.rssBytes)} > ${mib(limits.rssBytes)}`;
  const pct = (share: number) => `${Math.round(share * 100)} %`;
  if (limits.eventLoopUtilization > 0 && s.eventLoopUtilized > limits.eventLoopUtilization)
    return `event loop busy ${pct(s.eventLoopUtilized)} > ${pct(limits.eventLoopUtilization)}`;
  return null;
}

export default fp<{ config: Config }>(
  async (fastify, { config }) => {
    const retryAfterS = config.PRESSURE_RETRY_AFTER_S;
    const limits = {
      eventLoopDelayMs: config.PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
      eventLoopUtilization: config.PRESSURE_MAX_EVENT_LOOP_UTILIZATION_PCT / 100,
      heapBytes: heapLimitBytes(config),
      rssBytes: config.PRESSURE_MAX_RSS_BYTES,
    };
    const refused = new Counter({
      name: 'zhdj_http_refused_total',
      help: 'Requests refused by admission control (pressure, body budget, closing)',
      labelNames: ['reason'] as const,
      registers: [fastify.metrics.registry],
    });
    let closing = false;
    // A refused request's body is not read: its connection ends with the answer (Node would
    // otherwise read and discard the whole body to keep the connection — the cost refusing
    // must not have).
    const dropBody = (reply: FastifyReply) => {
      const h = reply.request.headers;
      if (h['transfer-encoding'] !== undefined || Number(h['content-length'] ?? 0) > 0)
        reply.header('Connection', 'close');
    };
    let bodyBytes = 0;

    const unavailable = (reply: FastifyReply, message: string) => {
      reply.code(503).header('Retry-After', String(retryAfterS));
      dropBody(reply);
      return { statusCode: 503, error: 'Service Unavailable', message };
    };

    // Registered before every other onRequest hook (app.ts registers this plugin first).
    fastify.addHook('onRequest', async (request, reply) => {
      if (!closing) return undefined;
      refused.inc({ reason: 'closing' });
      reply.header('Connection', 'close');
      return reply.send(unavailable(reply, 'the server is shutting down; retry shortly (another instance)'));
    });
    await fastify.register(underPressure, {
      maxEventLoopDelay: limits.eventLoopDelayMs,
      maxEventLoopUtilization: limits.eventLoopUtilization,
      eventLoopUtilizationMode: 'interval',
      maxHeapUsedBytes: limits.heapBytes,
      maxRssBytes: limits.rssBytes,
      sampleInterval: config.PRESSURE_SAMPLE_INTERVAL_MS,
      retryAfter: retryAfterS,
      // what this returns is sent (undefined: the request goes on); the types say void
      pressureHandler: ((request: FastifyRequest, reply: FastifyReply, type: string) => {
        if (!PRESSURE_GATED(request.routeOptions.url ?? request.url)) return undefined;
        // a busy loop is refused to writes (ingest, roster: the work that makes it busy); the
        // walls' few reads (config, org points) still answer
        if (type === 'eventLoopUtilization' && (request.method === 'GET' || request.method === 'HEAD'))
          return undefined;
        refused.inc({ reason: type });
        const why = pressureReason(fastify.memoryUsage(), limits) ?? type;
        return unavailable(reply, `overloaded (${why}); retry later`);
      }) as unknown as (request: FastifyRequest, reply: FastifyReply, type: string) => void,
    });

    // The body budget. A declared body is reserved whole before it is read; a chunked one
    // chunk by chunk. Released when the response ends or the connection drops.
    fastify.addHook('preParsing', async (request, reply, payload) => {
      const declared = request.headers['content-length'];
      if (declared === undefined && request.headers['transfer-encoding'] === undefined) return payload;
      let held = 0;
      const release = () => {
        bodyBytes -= held;
        held = 0;
      };
      reply.raw.once('close', release);
      if (declared !== undefined) {
        const n = Number(declared);
        if (n > config.BODY_BUDGET_BYTES) {
          refused.inc({ reason: 'body_budget' });
          dropBody(reply);
          throw new AdmissionError(413, `a body of ${n} bytes is larger than the body budget`);
        }
        if (bodyBytes + n > config.BODY_BUDGET_BYTES) {
          refused.inc({ reason: 'body_budget' });
          dropBody(reply);
          throw new AdmissionError(503, 'too many request bodies in flight; retry later', retryAfterS);
        }
        bodyBytes += n;
        held = n;
        return payload;
      }
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          if (bodyBytes + chunk.length > config.BODY_BUDGET_BYTES) {
            refused.inc({ reason: 'body_budget' });
            dropBody(reply);
            done(new AdmissionError(503, 'too many request bodies in flight; retry later', retryAfterS));
            return;
          }
          bodyBytes += chunk.length;
          held += chunk.length;
          done(null, chunk);
        },
      });
      (payload as Readable).on('error', (err) => counted.destroy(err));
      return (payload as Readable).pipe(counted);
    });

    // Closing. onSend: a request in flight when close began ends its connection with it.
    fastify.addHook('onSend', async (_request, reply, payload) => {
      if (closing) reply.header('Connection', 'close');
      return payload;
    });
    let reaper: NodeJS.Timeout | undefined;
    fastify.addHook('preClose', async () => {
      closing = true;
      reaper = setInterval(() => fastify.server.closeIdleConnections(), CLOSE_IDLE_EVERY_MS);
      reaper.unref();
    });
    fastify.addHook('onClose', async () => clearInterval(reaper));

    fastify.decorate('pressure', {
      reason: () => (closing ? 'shutting down' : pressureReason(fastify.memoryUsage(), limits)),
      bodyBytesInFlight: () => bodyBytes,
    } satisfies Pressure);
  },
  { name: 'pressure', dependencies: ['metrics'] },
);
