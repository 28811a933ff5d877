// One ingest batch → the ARGV of ingest.lua. Everything that needs no Redis state is
// computed here in Node: id hashes, period keys, hour, H3 cell, masked ticker/stream JSON.
// A few large arguments rather than many small ones: per-argument overhead (ioredis,
// protocol, Lua's ARGV table) dominated when each event had 14 arguments.
import type { NormalizedEvent } from '../../contract/index.ts';
import { hash64To } from '../../aggregate/hash.ts';
import { TICKER_KEEP, TICKER_TYPES } from '../../aggregate/model.ts';
import type { Period, ZonedClock } from '../../aggregate/period.ts';
import { cellOf, maskEvent, tickerItemOf } from '../../aggregate/prepare.ts';
import { KIND_INDEX } from '../../aggregate/slots.ts';
import { STAGE_RANK } from '../../aggregate/transfer.ts';

const DAY_S = 86_400;
/** ticker items sent per batch: the newest of the batch (the list keeps TICKER_KEEP) */
export const TICKER_PER_BATCH = 200;

export interface EncodeParams {
  clock: ZonedClock;
  retentionMs: number;
  replayMs: number;
  onlineWindowMs: number;
  /** dedupe buckets per generation */
  buckets: number;
  /** dedupe generations checked per id (≥ 2); see genMsOf */
  gens: number;
}

/**
 * Dedupe generation length for `gens` generations checked per id: retention / (gens − 1), so
 * an id is remembered at least the retention and at most retention × gens / (gens − 1).
 * More generations: less memory, one more HEXISTS per event.
 */
export const genMsOf = (retentionMs: number, gens: number): number => Math.max(1, Math.ceil(retentionMs / (gens - 1)));

const h64 = new Uint32Array(2);

/**
 * The id hash as the decimal of a signed 64-bit integer: the member of a dedupe set bucket
 * (Redis keeps small all-integer sets as an intset: 8 bytes per id, binary search).
 */
export function dedupeMember(hi: number, lo: number): string {
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

export function encodeBatch(events: readonly NormalizedEvent[], nowMs: number, p: EncodeParams): (string | Buffer)[] {
  const genMs = genMsOf(p.retentionMs, p.gens);
  const retentionS = Math.ceil(p.retentionMs / 1000);
  const hashes = Buffer.allocUnsafe(events.length * 8);
  const members = new Array<string>(events.length);
  const fields: (string | number)[] = [];
  const periodIndex = new Map<string, number>();
  const periods: [string, string, string][] = [];
  const ticker: (string | Buffer)[] = [];
  let tickerFrom = 0;
  let lastPer: Period | null = null;
  let lastPi = 0;
  for (let i = events.length - 1, n = 0; i >= 0; i--) {
    if (TICKER_TYPES.has(events[i]!.type) && ++n === Math.min(TICKER_PER_BATCH, TICKER_KEEP)) {
      tickerFrom = i;
      break;
    }
  }
  for (let i = 0; i < events.length; i++) {
    const ev = maskEvent(events[i]!); // in place: `events` is the masked batch from here on
    hash64To(ev.id, h64);
    hashes.writeUInt32BE(h64[0]!, i * 8);
    hashes.writeUInt32BE(h64[1]!, i * 8 + 4);
    members[i] = dedupeMember(h64[0]!, h64[1]!);
    const per = p.clock.period(ev.ts);
    // period objects are shared per local hour: consecutive events mostly repeat the last one
    let pi = per === lastPer ? lastPi : periodIndex.get(per.day);
    if (pi === undefined) {
      periodIndex.set(per.day, (pi = periods.length));
      periods.push([per.day, per.month, per.quarter]);
    }
    lastPer = per;
    lastPi = pi;
    const member = 'member' in ev ? ev.member : '';
    let t = 'a';
    let a = '';
    let b = '';
    let c = '';
    switch (ev.type) {
      case 'study.completed':
        t = 's';
        a = String(ev.minutes);
        break;
      case 'exam.submitted':
        t = 'e';
        a = ev.passed ? '1' : '0';
        break;
      case 'meeting.held':
        t = 'm';
        a = String(KIND_INDEX[ev.kind]);
        b = String(ev.attendees);
        c = String(ev.expected);
        break;
      case 'transfer.updated':
        t = 't';
        a = String(STAGE_RANK[ev.stage]);
        b = ev.transfer;
        c = ev.toOrg !== undefined ? `o:${ev.toOrg}` : `r:${ev.toRegion ?? ''}`;
        break;
      case 'member.checkin':
        t = 'c';
        a = cellOf(ev.lng, ev.lat);
        break;
      case 'points.awarded':
        t = 'p';
        a = String(ev.points);
        break;
      case 'member.active':
        break;
    }
    fields.push(t, ev.org, member, pi, per.hour, a, b, c, String(ev.ts));
    if (i >= tickerFrom) {
      const item = tickerItemOf(ev);
      if (item) ticker.push(String(i), JSON.stringify(item));
    }
  }
  const gen = Math.floor(nowMs / genMs);
  return [
    String(gen),
    String(p.gens),
    String(p.buckets),
    String(retentionS + 2 * DAY_S),
    String(retentionS + 33 * DAY_S),
    String(retentionS + 94 * DAY_S),
    String(p.replayMs),
    String(nowMs - p.onlineWindowMs - DAY_S * 1000),
    String(events.length),
    String(TICKER_KEEP),
    String(nowMs),
    hashes,
    JSON.stringify(fields),
    JSON.stringify(periods),
    JSON.stringify(events),
    members.join(','),
    ...ticker,
  ];
}
