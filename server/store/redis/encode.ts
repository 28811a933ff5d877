// One ingest batch → the ARGV of ingest.lua. Everything that needs no Redis state is
// computed here in Node: id hashes, period keys, hour, H3 cell, masked ticker/stream JSON.
import type { NormalizedEvent } from '../../contract/index.ts';
import { writeHash64 } from '../../aggregate/hash.ts';
import { TICKER_KEEP, TICKER_TYPES } from '../../aggregate/model.ts';
import type { ZonedClock } from '../../aggregate/period.ts';
import { cellOf, maskEvent, tickerItemOf } from '../../aggregate/prepare.ts';
import { KIND_INDEX } from '../../aggregate/slots.ts';
import { STAGE_RANK } from '../../aggregate/transfer.ts';

export const STRIDE = 14;
const DAY_S = 86_400;

export interface EncodeParams {
  clock: ZonedClock;
  retentionMs: number;
  replayMs: number;
  onlineWindowMs: number;
  /** dedupe buckets per generation */
  buckets: number;
}

/** Dedupe generation length: half the retention; ids are checked in this many generations. */
export const DEDUPE_GENS = 3;
export const genMsOf = (retentionMs: number): number => Math.max(1, Math.ceil(retentionMs / 2));

export function encodeBatch(events: readonly NormalizedEvent[], nowMs: number, p: EncodeParams): (string | Buffer)[] {
  const genMs = genMsOf(p.retentionMs);
  const gen = Math.floor(nowMs / genMs);
  const retentionS = Math.ceil(p.retentionMs / 1000);
  const args: (string | Buffer)[] = [
    String(nowMs),
    String(gen),
    String(DEDUPE_GENS),
    String(p.buckets),
    String(Math.ceil(((gen + 1) * genMs + p.retentionMs) / 1000)),
    String(retentionS + 2 * DAY_S),
    String(retentionS + 33 * DAY_S),
    String(retentionS + 94 * DAY_S),
    String(nowMs - p.replayMs),
    String(nowMs - p.onlineWindowMs - DAY_S * 1000),
    String(STRIDE),
    String(TICKER_KEEP),
  ];
  const hashes = Buffer.allocUnsafe(events.length * 8);
  // only the last TICKER_KEEP notable events of a batch can survive the list trim
  let tickerFrom = 0;
  for (let i = events.length - 1, n = 0; i >= 0; i--) {
    if (TICKER_TYPES.has(events[i]!.type) && ++n === TICKER_KEEP) {
      tickerFrom = i;
      break;
    }
  }
  for (let i = 0; i < events.length; i++) {
    const ev = maskEvent(events[i]!);
    writeHash64(hashes, i * 8, ev.id);
    const per = p.clock.period(ev.ts);
    const member = 'member' in ev ? ev.member : '';
    let t = 'a';
    let a = '';
    let b = '';
    let c = '';
    switch (ev.type) {
      case 'study.completed':
        [t, a] = ['s', String(ev.minutes)];
        break;
      case 'exam.submitted':
        [t, a] = ['e', ev.passed ? '1' : '0'];
        break;
      case 'meeting.held':
        [t, a, b, c] = ['m', String(KIND_INDEX[ev.kind]), String(ev.attendees), String(ev.expected)];
        break;
      case 'transfer.updated':
        [t, a, b, c] = ['t', String(STAGE_RANK[ev.stage]), ev.transfer, ev.toOrg !== undefined ? `o:${ev.toOrg}` : `r:${ev.toRegion ?? ''}`];
        break;
      case 'member.checkin':
        [t, a] = ['c', cellOf(ev.lng, ev.lat)];
        break;
      case 'points.awarded':
        [t, a] = ['p', String(ev.points)];
        break;
      case 'member.active':
        break;
    }
    const item = i >= tickerFrom ? tickerItemOf(ev) : null;
    args.push(hashes.subarray(i * 8, i * 8 + 8), t, ev.org, member, per.day, per.month, per.quarter, String(per.hour), a, b, c, String(ev.ts), item ? JSON.stringify(item) : '', JSON.stringify(ev));
  }
  return args;
}
