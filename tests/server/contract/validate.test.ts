// Every rule of SPEC sections 3–4 has an event (or org) that breaks it, and the exact reason.
import { describe, expect, it } from 'vitest';
import gcoord from 'gcoord';
import { Compile } from 'typebox/compile';
import { Org, type RejectReason } from '../../../server/contract/index.ts';
import { validateEvent } from '../../../server/contract/validate.ts';

const NOW = Date.UTC(2026, 10, 27, 4, 0, 0);
const DAY = 86_400_000;
const ctx = { nowMs: NOW, retentionMs: 35 * DAY, isKnownOrg: (o: string) => o === 'b1' || o === 'b2' };
const at = { id: 'e1', ts: NOW - 1000, org: 'b1' };
const who = { member: 'm1' };

const VALID = {
  study: { ...at, ...who, type: 'study.completed', course: 'c', minutes: 30 },
  exam: { ...at, ...who, type: 'exam.submitted', exam: 'x', score: 80, passed: true },
  meeting: { ...at, type: 'meeting.held', kind: 'group', attendees: 8, expected: 10 },
  transfer: { ...at, ...who, type: 'transfer.updated', transfer: 't1', stage: 'applied', toOrg: 'b2' },
  checkin: { ...at, ...who, type: 'member.checkin', lng: 113.26, lat: 23.13 },
  points: { ...at, ...who, type: 'points.awarded', points: 5, reason: 'r' },
  active: { ...at, ...who, type: 'member.active' },
  dues: { ...at, ...who, type: 'dues.paid', month: '2026-11', amount: 25.5 },
  development: { ...at, type: 'development.stage', person: 'p1', stage: 'activist', since: '2026-11-27' },
};
type Base = keyof typeof VALID;
const S = (n: number) => 'x'.repeat(n);

