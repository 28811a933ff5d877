// RFC 7386 JSON merge patches between two snapshots. Pure: no Fastify, no Socket.IO.
// Objects are diffed key by key; arrays and primitives are replaced whole. A merge patch
// cannot carry a null value (null deletes), so after applying, an absent key means null: the
// snapshot's nullable rates read the same either way (`kpi.studyRateToday ?? null`).
import { TICKER_MAX_ITEMS, type Snapshot, type TickerItem } from '../contract/index.ts';
import { applyMergePatch } from '../contract/merge-patch.ts';

/** the one merge patch both sides apply (server/contract/merge-patch.ts) */
export { applyMergePatch };

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!jsonEqual((a as JsonObject)[k], (b as JsonObject)[k])) return false;
  }
  return true;
}

/** The merge patch turning `a` into `b`, or undefined when they are equal. */
export function diff(a: unknown, b: unknown): Json | undefined {
  if (a === b) return undefined; // shared (unchanged) sections of two snapshots
  if (!isObject(a) || !isObject(b)) return jsonEqual(a, b) ? undefined : (b as Json);
  let patch: JsonObject | undefined;
  for (const key of Object.keys(a)) {
    if (!Object.prototype.hasOwnProperty.call(b, key) || b[key] === null) {
      if (a[key] !== null) (patch ??= {})[key] = null;
    }
  }
  for (const key of Object.keys(b)) {
    const next = b[key];
    if (next === null || next === undefined) continue;
    const d = Object.prototype.hasOwnProperty.call(a, key) ? diff(a[key], next) : next;
    if (d !== undefined) (patch ??= {})[key] = d;
  }
  return patch;
}

/** A snapshot as frames see it: the ticker travels separately. */
export type PatchBase = Omit<Snapshot, 'ticker'>;

export function withoutTicker(s: Snapshot): PatchBase {
  const { ticker: _t, ...rest } = s;
  return rest;
}

/** True when `next` differs from `prev` in more than its timestamp (asOf alone is no change). */
export function changed(prev: Snapshot, next: Snapshot): boolean {
  const { asOf: _a, ticker: ta, ...a } = prev;
  const { asOf: _b, ticker: tb, ...b } = next;
  return newTickerItems(ta, tb).length > 0 || !jsonEqual(a, b);
}

/** Items of `next` that `prev` did not have, newest first (ids are unique per item). */
export function newTickerItems(prev: TickerItem[], next: TickerItem[]): TickerItem[] {
  const seen = new Set(prev.map((t) => t.id));
  return next.filter((t) => !seen.has(t.id));
}

/** The frame body between two snapshots, or undefined when nothing but asOf changed. One
 * walk over the two snapshots: the patch itself says whether anything but asOf changed. */
export function frameBody(
  prev: Snapshot,
  next: Snapshot,
): { patch: Record<string, unknown>; ticker: TickerItem[] } | undefined {
  const ticker = newTickerItems(prev.ticker, next.ticker);
  const patch = diff(withoutTicker(prev), withoutTicker(next)) as Record<string, unknown> | undefined;
  if (ticker.length === 0 && !hasKeyBesides(patch, 'asOf')) return undefined;
  return { patch: patch ?? {}, ticker };
}

function hasKeyBesides(o: Record<string, unknown> | undefined, key: string): boolean {
  for (const k in o) if (k !== key) return true;
  return false;
}

/** The ticker holds at most this many items, newest first (SPEC 5: "the latest ticker items"). */

/** What a wall does with a frame: merge the patch, prepend the new ticker items. Pure. */
export function applyFrame(prev: Snapshot, frame: { patch: Record<string, unknown>; ticker: TickerItem[] }): Snapshot {
  const base = applyMergePatch<PatchBase>(withoutTicker(prev), frame.patch);
  return { ...base, ticker: [...frame.ticker, ...prev.ticker].slice(0, TICKER_MAX_ITEMS) };
}
