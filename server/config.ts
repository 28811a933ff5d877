// The environment is a schema: one place lists every variable, its default and its rule.
// A bad value stops the start with a message that names the variable.
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { isAreaCode } from '../geo/area.ts';
import { isRegionCode } from '../geo/codes.ts';

const Int = (def: number, min: number, max: number, description: string) =>
  Type.Integer({ default: def, minimum: min, maximum: max, description });

export const EnvSchema = Type.Object({
  PORT: Int(8080, 0, 65535, 'TCP port'),
  HOST: Type.String({ default: '127.0.0.1', minLength: 1, description: 'listen address' }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'unset → embedded MemoryStore' })),
  REDIS_CLUSTER_NODES: Type.Optional(
    Type.String({
      pattern: '^[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*$',
      description: 'seed nodes host:port,… of a Redis Cluster (instead of REDIS_URL)',
    }),
  ),
  REDIS_MIN_REPLICAS: Int(0, 0, 16, 'replicas that must hold a batch (WAIT) before ingest answers 200'),
  REDIS_COMMAND_TIMEOUT_MS: Int(3000, 100, 60_000, 'a Redis command unanswered this long fails: 503, no heartbeats'),
  REDIS_PREFIX: Type.String({ default: 'zhdj', pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'Redis key prefix' }),
  DATA_DIR: Type.String({ default: '.data/', minLength: 1, description: 'embedded store directory' }),
  AREA: Type.String({
    default: '610100',
    pattern: '^\\d{6}$',
    description: 'what the deployment covers: a province XX0000, a prefecture-level unit XXXX00, or 100000 (China)',
  }),
  GEO_DIR: Type.Optional(
    Type.String({ minLength: 1, description: "the area's built geography (default geo/data/ or geo/areas/AREA/)" }),
  ),
  FRAME_INTERVAL_MS: Int(1000, 50, 60_000, 'push coalescing interval'),
  TIME_ZONE: Type.String({ default: 'Asia/Shanghai', minLength: 1, description: 'IANA zone of today/month/quarter' }),
  RETENTION_DAYS: Int(35, 1, 3650, 'events older than this are rejected and forgotten'),
  OVERDUE_DAYS: Int(15, 1, 365, 'open transfers older than this are overdue'),
  OUT_OF_CONTACT_DAYS: Int(30, 1, 365, 'floating members silent this long are out of contact'),
  BODY_LIMIT_BYTES: Int(16 * 1024 * 1024, 1024, 1024 * 1024 * 1024, 'largest request body'),
  INGEST_TOKENS: Type.String({
    default: '',
    description: 'comma list of bearer tokens for ingest and roster, each token or token:source (its upstream system)',
  }),
  SCREEN_TOKENS: Type.String({ default: '', description: 'comma list of token:regionCode for walls' }),
  MAP_STYLE_URL: Type.Optional(Type.String({ minLength: 1, description: 'MapLibre style for the screen' })),
  // surface (issue 9): who may talk to the server over HTTP and WebSocket
  ALLOWED_HOSTS: Type.String({
    default: '',
    description: 'comma list of host names the server answers to (any port); default in token-less mode: loopback',
  }),
  CORS_ORIGINS: Type.String({
    default: '',
    description: 'comma list of origins (https://portal.example) allowed by CORS',
  }),
  FRAME_ANCESTORS: Type.String({ default: "'none'", description: "CSP frame-ancestors: 'none', 'self' or origins" }),
  OPS_TOKENS: Type.String({ default: '', description: 'comma list of bearer tokens for /metrics and /docs' }),
  // early warning (issue 10)
  OPERATOR_TOKENS: Type.String({
    default: '',
    description: 'comma list of token:name:regionCode: operators who act on alerts at or below their region',
  }),
  ALERT_RULES_FILE: Type.Optional(
    Type.String({ minLength: 1, description: 'JSON rules laid over the shipped ones (a bad file stops the start)' }),
  ),
  ALERT_EVAL_INTERVAL_MS: Int(15_000, 200, 3_600_000, 'alert rules are evaluated this often, once for the fleet'),
  ALERT_RETENTION_DAYS: Int(90, 1, 3650, 'resolved alerts, ended silences and alert history are kept this long'),
  // replay (issue 11)
  REPLAY_RECORD_INTERVAL_MS: Int(60_000, 1000, 3_600_000, 'the area snapshots are recorded for replay this often'),
  REPLAY_RETENTION_DAYS: Int(7, 1, 365, 'replay records are kept this many local days besides today'),
  // audit
  AUDIT_RETENTION_DAYS: Int(180, 180, 3650, 'audit records are kept this long (等保 2.0: at least six months)'),
  AUDIT_FLUSH_INTERVAL_MS: Int(
    300_000,
    1000,
    3_600_000,
    'counted audit records (ingest per token, refusals) are written at the hour change and at least this often',
  ),
  AUDIT_MAX_BUCKETS: Int(
    1000,
    10,
    1_000_000,
    'distinct refusal buckets (kind, route, address, token) per hour; beyond, one bucket per kind and route',
  ),
  // admission (overload, limits, lockout, sockets)
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: Int(1000, 0, 60_000, 'mean event-loop delay above this: 503 (0 = off)'),
  PRESSURE_MAX_EVENT_LOOP_UTILIZATION_PCT: Int(
    95,
    0,
    100,
    'event-loop busy share (%) over a sample above this: writes to the API get 503 (0 = off)',
  ),
  PRESSURE_MAX_HEAP_BYTES: Int(0, 0, 2 ** 40, 'V8 heap used above this: 503 (0 = 90 % of the V8 heap limit)'),
  PRESSURE_MAX_RSS_BYTES: Int(0, 0, 2 ** 40, 'resident set above this: 503 (0 = off)'),
  PRESSURE_SAMPLE_INTERVAL_MS: Int(1000, 100, 60_000, 'how often the pressure figures are sampled'),
  PRESSURE_RETRY_AFTER_S: Int(1, 1, 3600, 'Retry-After of a 503 for overload or closing'),
  BODY_BUDGET_BYTES: Int(32 * 1024 * 1024, 1024, 2 ** 40, 'request bodies in flight, all together'),
  RATE_LIMIT_INGEST_PER_MIN: Int(6000, 0, 10_000_000, 'POST /api/v1/events per token a minute (0 = off)'),
  RATE_LIMIT_ROSTER_PER_MIN: Int(30, 0, 10_000_000, 'PUT /api/v1/roster per token a minute (0 = off)'),
  AUTH_FAIL_LIMIT: Int(
    20,
    0,
    1_000_000,
    'failed token checks per address in AUTH_FAIL_WINDOW_S before lockout (0 = off)',
  ),
  AUTH_FAIL_WINDOW_S: Int(300, 1, 86_400, 'window of AUTH_FAIL_LIMIT'),
  AUTH_LOCKOUT_S: Int(300, 1, 86_400, 'how long a locked-out address gets 429'),
  SOCKETS_PER_ADDRESS: Int(200, 0, 1_000_000, 'concurrent sockets per remote address (0 = no cap)'),
  SOCKETS_PER_LOOPBACK: Int(
    0,
    0,
    1_000_000,
    'the same for loopback addresses: a local proxy, test fleets (0 = no cap)',
  ),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    {
      default: 'info',
    },
  ),
});
export type Env = Static<typeof EnvSchema>;

