// What each event type does, as a table: effectsOf's effects, then the same event through both
// engines, whose roll-up input must show exactly those effects (and nothing else).
import { afterAll, describe, expect, it } from 'vitest';
import { effectList, ENTRY_KEY_SEP, type Effect } from '../../../server/aggregate/effects.ts';
import type { RollupInput } from '../../../server/aggregate/model.ts';
import { ZonedClock } from '../../../server/aggregate/period.ts';
import { cellOf } from '../../../server/aggregate/prepare.ts';
import { D_HOUR0, DAY, MONTH, QUARTER, type TableName } from '../../../server/aggregate/schema.ts';
import { EVENT_TYPES, type NormalizedEvent } from '../../../server/contract/index.ts';
import type { Store } from '../../../server/store/types.ts';
import { memoryHarness } from '../store/engines.ts';
import * as F from '../store/fixtures.ts';
import { redisHarness } from '../store/redis-harness.ts';

const clock = new ZonedClock('Asia/Shanghai');
const TS = F.NOW - 2 * F.MIN; // 2026-11-27 11:58 Shanghai: inside the online window
const P = clock.period(TS);
const ORG = 'b-a1';
const c = (table: TableName, period: string, slot: number, by: number): Effect => ({
  kind: 'count',
  table,
  period,
  org: ORG,
  slot,
  by,
});
const seen: Effect = { kind: 'seen', member: 'm1', org: ORG, ts: TS };

const CASES: [string, NormalizedEvent, Effect[]][] = [
  [
    'study.completed',
    F.study(ORG, 'm1', TS, 25),
    [
      c('day', P.day, DAY.studies, 1),
      c('day', P.day, DAY.minutes, 25),
      c('day', P.day, D_HOUR0 + 11, 1),
      {
        kind: 'distinct',
        set: 'learnersDay',
        setPeriod: P.day,
        member: 'm1',
        table: 'day',
        period: P.day,
        org: ORG,
        slot: DAY.learners,
      },
      {
        kind: 'distinct',
        set: 'learnersMonth',
        setPeriod: P.month,
        member: 'm1',
        table: 'month',
        period: P.month,
        org: ORG,
        slot: MONTH.learners,
      },
      seen,
    ],
  ],
  [
    'exam.submitted (passed)',
    F.exam(ORG, 'm1', TS, true),
    [c('day', P.day, DAY.exams, 1), c('day', P.day, DAY.passed, 1), seen],
  ],
  ['exam.submitted (failed)', F.exam(ORG, 'm1', TS, false), [c('day', P.day, DAY.exams, 1), seen]],
  [
    'meeting.held',
    F.meeting(ORG, 'lecture', TS, 7, 9),
    [
      c('month', P.month, MONTH.meetings, 1),
      c('month', P.month, MONTH.attendees, 7),
      c('month', P.month, MONTH.expected, 9),
      c('month', P.month, MONTH['kind.lecture'], 1),
      c('quarter', P.quarter, QUARTER['kind.lecture'], 1),
    ],
  ],
  ['points.awarded', F.points(ORG, 'm1', TS, -5), [c('month', P.month, MONTH.points, -5), seen]],
  [
    'transfer.updated',
    { ...F.transfer(ORG, 'T1', 'approved', TS, { toOrg: 'b-x1' }), member: 'm1' } as NormalizedEvent,
    [
      {
        kind: 'record',
        family: 'transfer',
        key: 'T1',
        value: { org: ORG, dest: 'o:b-x1', stage: 'approved', ts: TS, openedTs: TS },
      },
      seen,
    ],
  ],
  [
    'member.checkin',
    F.checkin(ORG, 'm1', TS, 113.27, 23.13),
    [{ kind: 'record', family: 'floating', key: 'm1', value: { org: ORG, ts: TS, cell: cellOf(113.27, 23.13) } }, seen],
  ],
  ['member.active', F.active(ORG, 'm1', TS), [seen]],
  [
    'dues.paid (for last month)',
    F.dues(ORG, 'm1', TS, '2026-10', 12.34),
    [
      {
        kind: 'distinct',
        set: 'duesMonth',
        setPeriod: '2026-10',
        member: 'm1',
        table: 'month',
        period: '2026-10',
        org: ORG,
        slot: MONTH.duesPaid,
      },
      c('month', P.month, MONTH.duesFen, 1234),
      seen,
    ],
  ],
  [
    'development.stage (activist)',
    F.development(ORG, 'p1', 'activist', '2026-05-01', TS),
    [
      {
        kind: 'record',
        family: 'development',
        key: 'p1',
        value: { org: ORG, stage: 'activist', since: '2026-05-01', ts: TS },
      },
    ],
  ],
  [
    'development.stage (probationary)',
    F.development(ORG, 'p1', 'probationary', '2026-05-01', TS),
    [
      {
        kind: 'record',
        family: 'development',
        key: 'p1',
        value: { org: ORG, stage: 'probationary', since: '2026-05-01', ts: TS },
      },
      {
        kind: 'record',
        family: 'developmentEntry',
        key: `p1${ENTRY_KEY_SEP}probationary`,
        value: { org: ORG, stage: 'probationary', since: '2026-05-01', ts: TS },
      },
    ],
  ],
];