const CASES: [rule: string, base: Base | null, change: Record<string, unknown> | unknown, reason: RejectReason][] = [
  ['not an object', null, 42, 'not_object'],
  ['an array', null, [1], 'not_object'],
  ['null', null, null, 'not_object'],
  ['__proto__ key', null, JSON.parse('{"__proto__":{},"id":"e","type":"member.active"}'), 'forbidden_key'],
  ['constructor key', 'active', { constructor: 'x' }, 'forbidden_key'],
  ['unknown type', 'active', { type: 'member.deleted' }, 'unknown_type'],
  ['missing type', null, { id: 'e1', ts: NOW, org: 'b1' }, 'unknown_type'],
  ['unknown field', 'active', { extra: 1 }, 'unknown_field'],
  ['field of another type', 'active', { minutes: 3 }, 'unknown_field'],
  ['missing member', 'study', { member: undefined }, 'missing_field'],
  ['missing id', 'active', { id: undefined }, 'missing_field'],
  ['empty id', 'active', { id: '' }, 'invalid_field'],
  ['id over 128', 'active', { id: S(129) }, 'invalid_field'],
  ['string over 200', 'study', { course: S(201) }, 'invalid_field'],
  ['name over 20', 'study', { name: S(21) }, 'invalid_field'],
  ['minutes 0', 'study', { minutes: 0 }, 'invalid_field'],
  ['minutes over 600', 'study', { minutes: 601 }, 'invalid_field'],
  ['minutes a string', 'study', { minutes: '30' }, 'invalid_field'],
  ['score over 100', 'exam', { score: 101 }, 'invalid_field'],
  ['score negative', 'exam', { score: -1 }, 'invalid_field'],
  ['passed not boolean', 'exam', { passed: 'yes' }, 'invalid_field'],
  ['meeting kind unknown', 'meeting', { kind: 'party' }, 'invalid_field'],
  ['attendees negative', 'meeting', { attendees: -1 }, 'invalid_field'],
  ['attendees fractional', 'meeting', { attendees: 1.5 }, 'invalid_field'],
  ['expected 0', 'meeting', { expected: 0 }, 'invalid_field'],
  ['transfer stage unknown', 'transfer', { stage: 'lost' }, 'invalid_field'],
  ['toRegion not 6 digits', 'transfer', { toOrg: undefined, toRegion: '4401' }, 'invalid_field'],
  ['lng out of range', 'checkin', { lng: 181 }, 'invalid_field'],
  ['lat out of range', 'checkin', { lat: -91 }, 'invalid_field'],
  ['crs unknown', 'checkin', { crs: 'utm' }, 'invalid_field'],
  ['points 0', 'points', { points: 0 }, 'invalid_field'],
  ['points over 100', 'points', { points: 101 }, 'invalid_field'],
  ['points under -100', 'points', { points: -101 }, 'invalid_field'],
  ['points fractional', 'points', { points: 1.5 }, 'invalid_field'],
  ['ts a boolean', 'active', { ts: true }, 'invalid_field'],
  ['ts not a date', 'active', { ts: 'yesterday' }, 'invalid_ts'],
  ['ts without zone', 'active', { ts: '2026-11-27T04:00:00' }, 'invalid_ts'],
  ['ts fractional ms', 'active', { ts: NOW + 0.5 }, 'invalid_ts'],
  ['ts over 5 min ahead', 'active', { ts: NOW + 5 * 60_000 + 1 }, 'ts_in_future'],
  ['ts older than retention', 'active', { ts: NOW - 35 * DAY - 1 }, 'ts_too_old'],
  ['unknown org', 'active', { org: 'zz' }, 'unknown_org'],
  ['transfer without destination', 'transfer', { toOrg: undefined }, 'invalid_destination'],
  ['transfer with both destinations', 'transfer', { toRegion: '440100' }, 'invalid_destination'],
  ['transfer to unknown org', 'transfer', { toOrg: 'zz' }, 'invalid_destination'],
  ['dues month not YYYY-MM', 'dues', { month: '2026-13' }, 'invalid_field'],
  ['dues month a date', 'dues', { month: '2026-11-01' }, 'invalid_field'],
  ['dues amount 0', 'dues', { amount: 0 }, 'invalid_field'],
  ['dues amount negative', 'dues', { amount: -1 }, 'invalid_field'],
  ['dues amount over 100,000', 'dues', { amount: 100_000.01 }, 'invalid_field'],
  ['dues amount with three decimals', 'dues', { amount: 25.505 }, 'invalid_amount'],
  ['dues without member', 'dues', { member: undefined }, 'missing_field'],
  ['development stage unknown', 'development', { stage: 'member' }, 'invalid_field'],
  ['development without person', 'development', { person: undefined }, 'missing_field'],
  ['development since not a date', 'development', { since: '2026-11' }, 'invalid_field'],
  ['development since not on the calendar', 'development', { since: '2026-02-30' }, 'invalid_since'],
  ['development since after ts', 'development', { since: '2026-11-29' }, 'invalid_since'],
  ['development with a member field', 'development', { member: 'm1' }, 'unknown_field'],
];

