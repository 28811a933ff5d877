// The HTTP surface (issue 9): security headers (helmet: CSP, nosniff, Referrer-Policy,
// frame-ancestors), CORS closed unless CORS_ORIGINS lists an origin, a Host allow-list against
// DNS rebinding (ALLOWED_HOSTS; on by default in token-less mode), foreign Origins refused on
// HTTP and on the WebSocket handshake, /metrics and /docs behind a token off loopback, and the
// logger's redaction of tokens. See server/README.md, "Security".
import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { stdSerializers } from 'pino';
import {
  allowedHostList,
  corsOriginList,
  frameAncestorList,
  isLoopback,
  normalizeHostName,
  opsTokenList,
  shortTokens,
  MIN_TOKEN_LENGTH,
  type Config,
} from '../config.ts';
import { bearer, tokenMatcher } from './auth.ts';

export interface Surface {
  /** host names the server answers to; null: any (tokens configured, ALLOWED_HOSTS not set) */
  allowedHosts: ReadonlySet<string> | null;
  /** origins besides the server's own that browsers may use (CORS_ORIGINS) */
  corsOrigins: ReadonlySet<string>;
  /** CSP frame-ancestors sources */
  frameAncestors: string[];
  /** onRequest hook of /metrics and /docs: 401 unless the caller may see operations data */
  requireOps: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
  /** whether this caller may see /metrics and /docs */
  opsAllowed: (request: FastifyRequest) => boolean;
  /** whether this caller may see the store's internals in /readyz (its data path, errors): an
   * operations token presented, or a server with no tokens at all on loopback */
  internalsAllowed: (request: FastifyRequest) => boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    surface: Surface;
  }
}

/** The loopback names a token-less server answers to by default, with its listen address. */
export const LOOPBACK_HOST_NAMES = ['localhost', '127.0.0.1', '::1'];

/** Host names allowed in the Host header, or null when any host is (see Surface.allowedHosts). */
export function allowedHosts(config: Config): Set<string> | null {
  const listed = allowedHostList(config.ALLOWED_HOSTS);
  if (listed.length > 0) return new Set(listed);
  // anyone on a token-less server can read (and, without ingest tokens, write): only its own names
  if (!config.ingestAuth || !config.screenAuth)
    return new Set([...LOOPBACK_HOST_NAMES, normalizeHostName(config.HOST)]);
  return null;
}

/** The host name of a Host header ("[::1]:8080" → "::1", "Example.org:80" → "example.org"). */
export function hostNameOf(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? undefined : h.slice(1, end);
  }
  const colon = h.indexOf(':');
  // more than one colon: an IPv6 literal without brackets (not valid in Host, kept whole)
  const name = colon >= 0 && h.indexOf(':', colon + 1) < 0 ? h.slice(0, colon) : h;
  return name.replace(/\.$/, '');
}

/**
 * Whether a browser page of `origin` may talk to this server reached as `host` (the Host
 * header): no Origin (a non-browser client; the tokens decide), the server's own origin, or one
 * of CORS_ORIGINS. "null" (sandboxed frames, file:) and anything else are foreign.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  corsOrigins: ReadonlySet<string>,
): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (host !== undefined && sameHost(url, host)) return true;
  return corsOrigins.has(url.origin);
}

/** The page's origin names the host the request reached (a Host without port: the scheme's). */
function sameHost(origin: URL, host: string): boolean {
  const name = hostNameOf(host);
  if (name === undefined || name !== normalizeHostName(origin.hostname)) return false;
  const m = /:(\d+)$/.exec(host.trim());
  const defaultPort = origin.protocol === 'https:' ? '443' : '80';
  // "[::1]" has no port; "[::1]:8080" has
  const hostPort = m && !host.trim().endsWith(']') ? m[1] : undefined;
  return (origin.port || defaultPort) === (hostPort ?? defaultPort);
}

function serializedOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return 'null';
  }
}

