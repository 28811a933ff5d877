// Alert rules as configuration (issue 10, SPEC 10): the TypeBox schema of a rule, the defaults
// that keep today's rule ids, and the loader of ALERT_RULES_FILE. Pure: text in, rules out.
import Type, { type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import type { RegionLevel } from '../../geo/types.ts';
import { DEFAULT_KEEP_FIRING_FOR, DEFAULT_RULE_TEXTS } from './defaults.ts';

export { DEFAULT_KEEP_FIRING_FOR, DEFAULT_RULE_TEXTS };

export const SEVERITIES = ['red', 'orange', 'yellow'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const RULE_LEVELS = ['city', 'county', 'township', 'village'] as const satisfies readonly RegionLevel[];

/** `90s`, `5m`, `1h30m`, `0s`: one or more integer+unit parts (ms, s, m, h, d). */
export const DURATION_PATTERN = '^(\\d+(ms|s|m|h|d))+$';
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  if (!new RegExp(DURATION_PATTERN).test(text)) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms;
}

const Duration = (description: string) => Type.String({ pattern: DURATION_PATTERN, description });
const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
const Count = (description: string) => Type.Integer({ minimum: 0, description });
const Day = (description: string) => Type.Integer({ minimum: 1, maximum: 31, description });
const Params = <T extends Record<string, TSchema>>(p: T) => Type.Object(p, { additionalProperties: false });

/** What each kind of rule reads and the knobs it takes; every knob has a default below. */
export const PARAMS_SCHEMAS = {
  'transfers-overdue': Params({
    above: Count('fires when the overdue transfers exceed this'),
    redFrom: Count('red from this many'),
  }),
  'out-of-contact': Params({
    share: Share('fires when the out-of-contact share of floating members exceeds this'),
    redShare: Share('red above this share'),
    minMembers: Count('units with fewer floating members are not judged'),
  }),
  'study-rate-low': Params({
    peerFactor: Share("fires below this fraction of the peers' median monthly study rate"),
    minPeers: Count('fewer peers with a rate: not judged'),
  }),
  'compliance-low': Params({
    below: Share('fires when 三会一课 compliance is below this'),
    redBelow: Share('red below this'),
    fromDay: Day('judged from this day of the month on'),
  }),
  'dues-low': Params({
    below: Share('fires when the month’s dues collection rate is below this'),
    redBelow: Share('red below this'),
    fromDay: Day('judged from this day of the month on'),
  }),
  'probation-overdue': Params({
    above: Count('fires when overdue probationary members exceed this'),
    redFrom: Count('red from this many'),
  }),
  'source-silent': Params({
    silentFor: Duration('a source that has sent nothing this long fires'),
    sources: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }), Duration('per-source silentFor')),
    workingHours: Type.String({
      pattern: '^([01]\\d|2[0-3]):[0-5]\\d-([01]\\d|2[0-4]):[0-5]\\d$',
      description: 'local time range in which silence counts (HH:MM-HH:MM)',
    }),
    workingDays: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      uniqueItems: true,
      description: 'ISO weekdays (1 = Monday) in which silence counts; [] = every day',
    }),
  }),
  'study-anomaly': Params({
    method: Type.Union([Type.Literal('ratio'), Type.Literal('robust-z')], {
      description: 'ratio: this hour / median of the same hour on the past days; robust-z: (x − median) / (1.4826·MAD)',
    }),
    days: Type.Integer({ minimum: 3, maximum: 28, description: 'past days whose same hour is the baseline' }),
    ratioBelow: Share('method ratio: fires below this ratio'),
    redRatioBelow: Share('method ratio: red below this ratio'),
    zBelow: Type.Number({ maximum: 0, description: 'method robust-z: fires below this score' }),
    redZBelow: Type.Number({ maximum: 0, description: 'method robust-z: red below this score' }),
    minBaseline: Count('a baseline median below this many events is too small to judge'),
  }),
} as const;

export type RuleKind = keyof typeof PARAMS_SCHEMAS;
export const RULE_KINDS = Object.keys(PARAMS_SCHEMAS) as RuleKind[];

/** One rule as written in the file (after defaults are applied). */
export const AlertRuleSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z][a-z0-9-]{0,63}$', description: 'the rule id; part of every fingerprint' }),
    kind: Type.Union(
      RULE_KINDS.map((k) => Type.Literal(k)),
      { description: 'what the rule evaluates (defaults to the id for the shipped rules)' },
    ),
    enabled: Type.Boolean({ description: 'false: never evaluated' }),
    severity: Type.Union(
      SEVERITIES.map((s) => Type.Literal(s)),
      { description: 'the severity unless the evaluation escalates (red thresholds in params)' },
    ),
    levels: Type.Array(Type.Union(RULE_LEVELS.map((l) => Type.Literal(l))), { minItems: 1, uniqueItems: true }),
    for: Duration('the condition holds this long before pending becomes firing'),
    keepFiringFor: Duration('a firing alert resolves once its condition has been false this long'),
    params: Type.Object({}),
  },
  { additionalProperties: false },
);

/** A rule ready for the engine: durations in ms, params complete. */
export interface AlertRule {
  id: string;
  kind: RuleKind;
  enabled: boolean;
  severity: Severity;
  levels: (typeof RULE_LEVELS)[number][];
  forMs: number;
  keepFiringForMs: number;
  params: Record<string, unknown>;
}

/** A rule as the file writes it (durations as text). */
export type RuleText = Omit<AlertRule, 'forMs' | 'keepFiringForMs'> & { for: string; keepFiringFor: string };