describe('effectsOf', () => {
  it('has a case for every event type', () => {
    const covered = new Set(CASES.map(([, ev]) => ev.type));
    expect(EVENT_TYPES.filter((t) => !covered.has(t))).toEqual([]);
  });
  it.each(CASES)('%s', (_, ev, effects) => expect(effectList(ev, P)).toEqual(effects));
  it('throws on a type it does not know (never silently a heartbeat)', () => {
    expect(() =>
      effectList({ ...F.active(ORG, 'm1', TS), type: 'member.teleported' } as unknown as NormalizedEvent, P),
    ).toThrow(/unhandled event type "member.teleported"/);
  });
});

/** What the roll-up input shows of one event, as effects (rows → counts, records, online). */
function observed(input: RollupInput, events: NormalizedEvent[]): Effect[] {
  const out: Effect[] = [];
  const tables: [TableName, ReadonlyMap<string, ReadonlyMap<string, ArrayLike<number>>>][] = [
    ['day', input.days],
    ['month', input.months],
    ['quarter', input.quarters],
  ];
  for (const [table, byPeriod] of tables) {
    for (const [period, rows] of byPeriod) {
      for (const [org, row] of rows)
        for (let slot = 0; slot < row.length; slot++)
          if (row[slot]) out.push({ kind: 'count', table, period, org, slot, by: row[slot]! });
    }
  }
  const ev = events[0]!;
  const key =
    (ev as { transfer?: string; person?: string; member?: string }).transfer ??
    (ev as { person?: string }).person ??
    '';
  for (const value of input.transfers) out.push({ kind: 'record', family: 'transfer', key, value });
  for (const value of input.floating)
    out.push({ kind: 'record', family: 'floating', key: (ev as { member: string }).member, value });
  for (const value of input.development) out.push({ kind: 'record', family: 'development', key, value });
  for (const value of input.developmentEntries) {
    out.push({ kind: 'record', family: 'developmentEntry', key: `${key}${ENTRY_KEY_SEP}${value.stage}`, value });
  }
  for (const o of input.online)
    out.push({ kind: 'seen', member: (ev as { member: string }).member, org: o.org, ts: o.ts });
  return out;
}

/** The effects as the engines keep them: a distinct sighting is its counter's +1. */
function applied(effects: Effect[]): Effect[] {
  return effects.map((e) =>
    e.kind === 'distinct' ? { kind: 'count', table: e.table, period: e.period, org: e.org, slot: e.slot, by: 1 } : e,
  );
}
const sortKey = (e: Effect): string => JSON.stringify(e);

const engines = [memoryHarness(), await redisHarness()];
for (const h of engines) {
  if (!h) continue;
  describe(`the effects through ${h.name}`, () => {
    const open: Store[] = [];
    afterAll(async () => {
      for (const s of open) await s.close();
      await h.cleanup();
    });
    // the dues case is paid for October: that month's row is outside the months a wall reads,
    // so it is read back at a November instant for its amount and an October one for the payer
    it.each(CASES.filter(([name]) => !name.startsWith('dues')))('%s', async (_, ev, effects) => {
      const s = await h.create();
      open.push(s);
      await s.putRoster(F.ROSTER);
      expect((await s.ingest([{ ...ev }], F.NOW)).accepted).toBe(1);
      const got = observed(await s.rollupInput(F.NOW), [ev])
        .map(sortKey)
        .sort();
      expect(got).toEqual(applied(effects).map(sortKey).sort());
    });
    it('dues.paid (for last month)', async () => {
      const s = await h.create();
      open.push(s);
      await s.putRoster(F.ROSTER);
      const [, ev] = CASES.find(([name]) => name.startsWith('dues'))!;
      await s.ingest([{ ...ev }], F.NOW);
      const nov = (await s.rollupInput(F.NOW)).months.get('2026-11')!.get(ORG)!;
      expect(nov[MONTH.duesFen]).toBe(1234);
      expect(nov[MONTH.duesPaid] ?? 0).toBe(0);
      const oct = (await s.rollupInput(Date.UTC(2026, 9, 20, 4))).months.get('2026-10')!.get(ORG)!;
      expect(oct[MONTH.duesPaid]).toBe(1);
    });
  });
}
