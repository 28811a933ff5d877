// Per-event validation: pure, no I/O. One bad event yields one Rejection; it never sinks
// the rest of its batch.
import { Compile } from 'typebox/compile';
import gcoord from 'gcoord';
import {
  EVENT_SCHEMAS,
  EVENT_TYPES,
  FUTURE_TOLERANCE_MS,
  type EventType,
  type IngestEvent,
  type NormalizedEvent,
  type Rejection,
  type RejectReason,
} from './events.ts';

export interface ValidateContext {
  nowMs: number;
  retentionMs: number;
  /** true when `org` is an organization of the current roster */
  isKnownOrg: (org: string) => boolean;
}

export type Validated = { ok: true; event: NormalizedEvent } | { ok: false; rejection: Rejection };

const CHECKERS = Object.fromEntries(Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [type, Compile(schema)])) as {
  [K in EventType]: ReturnType<typeof Compile>;
};

const ALLOWED_FIELDS = Object.fromEntries(
  Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [type, new Set(Object.keys(schema.properties))]),
) as { [K in EventType]: Set<string> };

const REQUIRED_FIELDS = Object.fromEntries(
  Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [type, (schema.required ?? []) as string[]]),
) as { [K in EventType]: string[] };

const TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function reject(index: number, raw: unknown, reason: RejectReason, message: string): Validated {
  const id =
    raw !== null && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string'
      ? (raw as { id: string }).id.slice(0, 128)
      : null;
  return { ok: false, rejection: { index, id, reason, message } };
}

/** UTC+14, the earliest local calendar: `since` may be the local date of `ts` in any zone. */
const LATEST_UTC_OFFSET_MS = 14 * 3_600_000;

function hasAtMostTwoDecimals(x: number): boolean {
  const fen = x * 100;
  return Math.abs(fen - Math.round(fen)) < 1e-6;
}

/** Epoch ms of `YYYY-MM-DD` at 00:00 UTC; NaN for a date that does not exist (2026-02-30). */
export function dayStartUtcMs(day: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day ? Number.NaN : ms;
}

/** Epoch ms from a number or an RFC 3339 string; NaN when neither. */
export function parseTs(ts: unknown): number {
  if (typeof ts === 'number') return Number.isFinite(ts) && Number.isInteger(ts) ? ts : Number.NaN;
  if (typeof ts === 'string' && RFC3339.test(ts)) return Date.parse(ts);
  return Number.NaN;
}

function hasForbiddenKey(raw: object): string | undefined {
  // JSON.parse creates an own "__proto__" property instead of setting the prototype.
  for (const k of FORBIDDEN_KEYS) if (Object.prototype.hasOwnProperty.call(raw, k)) return k;
  return undefined;
}

/** Validates `raw` and returns a normalized copy; `raw` is left as it was. */
export function validateEvent(raw: unknown, index: number, ctx: ValidateContext): Validated {
  return validate(raw, index, ctx, false);
}

/**
 * Same answer as validateEvent, but an accepted event is normalized in place and returned
 * (its string `ts` becomes epoch ms; a check-in is still copied, without `crs`): for callers
 * that own `raw`, such as the ingest route with a freshly parsed body. A rejected `raw` is
 * left as it was.
 */
export function validateEventInPlace(raw: unknown, index: number, ctx: ValidateContext): Validated {
  return validate(raw, index, ctx, true);
}

function validate(raw: unknown, index: number, ctx: ValidateContext, inPlace: boolean): Validated {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return reject(index, raw, 'not_object', 'event must be a JSON object');
  }
  const bad = hasForbiddenKey(raw);
  if (bad) return reject(index, raw, 'forbidden_key', `key "${bad}" is not allowed`);
  const obj = raw as Record<string, unknown>;
  const type = obj.type;
  if (typeof type !== 'string' || !TYPE_SET.has(type)) {
    return reject(
      index,
      raw,
      'unknown_type',
      `type must be one of ${EVENT_TYPES.join(', ')}; got ${JSON.stringify(type)?.slice(0, 60)}`,
    );
  }
  const t = type as EventType;
  const allowed = ALLOWED_FIELDS[t];
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key))
      return reject(index, raw, 'unknown_field', `field "${key.slice(0, 60)}" is not part of ${t}`);
  }
  for (const key of REQUIRED_FIELDS[t]) {
    if (!(key in obj)) return reject(index, raw, 'missing_field', `${t} requires field "${key}"`);
  }
  const checker = CHECKERS[t];
  if (!checker.Check(obj)) {
    const first = [...checker.Errors(obj)].find((e) => e.instancePath !== '') ?? [...checker.Errors(obj)][0];
    const field = first?.instancePath.replace(/^\//, '').split('/')[0] ?? '';
    const message = first?.keyword === 'not' ? 'must not be 0' : (first?.message ?? 'invalid');
    return reject(index, raw, 'invalid_field', `${field || 'event'}: ${message}`);
  }
  const ev = obj as IngestEvent;
  const ts = parseTs(ev.ts);
  if (Number.isNaN(ts))
    return reject(index, raw, 'invalid_ts', 'ts must be integer epoch milliseconds or an RFC 3339 date-time');
  if (ts > ctx.nowMs + FUTURE_TOLERANCE_MS)
    return reject(index, raw, 'ts_in_future', 'ts is more than 5 minutes in the future');
  if (ts < ctx.nowMs - ctx.retentionMs)
    return reject(index, raw, 'ts_too_old', 'ts is older than the retention period');
  if (!ctx.isKnownOrg(ev.org))
    return reject(index, raw, 'unknown_org', `org "${ev.org.slice(0, 60)}" is not in the roster`);

  if (ev.type === 'transfer.updated') {
    const hasOrg = ev.toOrg !== undefined;
    const hasRegion = ev.toRegion !== undefined;
    if (hasOrg === hasRegion)
      return reject(index, raw, 'invalid_destination', 'transfer.updated needs exactly one of toOrg or toRegion');
    if (hasOrg && !ctx.isKnownOrg(ev.toOrg!))
      return reject(index, raw, 'invalid_destination', `toOrg "${ev.toOrg!.slice(0, 60)}" is not in the roster`);
  }
  if (ev.type === 'dues.paid' && !hasAtMostTwoDecimals(ev.amount)) {
    return reject(index, raw, 'invalid_amount', 'amount: at most two decimals (yuan and fen)');
  }
  if (ev.type === 'development.stage') {
    const sinceMs = dayStartUtcMs(ev.since);
    if (Number.isNaN(sinceMs)) return reject(index, raw, 'invalid_since', `since: ${ev.since} is not a calendar date`);
    if (sinceMs - LATEST_UTC_OFFSET_MS > ts)
      return reject(index, raw, 'invalid_since', "since is after the event's ts");
  }
  if (ev.type === 'member.checkin') {
    const { crs, ...rest } = ev;
    let lng = ev.lng;
    let lat = ev.lat;
    if (crs === 'wgs84' || crs === 'bd09') {
      [lng, lat] = gcoord.transform([ev.lng, ev.lat], crs === 'wgs84' ? gcoord.WGS84 : gcoord.BD09, gcoord.GCJ02) as [
        number,
        number,
      ];
    }
    return { ok: true, event: { ...rest, ts, lng, lat } };
  }
  if (inPlace) {
    if (ev.ts !== ts) (ev as { ts: number | string }).ts = ts;
    return { ok: true, event: ev as NormalizedEvent };
  }
  return { ok: true, event: { ...ev, ts } as NormalizedEvent };
}