/** Why a request or WebSocket handshake is refused before any route sees it, or null. */
function refusal(
  surface: Pick<Surface, 'allowedHosts' | 'corsOrigins'>,
  headers: IncomingMessage['headers'],
): { status: 421 | 403; message: string } | null {
  const { host, origin } = headers;
  if (surface.allowedHosts) {
    const name = hostNameOf(host);
    if (name === undefined || !surface.allowedHosts.has(name)) {
      return {
        status: 421,
        message:
          `this server does not answer to the host name ${JSON.stringify(String(host ?? '').slice(0, 80))}; ` +
          'add it to ALLOWED_HOSTS if it is one of its names',
      };
    }
  }
  if (!originAllowed(origin, host, surface.corsOrigins)) {
    return {
      status: 403,
      message: `pages of ${JSON.stringify(String(origin).slice(0, 80))} may not use this server; see CORS_ORIGINS`,
    };
  }
  return null;
}

/**
 * Engine.IO's allowRequest for the Socket.IO server: the WebSocket handshake passes the same
 * Host allow-list and Origin check as HTTP (the namespaces then check the token).
 */
export function socketGuard(
  config: Config,
  onRefused?: (req: IncomingMessage, status: 421 | 403, message: string) => void,
): (req: IncomingMessage, cb: (err: string | null, ok: boolean) => void) => void {
  const surface = { allowedHosts: allowedHosts(config), corsOrigins: new Set(corsOriginList(config.CORS_ORIGINS)) };
  return (req, cb) => {
    const refused = refusal(surface, req.headers);
    if (refused) onRefused?.(req, refused.status, refused.message);
    cb(refused ? refused.message : null, refused === null);
  };
}

// ---- logs: tokens never reach them ----

