// Per-token rate limits (@fastify/rate-limit), opt-in per route:
//   config: { rateLimit: fastify.limits.perToken(config.RATE_LIMIT_X_PER_MIN) }
// The key is a hash of the bearer token (never the token itself, in Redis or in logs), or the
// remote address when the request carries none (token-less loopback mode). With Redis
// (REDIS_URL or REDIS_CLUSTER_NODES) the counters live there, shared by every process; else in
// memory. A limited route runs the check after its auth hook: wrong tokens are the lockout's
// business (plugins/auth.ts), not counted here. If Redis cannot answer, the request is let
// through (the store answers 503 on its own).
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import type { Config } from '../config.ts';
import { createRedisClient, redisTarget } from '../store/redis/client.ts';
import { bearer } from './auth.ts';

const WINDOW_MS = 60_000;
const RATE_CHECK_TIMEOUT_MS = 500;

export interface Limits {
  /** a route's `config.rateLimit`: at most `perMinute` requests a minute per token (0 = none) */
  perToken(perMinute: number): RateLimitOptions | false;
  ingest: RateLimitOptions | false;
  roster: RateLimitOptions | false;
}

declare module 'fastify' {
  interface FastifyInstance {
    limits: Limits;
  }
}

/** The rate-limit key of a request: `t:` + a hash of its token, or `a:` + its address. */
export function rateKey(request: Pick<FastifyRequest, 'headers' | 'ip'>): string {
  const token = bearer(request.headers.authorization);
  if (token === undefined) return `a:${request.ip}`;
  return `t:${createHash('sha256').update(token).digest('base64url').slice(0, 22)}`;
}

class RateLimitedError extends Error {
  readonly statusCode = 429;
  constructor(message: string) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

export default fp<{ config: Config }>(
  async (fastify, { config }) => {
    const target = redisTarget(config);
    const redis = target
      ? createRedisClient(target, {
          lazyConnect: true,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          // a limit check must not add the store's whole timeout to every request while Redis
          // is frozen: past this it is skipped (skipOnError) and the store answers for itself
          commandTimeout: Math.min(config.REDIS_COMMAND_TIMEOUT_MS, RATE_CHECK_TIMEOUT_MS),
        })
      : undefined;
    if (redis) {
      redis.on('error', (err: Error) => fastify.log.warn({ err }, 'rate-limit redis connection error'));
      // the server starts while Redis is down; the client reconnects by itself
      redis.connect().catch(() => undefined);
      fastify.addHook('onClose', async () => {
        await redis.quit().catch(() => redis.disconnect());
      });
    }
    await fastify.register(rateLimit, {
      global: false,
      skipOnError: true,
      keyGenerator: rateKey,
      ...(redis ? { redis, nameSpace: `${config.REDIS_PREFIX}:ratelimit:` } : {}),
      errorResponseBuilder: (_request, context) =>
        new RateLimitedError(
          `rate limit: at most ${context.max} requests a minute per token; retry in ${Math.ceil(context.ttl / 1000)} s`,
        ),
    });
    const perToken = (perMinute: number): RateLimitOptions | false =>
      perMinute > 0 ? { max: perMinute, timeWindow: WINDOW_MS, keyGenerator: rateKey } : false;
    fastify.decorate('limits', {
      perToken,
      ingest: perToken(config.RATE_LIMIT_INGEST_PER_MIN),
      roster: perToken(config.RATE_LIMIT_ROSTER_PER_MIN),
    } satisfies Limits);
  },
  { name: 'limits', dependencies: ['auth'] },
);