export interface Operator {
  name: string;
  /** acts on alerts at or below this region */
  region: string;
}

export interface Config extends Omit<Env, 'INGEST_TOKENS' | 'SCREEN_TOKENS' | 'OPERATOR_TOKENS'> {
  ingestTokens: string[];
  /** ingest token → the upstream source it names (`token:source`); tokens without one are absent */
  ingestSources: Map<string, string>;
  /** operator token → who and where (OPERATOR_TOKENS) */
  operators: Map<string, Operator>;
  /** screen token → the region code it may join (that region or below) */
  screenTokens: Map<string, string>;
  /** false only on loopback with no tokens configured (the server warns) */
  ingestAuth: boolean;
  screenAuth: boolean;
  /** for the log at start: variables of the product's prefixes that the schema does not know */
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`invalid configuration: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || host.startsWith('127.');

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function screenTokens(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of list(value)) {
    const at = item.lastIndexOf(':');
    const token = item.slice(0, at);
    const region = item.slice(at + 1);
    if (at <= 0 || !isRegionCode(region)) {
      throw new ConfigError(
        'SCREEN_TOKENS',
        `entry "${item.slice(0, 40)}" must be token:regionCode (e.g. s3cret:610100)`,
      );
    }
    out.set(token, region);
  }
  return out;
}

/** an upstream source's name (INGEST_TOKENS `token:source`): also an alert's subject */
export const SOURCE_NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/** INGEST_TOKENS: `token` or `token:source` (split at the last colon). */
function ingestTokenList(value: string): { tokens: string[]; sources: Map<string, string> } {
  const tokens: string[] = [];
  const sources = new Map<string, string>();
  for (const item of list(value)) {
    const at = item.lastIndexOf(':');
    const token = at < 0 ? item : item.slice(0, at);
    if (at >= 0) {
      const source = item.slice(at + 1);
      if (at === 0 || !SOURCE_NAME_RE.test(source)) {
        throw new ConfigError(
          'INGEST_TOKENS',
          `entry "${item.slice(0, 40)}" must be token or token:source ` +
            '(source: letters, digits, _ . -; e.g. s3cret:org-platform)',
        );
      }
      sources.set(token, source);
    }
    tokens.push(token);
  }
  return { tokens, sources };
}

/** OPERATOR_TOKENS: `token:name:regionCode`; the name may not hold a colon or a comma. */
function operatorTokens(value: string): Map<string, Operator> {
  const out = new Map<string, Operator>();
  for (const item of list(value)) {
    const parts = item.split(':');
    const [token, name, region] = parts;
    if (parts.length !== 3 || !token || !name || !region || !isRegionCode(region)) {
      throw new ConfigError(
        'OPERATOR_TOKENS',
        `entry "${item.slice(0, 40)}" must be token:name:regionCode (e.g. s3cret:王伟:610113)`,
      );
    }
    if (out.has(token)) throw new ConfigError('OPERATOR_TOKENS', `names a token twice (operator ${name})`);
    out.set(token, { name: name.trim(), region });
  }
  return out;
}

// unknown configuration
/** First words of variable names that other software commonly uses too: never a prefix. */
const GENERIC_WORDS = new Set(['LOG', 'TIME', 'OUT', 'NODE', 'NPM', 'HOST', 'PORT', 'PATH', 'HOME', 'TZ']);
/** Variables of the product's prefixes that the project's own tools read, not the server. */
const TOOL_VARIABLES = new Set(['REDIS_TEST_URL', 'SCREEN_API_PORT']);

/**
 * The prefixes of the product's variables: `ZHDJ_` and the first word (up to the first `_`) of
 * every variable in EnvSchema unless it is generic (LOG_, TIME_, OUT_, …): REDIS_, DATA_,
 * FRAME_, RETENTION_, OVERDUE_, BODY_, INGEST_, SCREEN_, MAP_, AUDIT_, and whatever the schema
 * adds. PORT, HOST, LOG_LEVEL, TIME_ZONE and OUT_OF_CONTACT_DAYS are only matched exactly.
 */
export function configPrefixes(): string[] {
  const words = new Set(['ZHDJ']);
  for (const key of Object.keys(EnvSchema.properties)) {
    const at = key.indexOf('_');
    if (at > 0 && !GENERIC_WORDS.has(key.slice(0, at))) words.add(key.slice(0, at));
  }
  return [...words].map((w) => `${w}_`).sort();
}

/** Optimal string alignment distance (a transposition counts one edit: ULR → URL). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** A warning for each variable of the product's prefixes that the schema does not know. */
export function unknownVariables(env: NodeJS.ProcessEnv): string[] {
  const known = Object.keys(EnvSchema.properties);
  const prefixes = configPrefixes();
  const out: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (known.includes(name) || TOOL_VARIABLES.has(name)) continue;
    if (!prefixes.some((p) => name.startsWith(p))) continue;
    let best = '';
    let bestD = Infinity;
    for (const k of known) {
      const dist = editDistance(name, k);
      if (dist < bestD) [best, bestD] = [k, dist];
    }
    const hint = bestD <= Math.max(2, Math.floor(name.length / 4)) ? ` (did you mean ${best}?)` : '';
    out.push(`unknown configuration variable ${name} is ignored${hint}`);
  }
  return out;
}

/** Reads the configuration from an environment (process.env by default). Throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const typed: Record<string, unknown> = { ...raw };
  for (const [key, v] of Object.entries(raw)) {
    // strict: "1.5" or "8080x" must not become an integer
    if ((EnvSchema.properties as Record<string, { type?: string }>)[key]?.type === 'integer')
      typed[key] = /^-?\d+$/.test(v) ? Number(v) : v;
  }
  const value = Value.Default(EnvSchema, typed) as Env;
  const first = [...Value.Errors(EnvSchema, value)][0];
  if (first) {
    const variable = first.instancePath.replace(/^\//, '') || 'environment';
    const got = raw[variable] === undefined ? '' : ` (got ${JSON.stringify(raw[variable].slice(0, 60))})`;
    throw new ConfigError(variable, `${first.message}${got}`);
  }
  try {
    Intl.DateTimeFormat('en', { timeZone: value.TIME_ZONE });
  } catch {
    throw new ConfigError('TIME_ZONE', `is not an IANA time zone (got ${JSON.stringify(value.TIME_ZONE)})`);
  }
  if (value.MAP_STYLE_URL !== undefined && !/^(https?:\/\/|\/)/.test(value.MAP_STYLE_URL)) {
    throw new ConfigError('MAP_STYLE_URL', 'must be an http(s) URL or a path starting with /');
  }
  if (!isAreaCode(value.AREA)) {
    throw new ConfigError(
      'AREA',
      `must be a province XX0000, a prefecture-level unit XXXX00 or 100000 (got ${JSON.stringify(value.AREA)})`,
    );
  }
  if (value.REDIS_URL !== undefined && value.REDIS_CLUSTER_NODES !== undefined) {
    throw new ConfigError('REDIS_CLUSTER_NODES', 'and REDIS_URL are exclusive: set one (a cluster or a single Redis)');
  }
  const { tokens: ingestTokens, sources: ingestSources } = ingestTokenList(value.INGEST_TOKENS);
  const operators = operatorTokens(value.OPERATOR_TOKENS);
  const screens = screenTokens(value.SCREEN_TOKENS);
  const loopback = isLoopback(value.HOST);
  if (!loopback && ingestTokens.length === 0) {
    throw new ConfigError('INGEST_TOKENS', `must be set when HOST (${value.HOST}) is not loopback`);
  }
  if (!loopback && screens.size === 0) {
    throw new ConfigError('SCREEN_TOKENS', `must be set when HOST (${value.HOST}) is not loopback`);
  }
  checkSurface(value, ingestTokens, [...screens.keys()], [...operators.keys()], loopback);
  const { INGEST_TOKENS: _i, SCREEN_TOKENS: _s, OPERATOR_TOKENS: _o, ...rest } = value;
  return {
    ...rest,
    ingestTokens,
    ingestSources,
    operators,
    screenTokens: screens,
    ingestAuth: ingestTokens.length > 0,
    screenAuth: screens.size > 0,
    warnings: unknownVariables(env),
  };
}

// surface (issue 9): host names, origins, frame ancestors and token length
/** tokens shorter than this are refused on a non-loopback HOST, a warning on loopback */
export const MIN_TOKEN_LENGTH = 16;
const HOST_NAME_RE =
  /^(\[[0-9a-f:.]+\]|[0-9a-f:.]*:[0-9a-f:.]*|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?)$/i;
const ORIGIN_RE = /^https?:\/\/[^/?#\s*]+$/i;
const FRAME_SOURCE_RE = /^(https?:\/\/)?(\*\.)?[a-z0-9.-]+(:\d{1,5})?$|^https?:$/i;

/** A host name without port, brackets and trailing dot, lower case ("[::1]" → "::1"). */
export function normalizeHostName(name: string): string {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  return n.startsWith('[') && n.endsWith(']') ? n.slice(1, -1) : n;
}

/** ALLOWED_HOSTS as host names (empty: not set). */
export function allowedHostList(value: string): string[] {
  return list(value).map(normalizeHostName);
}

/** CORS_ORIGINS as serialized origins (scheme://host[:port], lower case, no trailing slash). */
export function corsOriginList(value: string): string[] {
  return list(value).map((o) => new URL(o.replace(/\/$/, '')).origin);
}

/** FRAME_ANCESTORS as CSP sources ('self' and 'none' quoted). */
export function frameAncestorList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .filter((s) => s.length > 0)
    .map((s) => (/^'?(self|none)'?$/i.test(s) ? `'${s.replace(/'/g, '').toLowerCase()}'` : s));
}