const TOKEN_IN_URL = /([?&](?:token|access_token)=)[^&#\s"']*/gi;
const BEARER_IN_TEXT = /(\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]+/gi;
export const REDACTED = '[redacted]';

/** A URL or message with `?token=` values and bearer credentials replaced by [redacted]. */
export function redactText(text: string): string {
  return text.replace(TOKEN_IN_URL, `$1${REDACTED}`).replace(BEARER_IN_TEXT, `$1${REDACTED}`);
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * Pino options every entry point's logger takes: the request serializer logs the URL without
 * token values (access and error logs), header credentials are censored, and messages (e.g.
 * Fastify's "Route GET:/x?token=… not found") are redacted the same way.
 */
export const logRedaction = {
  redact: {
    paths: [
      'req.headers.authorization',
      'req.headers.cookie',
      'headers.authorization',
      'headers.cookie',
      'req.query.token',
      'query.token',
      'auth.token',
      'handshake.auth.token',
    ],
    censor: REDACTED,
  },
  serializers: {
    req(request: LoggedRequest) {
      return {
        method: request.method,
        url: typeof request.url === 'string' ? redactText(request.url) : request.url,
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      };
    },
    err(err: Error) {
      const out = stdSerializers.err(err);
      if (typeof out.message === 'string') out.message = redactText(out.message);
      if (typeof out.stack === 'string') out.stack = redactText(out.stack);
      return out;
    },
  },
  hooks: {
    logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
      method.apply(
        this,
        args.map((a) => (typeof a === 'string' ? redactText(a) : a)),
      );
    },
  },
} satisfies Partial<Exclude<FastifyServerOptions['logger'], boolean | undefined>>;

// ---- the plugin ----

/** A source safe to put in a CSP directive (a Host header is the client's to choose). */
const CSP_HOST_RE = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

function mapStyleOrigin(config: Config): string | null {
  const url = config.MAP_STYLE_URL;
  return url !== undefined && /^https?:\/\//i.test(url) ? new URL(url).origin : null;
}

export default fp<{ config: Config }>(
  async (fastify, { config }) => {
    const hosts = allowedHosts(config);
    const corsOrigins = new Set(corsOriginList(config.CORS_ORIGINS));
    const frameAncestors = frameAncestorList(config.FRAME_ANCESTORS);
    const opsTokens = [...opsTokenList(config.OPS_TOKENS), ...config.ingestTokens];
    const opsMatch = tokenMatcher(opsTokens);
    // open on loopback unless OPS_TOKENS asks for a token; off loopback a token (ops or ingest)
    const opsOpen = isLoopback(config.HOST) && opsTokenList(config.OPS_TOKENS).length === 0;

    for (const variable of shortTokens(config)) {
      fastify.log.warn(
        `${variable} has tokens shorter than ${MIN_TOKEN_LENGTH} characters: accepted on loopback only ` +
          '(a non-loopback HOST refuses to start)',
      );
    }
    if (hosts) fastify.log.info({ allowedHosts: [...hosts] }, 'host allow-list on');

    const noTokens = !config.ingestAuth && !config.screenAuth && opsTokenList(config.OPS_TOKENS).length === 0;
    const opsToken = (request: FastifyRequest): boolean => {
      const { authorization } = request.headers;
      let token = bearer(authorization);
      // Basic (any user name, the token as password): a browser can open /docs
      const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
      if (token === undefined && basic) {
        const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
        token = decoded.slice(decoded.indexOf(':') + 1);
      }
      return token !== undefined && token.length > 0 && opsMatch(token) >= 0;
    };
    const opsAllowed = (request: FastifyRequest): boolean => opsOpen || opsToken(request);
    const surface: Surface = {
      allowedHosts: hosts,
      corsOrigins,
      frameAncestors,
      opsAllowed,
      internalsAllowed: (request) => (noTokens && isLoopback(config.HOST)) || opsToken(request),
      async requireOps(request, reply) {
        if (opsAllowed(request)) return undefined;
        // Basic makes a browser ask for it (user name: anything; password: the token)
        reply.header('WWW-Authenticate', 'Bearer, Basic realm="ZHDJ Screen operations", charset="UTF-8"');
        return reply.code(401).send({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'an operations token is needed (Authorization: Bearer; OPS_TOKENS or INGEST_TOKENS)',
        });
      },
    };
    fastify.decorate('surface', surface);

    const styleOrigin = mapStyleOrigin(config);
    const extra = styleOrigin ? [styleOrigin] : [];
    await fastify.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'base-uri': ["'self'"],
          'script-src': ["'self'"],
          'script-src-attr': ["'none'"],
          // the built screen has no inline <style>; React, MapLibre and ECharts set styles
          // through the CSSOM (element.style), which style-src does not govern
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:', 'blob:', ...extra],
          'font-src': ["'self'", 'data:'],
          // Socket.IO over ws:/wss: of the very host the page came from
          'connect-src': [
            "'self'",
            (req: IncomingMessage) => {
              const host = req.headers.host ?? '';
              return CSP_HOST_RE.test(host) ? `ws://${host} wss://${host}` : "'self'";
            },
            ...extra,
          ],
          // MapLibre's workers (a script of its own, or a blob: URL), deck.gl/loaders.gl's
          'worker-src': ["'self'", 'blob:'],
          'child-src': ["'self'", 'blob:'],
          'frame-src': ["'none'"],
          'object-src': ["'none'"],
          'form-action': ["'self'"],
          'frame-ancestors': frameAncestors,
          'manifest-src': ["'self'"],
        },
      },
      // X-Frame-Options for browsers without frame-ancestors: only when it says the same
      xFrameOptions:
        frameAncestors.length === 1 && frameAncestors[0] === "'none'"
          ? { action: 'deny' }
          : frameAncestors.length === 1 && frameAncestors[0] === "'self'"
            ? { action: 'sameorigin' }
            : false,
      // the wall's URL carries ?token=: never in a Referer
      referrerPolicy: { policy: 'no-referrer' },
      // TLS is a reverse proxy's business; HSTS over it is its decision
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: false,
    });

    // Before any route (and after helmet, so a refusal carries the headers too)
    fastify.addHook('onRequest', async (request, reply) => {
      const refused = refusal(surface, request.headers);
      if (!refused) return undefined;
      return reply.code(refused.status).send({
        statusCode: refused.status,
        error: refused.status === 421 ? 'Misdirected Request' : 'Forbidden',
        message: refused.message,
      });
    });

    // CORS: no Access-Control-Allow-Origin unless the Origin is listed in CORS_ORIGINS
    await fastify.register(cors, {
      origin: (origin, cb) => cb(null, origin !== undefined && corsOrigins.has(serializedOrigin(origin))),
      methods: ['GET', 'HEAD', 'POST', 'PUT'],
      allowedHeaders: ['authorization', 'content-type'],
      exposedHeaders: ['retry-after'],
      maxAge: 600,
    });
  },
  { name: 'security' },
);
