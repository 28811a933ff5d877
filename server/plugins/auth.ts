// Bearer tokens for ingest/roster and region-scoped tokens for walls. Auth is off only on a
// loopback HOST with no tokens configured (config refuses that anywhere else).
import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config, Operator } from '../config.ts';
import { containsCode } from '../../geo/codes.ts';
import { ANY_REGION } from '../push/scope.ts';
import { Lockout } from './lockout.ts';
import { registryArea } from '../../geo/registry.ts';

/** the region read routes default to: the deployment's area (AREA) */
export const defaultRegion = (): string => registryArea();

export interface Auth {
  /** onRequest hook: 401 unless `Authorization: Bearer <ingest token>` */
  requireIngest: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
  /** onRequest hook of the read API: with screen auth on, a screen token whose scope covers
   * `?region=` (or an ingest token) is needed: 401 without, 403 outside the scope */
  requireRegionScope: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
  /** the region a screen token may join ('*' = anywhere, when screen auth is off); null = bad token */
  screenScope: (token: string | undefined) => string | null;
  /** onRequest hook of the operators' routes (issue 10): 401 unless `Authorization: Bearer
   * <operator token>`; sets `request.operator` */
  requireOperator: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
  /** who an operator token is; null for anything else */
  operator: (token: string | undefined) => Operator | null;
  /** the source an ingest token names (INGEST_TOKENS token:source); null when none */
  sourceOf: (token: string | undefined) => string | null;
  /** another kind of token the read API accepts, by its scope (a presenter's pairing session,
   * issue 11: the tablet reads region names and alerts of its scope); null: not one */
  addReadScope: (scopeOf: (token: string) => Promise<string | null>) => void;
  /** the region a token may read ('*' = anywhere, when screen auth is off): an operator's, a
   * screen token's or one of the added kinds'; null = none of them */
  readScope: (token: string | undefined) => Promise<string | null>;
  ingestAuth: boolean;
  screenAuth: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: Auth;
  }
  interface FastifyRequest {
    /** set by auth.requireOperator */
    operator?: Operator;
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time lookup: every candidate is compared, whatever matches first (also the
 * operations tokens' check, plugins/security.ts). */
export function tokenMatcher(tokens: string[]): (candidate: string) => number {
  const digests = tokens.map(digest);
  return (candidate) => {
    const d = digest(candidate);
    let found = -1;
    digests.forEach((t, i) => {
      if (timingSafeEqual(t, d) && found < 0) found = i;
    });
    return found;
  };
}

export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

export default fp<{ config: Config; now?: () => number }>(
  async (fastify, { config, now }) => {
    const ingest = tokenMatcher(config.ingestTokens);
    const screenEntries = [...config.screenTokens.entries()];
    const screen = tokenMatcher(screenEntries.map(([t]) => t));
    const operatorEntries = [...config.operators.entries()];
    const operatorMatch = tokenMatcher(operatorEntries.map(([t]) => t));
    const ingestSources = [...config.ingestSources.entries()];
    const sourceMatch = tokenMatcher(ingestSources.map(([t]) => t));
    if (!config.ingestAuth) fastify.log.warn('INGEST_TOKENS is empty: ingest and roster accept anyone (loopback only)');
    if (!config.screenAuth) fastify.log.warn('SCREEN_TOKENS is empty: any wall may join any region (loopback only)');

    // lockout: too many failed token checks from one address → 429 for a while, right token or not
    const lockout = new Lockout({
      limit: config.AUTH_FAIL_LIMIT,
      windowMs: config.AUTH_FAIL_WINDOW_S * 1000,
      lockoutMs: config.AUTH_LOCKOUT_S * 1000,
      ...(now ? { now } : {}),
    });
    const lockedOut = (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined => {
      const ms = lockout.lockedForMs(request.ip);
      if (ms <= 0) return undefined;
      const s = Math.ceil(ms / 1000);
      return reply
        .code(429)
        .header('Retry-After', String(s))
        .send({
          statusCode: 429,
          error: 'Too Many Requests',
          message: `too many failed token checks from this address; locked out, retry in ${s} s`,
        });
    };
    const failed = (request: FastifyRequest): void => {
      if (lockout.fail(request.ip)) request.log.warn({ address: request.ip }, 'address locked out after failed tokens');
    };

    const readScopes: ((token: string) => Promise<string | null>)[] = [];
    const extraScope = async (token: string | undefined): Promise<string | null> => {
      if (token === undefined || token.length === 0) return null;
      for (const scopeOf of readScopes) {
        const scope = await scopeOf(token).catch(() => null);
        if (scope !== null) return scope;
      }
      return null;
    };
    const auth: Auth = {
      addReadScope: (scopeOf) => void readScopes.push(scopeOf),
      readScope: async (token) => auth.operator(token)?.region ?? auth.screenScope(token) ?? (await extraScope(token)),
      ingestAuth: config.ingestAuth,
      screenAuth: config.screenAuth,
      async requireIngest(request, reply) {
        if (!config.ingestAuth) return undefined;
        if (lockedOut(request, reply)) return reply;
        const token = bearer(request.headers.authorization);
        if (token === undefined || ingest(token) < 0) {
          failed(request);
          reply.header('WWW-Authenticate', 'Bearer');
          return reply
            .code(401)
            .send({ statusCode: 401, error: 'Unauthorized', message: 'missing or invalid bearer token' });
        }
        lockout.succeed(request.ip);
        return undefined;
      },
      async requireRegionScope(request, reply) {
        if (!config.screenAuth) return undefined;
        if (lockedOut(request, reply)) return reply;
        const token = bearer(request.headers.authorization);
        if (token !== undefined && config.ingestAuth && ingest(token) >= 0) return undefined;
        const scope = await auth.readScope(token);
        if (scope === null) {
          failed(request);
          reply.header('WWW-Authenticate', 'Bearer');
          return reply.code(401).send({
            statusCode: 401,
            error: 'Unauthorized',
            message: 'a screen token is needed (Authorization: Bearer)',
          });
        }
        const region = (request.query as { region?: unknown }).region;
        const code = typeof region === 'string' ? region : defaultRegion();
        if (scope !== ANY_REGION && !containsCode(scope, code)) {
          return reply.code(403).send({
            statusCode: 403,
            error: 'Forbidden',
            message: `this token may read ${scope} and the regions below it, not ${code}`,
          });
        }
        return undefined;
      },
      async requireOperator(request, reply) {
        if (lockedOut(request, reply)) return reply;
        const op = auth.operator(bearer(request.headers.authorization));
        if (!op) {
          failed(request);
          reply.header('WWW-Authenticate', 'Bearer');
          return reply.code(401).send({
            statusCode: 401,
            error: 'Unauthorized',
            message:
              config.operators.size === 0
                ? 'no operators are configured (OPERATOR_TOKENS)'
                : 'an operator token is needed (Authorization: Bearer)',
          });
        }
        lockout.succeed(request.ip);
        request.operator = op;
        return undefined;
      },
      operator(token) {
        if (typeof token !== 'string' || token.length === 0 || operatorEntries.length === 0) return null;
        const i = operatorMatch(token);
        return i < 0 ? null : (operatorEntries[i]?.[1] ?? null);
      },
      sourceOf(token) {
        if (typeof token !== 'string' || token.length === 0 || ingestSources.length === 0) return null;
        const i = sourceMatch(token);
        return i < 0 ? null : (ingestSources[i]?.[1] ?? null);
      },
      screenScope(token) {
        if (!config.screenAuth) return ANY_REGION;
        if (typeof token !== 'string' || token.length === 0) return null;
        const i = screen(token);
        return i < 0 ? null : (screenEntries[i]?.[1] ?? null);
      },
    };
    fastify.decorate('auth', auth);
  },
  { name: 'auth' },
);