function build(base: Base | null, change: unknown): unknown {
  if (base === null) return change;
  const out: Record<string, unknown> = { ...VALID[base], ...(change as object) };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

describe('validateEvent: every valid type passes', () => {
  it.each(Object.keys(VALID) as Base[])('%s', (base) => {
    const r = validateEvent(VALID[base], 0, ctx);
    expect(r.ok ? 'ok' : r.rejection.message).toBe('ok');
  });
  it.each([
    ['RFC 3339 Z', '2026-11-27T03:59:00Z', NOW - 60_000],
    ['RFC 3339 offset', '2026-11-27T11:59:00+08:00', NOW - 60_000],
    ['4 min ahead', NOW + 4 * 60_000, NOW + 4 * 60_000],
    ['34 days old', NOW - 34 * DAY, NOW - 34 * DAY],
  ])('ts %s', (_n, ts, ms) => {
    const r = validateEvent({ ...VALID.active, ts }, 0, ctx);
    expect(r.ok && r.event.ts).toBe(ms);
  });
});

describe('validateEvent: edges that pass', () => {
  it.each([
    ['dues of 0.01 yuan', { ...VALID.dues, amount: 0.01 }],
    ['dues of 100,000 yuan', { ...VALID.dues, amount: 100_000 }],
    ['dues with two decimals that binary floats blur', { ...VALID.dues, amount: 1.15 }],
    ['dues for a month long ago', { ...VALID.dues, month: '2019-01' }],
    ['a stage entered years ago', { ...VALID.development, since: '2009-07-01' }],
    [
      'a stage entered on the local day of ts in UTC+8 (UTC still the day before)',
      { ...VALID.development, since: '2026-11-28', ts: Date.UTC(2026, 10, 27, 17) },
    ],
  ])('%s', (_n, ev) => {
    const r = validateEvent(ev, 0, { ...ctx, nowMs: Date.UTC(2026, 10, 27, 18) });
    expect(r.ok ? 'ok' : r.rejection.message).toBe('ok');
  });
});

describe('validateEvent: each rule and its reason', () => {
  it.each(CASES)('%s → %s', (_rule, base, change, reason) => {
    const r = validateEvent(build(base, change), 7, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.rejection.reason).toBe(reason);
      expect(r.rejection.index).toBe(7);
    }
  });
});

describe('check-in coordinates become GCJ-02 (gcoord)', () => {
  it.each([
    ['gcj02 default', undefined, [113.26, 23.13]],
    ['gcj02 explicit', 'gcj02', [113.26, 23.13]],
    ['wgs84', 'wgs84', gcoord.transform([113.26, 23.13], gcoord.WGS84, gcoord.GCJ02)],
    ['bd09', 'bd09', gcoord.transform([113.26, 23.13], gcoord.BD09, gcoord.GCJ02)],
  ])('%s', (_n, crs, expected) => {
    const r = validateEvent(build('checkin', { crs }), 0, ctx);
    expect(r.ok).toBe(true);
    if (r.ok && r.event.type === 'member.checkin') {
      expect([r.event.lng, r.event.lat]).toEqual(expected);
      expect(r.event).not.toHaveProperty('crs');
      if (crs === 'wgs84') expect(r.event.lng).not.toBe(113.26);
    }
  });
});

describe('Org schema (SPEC 4)', () => {
  const check = Compile(Org);
  const ok = { id: 'b1', name: '第一支部', parent: null, kind: 'branch', region: '610113', members: 3 };
  it.each([
    ['valid county', {}, true],
    ['valid village', { region: '610113001001' }, true],
    ['with point', { lng: 108.9, lat: 34.2 }, true],
    ['region 4 digits', { region: '6101' }, false],
    ['region 7 digits', { region: '6101130' }, false],
    ['kind unknown', { kind: 'cell' }, false],
    ['members negative', { members: -1 }, false],
    ['members fractional', { members: 1.5 }, false],
    ['unknown field', { leader: 'x' }, false],
    ['name empty', { name: '' }, false],
    ['parent missing', { parent: undefined }, false],
    ['lat out of range', { lat: 91, lng: 1 }, false],
    [
      'with structure',
      { structure: { gender: { male: 2, female: 1 }, tenure: { lt5: 1, '5to20': 1, gt20: 1 } } },
      true,
    ],
    ['structure band unknown', { structure: { gender: { male: 2, female: 1, other: 0 } } }, false],
    ['structure band missing', { structure: { age: { le30: 3 } } }, false],
    ['structure dimension unknown', { structure: { income: { low: 3 } } }, false],
    ['structure count negative', { structure: { gender: { male: 4, female: -1 } } }, false],
  ])('%s', (_n, change, valid) => {
    const org: Record<string, unknown> = { ...ok, ...change };
    for (const k of Object.keys(org)) if (org[k] === undefined) delete org[k];
    expect(check.Check(org)).toBe(valid);
  });
});