export class AlertRulesError extends Error {
  constructor(
    readonly rule: string,
    readonly field: string,
    detail: string,
  ) {
    super(`alert rules: rule ${rule}, field ${field}: ${detail}`);
    this.name = 'AlertRulesError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function firstError(schema: TSchema, value: unknown): { field: string; message: string } | null {
  const errors = [...Value.Errors(schema, value)];
  if (errors.length === 0) return null;
  // the most specific path names the field; additionalProperties names the extra key
  const e = errors.reduce((a, b) => (b.instancePath.length > a.instancePath.length ? b : a));
  const extra = (e.params as { additionalProperties?: string[] }).additionalProperties?.[0];
  const required = (e.params as { requiredProperties?: string[] }).requiredProperties?.[0];
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const field = [path, extra ?? required].filter(Boolean).join('.');
  const allowed = errors
    .filter((x) => x.instancePath === e.instancePath && x.keyword === 'const')
    .map((x) => JSON.stringify((x.params as { allowedValue?: unknown }).allowedValue));
  const message =
    e.keyword === 'boolean' || extra
      ? 'is not a known field'
      : allowed.length > 0
        ? `must be one of ${allowed.join(', ')}`
        : e.message;
  return { field: field || '(rule)', message };
}

function resolveRule(text: RuleText, name: string): AlertRule {
  const top = firstError(AlertRuleSchema, text);
  if (top) throw new AlertRulesError(name, top.field, top.message);
  const p = firstError(PARAMS_SCHEMAS[text.kind], text.params);
  if (p) throw new AlertRulesError(name, `params.${p.field}`, p.message);
  return {
    id: text.id,
    kind: text.kind,
    enabled: text.enabled,
    severity: text.severity,
    levels: [...text.levels],
    forMs: parseDuration(text.for),
    keepFiringForMs: parseDuration(text.keepFiringFor),
    params: structuredClone(text.params),
  };
}

export const DEFAULT_ALERT_RULES: readonly AlertRule[] = DEFAULT_RULE_TEXTS.map((r) => resolveRule(r, r.id));

export type AlertRulesFormat = 'json' | 'yaml';

/**
 * Parses an ALERT_RULES_FILE (JSON, or YAML for a `.yaml`/`.yml` file): `{ "rules": [ … ] }`.
 * A rule whose id is a shipped one is laid over the default field by field (its params too),
 * so `{ "id": "transfers-overdue", "for": "30m" }` is a whole rule; a new id names its `kind`
 * and every field. Shipped rules the file does not name stay as shipped. Throws
 * AlertRulesError naming the rule and the field.
 */
export function loadAlertRules(text: string, format: AlertRulesFormat): AlertRule[] {
  let doc: unknown;
  try {
    // YAML 1.2 core schema: a JSON file is YAML too, but JSON keeps its own parser's messages
    doc = format === 'yaml' ? parseYaml(text, { schema: 'core', prettyErrors: true }) : JSON.parse(text);
  } catch (err) {
    throw new AlertRulesError('(file)', `(${format})`, (err as Error).message);
  }
  if (!isObject(doc)) throw new AlertRulesError('(file)', '(root)', 'must be an object { "rules": [...] }');
  const extra = Object.keys(doc).find((k) => k !== 'rules');
  if (extra !== undefined) throw new AlertRulesError('(file)', extra, 'is not a known field');
  if (!Array.isArray(doc.rules)) throw new AlertRulesError('(file)', 'rules', 'must be an array');
  const byId = new Map(DEFAULT_RULE_TEXTS.map((r) => [r.id, r]));
  const seen = new Set<string>();
  doc.rules.forEach((raw: unknown, i: number) => {
    const fallback = `#${i}`;
    if (!isObject(raw)) throw new AlertRulesError(fallback, '(rule)', 'must be an object');
    if (typeof raw.id !== 'string') throw new AlertRulesError(fallback, 'id', 'must be a string');
    const name = raw.id;
    if (seen.has(name)) throw new AlertRulesError(name, 'id', 'is given twice');
    seen.add(name);
    const shipped = byId.get(name);
    if (!shipped && raw.kind === undefined) {
      throw new AlertRulesError(name, 'kind', `a new rule names its kind (one of ${RULE_KINDS.join(', ')})`);
    }
    if (shipped && raw.kind !== undefined && raw.kind !== shipped.kind) {
      throw new AlertRulesError(name, 'kind', `a shipped rule keeps its kind ${shipped.kind}`);
    }
    const params = isObject(raw.params)
      ? { ...(shipped?.params ?? {}), ...raw.params }
      : (raw.params ?? shipped?.params);
    const merged: Record<string, unknown> = {
      ...(shipped ?? { enabled: true, keepFiringFor: DEFAULT_KEEP_FIRING_FOR }),
      ...raw,
      params,
    };
    const kind = merged.kind;
    if (typeof kind !== 'string' || !(RULE_KINDS as string[]).includes(kind)) {
      throw new AlertRulesError(name, 'kind', `must be one of ${RULE_KINDS.join(', ')}`);
    }
    if (!shipped && (raw.params === undefined || isObject(raw.params))) {
      merged.params = { ...DEFAULT_RULE_TEXTS.find((r) => r.kind === kind)!.params, ...(raw.params ?? {}) };
    }
    byId.set(name, merged as unknown as RuleText);
  });
  return [...byId.values()].map((r) => resolveRule(r, r.id));
}
