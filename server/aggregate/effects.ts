// What an accepted event does to the aggregates, written once. `effectsOf` tells a sink the
// counter changes, distinct-member sightings, record updates and activity of one event; the
// embedded store applies them to its state, the Redis store encodes them for its generic
// script. The sink is a visitor so the hot path allocates nothing per counter. Pure.
import type { NormalizedEvent } from '../contract/index.ts';
import type { Period } from './period.ts';
import { cellOf } from './prepare.ts';
import {
  D_HOUR0,
  DAY,
  KIND_INDEX,
  M_KIND0,
  MONTH,
  Q_KIND0,
  type FamilyName,
  type RecordTypes,
  type SetName,
  type TableName,
} from './schema.ts';

export interface EffectSink {
  /** add `by` to field `slot` of the org's row of `table` for `period` */
  count(table: TableName, period: string, org: string, slot: number, by: number): void;
  /** `member` seen in `set` for `setPeriod`; the first sighting adds 1 to (table, period, org, slot) */
  distinct(
    set: SetName,
    setPeriod: string,
    member: string,
    table: TableName,
    period: string,
    org: string,
    slot: number,
  ): void;
  /** an update of the record `key` of `family`, merged by `mergeRecord` */
  record<F extends FamilyName>(family: F, key: string, value: RecordTypes[F]): void;
  /** the member was active at `ts` in `org` (online now: latest per member) */
  seen(member: string, org: string, ts: number): void;
}

/** Separates a development case id from the stage in a developmentEntry key. */
export const ENTRY_KEY_SEP = '\u001f';

function assertNever(x: never): never {
  throw new Error(`unhandled event type ${JSON.stringify((x as { type?: unknown }).type)}`);
}

/** Dues in fen: whole numbers (validation allows at most two decimals), so sums are exact. */
export const fenOf = (yuan: number): number => Math.round(yuan * 100);

export function effectsOf(ev: NormalizedEvent, p: Period, sink: EffectSink): void {
  const org = ev.org;
  switch (ev.type) {
    case 'study.completed':
      sink.count('day', p.day, org, DAY.studies, 1);
      sink.count('day', p.day, org, DAY.minutes, ev.minutes);
      sink.count('day', p.day, org, D_HOUR0 + p.hour, 1);
      sink.distinct('learnersDay', p.day, ev.member, 'day', p.day, org, DAY.learners);
      sink.distinct('learnersMonth', p.month, ev.member, 'month', p.month, org, MONTH.learners);
      break;
    case 'exam.submitted':
      sink.count('day', p.day, org, DAY.exams, 1);
      if (ev.passed) sink.count('day', p.day, org, DAY.passed, 1);
      break;
    case 'meeting.held': {
      const k = KIND_INDEX[ev.kind];
      sink.count('month', p.month, org, MONTH.meetings, 1);
      sink.count('month', p.month, org, MONTH.attendees, ev.attendees);
      sink.count('month', p.month, org, MONTH.expected, ev.expected);
      sink.count('month', p.month, org, M_KIND0 + k, 1);
      sink.count('quarter', p.quarter, org, Q_KIND0 + k, 1);
      break;
    }
    case 'points.awarded':
      sink.count('month', p.month, org, MONTH.points, ev.points);
      break;
    case 'transfer.updated': {
      const dest = ev.toOrg !== undefined ? `o:${ev.toOrg}` : `r:${ev.toRegion ?? ''}`;
      sink.record('transfer', ev.transfer, { org, dest, stage: ev.stage, ts: ev.ts, openedTs: ev.ts });
      break;
    }
    case 'member.checkin':
      sink.record('floating', ev.member, { org, ts: ev.ts, cell: cellOf(ev.lng, ev.lat) });
      break;
    case 'member.active':
      break;
    case 'dues.paid':
      // counted for the month paid for, whenever paid; the amount in the month it came in
      sink.distinct('duesMonth', ev.month, ev.member, 'month', ev.month, org, MONTH.duesPaid);
      sink.count('month', p.month, org, MONTH.duesFen, fenOf(ev.amount));
      break;
    case 'development.stage':
      sink.record('development', ev.person, { org, stage: ev.stage, since: ev.since, ts: ev.ts });
      if (ev.stage === 'probationary' || ev.stage === 'full') {
        sink.record('developmentEntry', `${ev.person}${ENTRY_KEY_SEP}${ev.stage}`, {
          org,
          stage: ev.stage,
          since: ev.since,
          ts: ev.ts,
        });
      }
      break;
    default:
      return assertNever(ev);
  }
  if ('member' in ev) sink.seen(ev.member, org, ev.ts);
}

/** One effect as data: what a collecting sink records (tests, docs). */
export type Effect =
  | { kind: 'count'; table: TableName; period: string; org: string; slot: number; by: number }
  | {
      kind: 'distinct';
      set: SetName;
      setPeriod: string;
      member: string;
      table: TableName;
      period: string;
      org: string;
      slot: number;
    }
  | { kind: 'record'; family: FamilyName; key: string; value: RecordTypes[FamilyName] }
  | { kind: 'seen'; member: string; org: string; ts: number };

/** The effects of one event as a list (allocates: not for the hot path). */
export function effectList(ev: NormalizedEvent, p: Period): Effect[] {
  const out: Effect[] = [];
  effectsOf(ev, p, {
    count: (table, period, org, slot, by) => out.push({ kind: 'count', table, period, org, slot, by }),
    distinct: (set, setPeriod, member, table, period, org, slot) =>
      out.push({ kind: 'distinct', set, setPeriod, member, table, period, org, slot }),
    record: (family, key, value) => out.push({ kind: 'record', family, key, value }),
    seen: (member, org, ts) => out.push({ kind: 'seen', member, org, ts }),
  });
  return out;
}