/** OPS_TOKENS as a list. */
export const opsTokenList = (value: string): string[] => list(value);

/** The variables and entries holding tokens shorter than MIN_TOKEN_LENGTH (names only, never values). */
export function shortTokens(
  config: Pick<Config, 'ingestTokens' | 'screenTokens' | 'OPS_TOKENS'> & Partial<Pick<Config, 'operators'>>,
): string[] {
  const out = new Set<string>();
  if (config.ingestTokens.some((t) => t.length < MIN_TOKEN_LENGTH)) out.add('INGEST_TOKENS');
  if ([...config.screenTokens.keys()].some((t) => t.length < MIN_TOKEN_LENGTH)) out.add('SCREEN_TOKENS');
  if (list(config.OPS_TOKENS).some((t) => t.length < MIN_TOKEN_LENGTH)) out.add('OPS_TOKENS');
  if ([...(config.operators?.keys() ?? [])].some((t) => t.length < MIN_TOKEN_LENGTH)) out.add('OPERATOR_TOKENS');
  return [...out];
}

function checkSurface(
  value: Env,
  ingestTokens: string[],
  screenTokens: string[],
  operatorTokens: string[],
  loopback: boolean,
): void {
  const badHost = list(value.ALLOWED_HOSTS).find((h) => !HOST_NAME_RE.test(h));
  if (badHost !== undefined) {
    throw new ConfigError('ALLOWED_HOSTS', `entry "${badHost.slice(0, 60)}" is not a host name (no scheme, no port)`);
  }
  const badOrigin = list(value.CORS_ORIGINS).find((o) => !ORIGIN_RE.test(o.replace(/\/$/, '')));
  if (badOrigin !== undefined) {
    throw new ConfigError(
      'CORS_ORIGINS',
      `entry "${badOrigin.slice(0, 60)}" must be an origin such as https://portal.example (no path, no *)`,
    );
  }
  const ancestors = frameAncestorList(value.FRAME_ANCESTORS);
  const badAncestor = ancestors.find((a) => a !== "'self'" && a !== "'none'" && !FRAME_SOURCE_RE.test(a));
  if (ancestors.length === 0 || badAncestor !== undefined || (ancestors.includes("'none'") && ancestors.length > 1)) {
    throw new ConfigError(
      'FRAME_ANCESTORS',
      `must be 'none', or 'self' and/or origins such as https://portal.example (got ${JSON.stringify(value.FRAME_ANCESTORS.slice(0, 60))})`,
    );
  }
  if (loopback) return; // short tokens on loopback: a warning at start (security plugin)
  const short: [string, string[]][] = [
    ['INGEST_TOKENS', ingestTokens],
    ['SCREEN_TOKENS', screenTokens],
    ['OPS_TOKENS', list(value.OPS_TOKENS)],
    ['OPERATOR_TOKENS', operatorTokens],
  ];
  for (const [variable, tokens] of short) {
    const n = tokens.filter((t) => t.length < MIN_TOKEN_LENGTH).length;
    if (n > 0) {
      throw new ConfigError(
        variable,
        `has ${n} token(s) shorter than ${MIN_TOKEN_LENGTH} characters; HOST (${value.HOST}) is not loopback`,
      );
    }
  }
}

/** Defaults for tests and tools: loadConfig over an explicit environment only. */
export function testConfig(overrides: Partial<Record<keyof Env, string>> = {}): Config {
  // admission: the event-loop delay and busy share of a shared test machine must not decide other tests
  // (tests/server/admission-pressure.test.ts sets it)
  return loadConfig({
    LOG_LEVEL: 'silent',
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    PRESSURE_MAX_EVENT_LOOP_UTILIZATION_PCT: '0',
    ...overrides,
  } as NodeJS.ProcessEnv);
}
