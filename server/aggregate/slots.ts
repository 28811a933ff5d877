// Per-organization counters, as fixed slots of one row per (period, org). Both engines keep
// exactly these numbers; the roll-up only ever reads them. MemoryStore holds rows as
// Float64Arrays, RedisStore as hash fields `${org}|${slot}` of one hash per period.
import { MEETING_KINDS, type MeetingKind } from '../contract/index.ts';

export const D_LEARNERS = 0; // distinct members with study.completed that day
export const D_MINUTES = 1;
export const D_EXAMS = 2;
export const D_PASSED = 3;
export const D_STUDIES = 4; // study.completed events
export const D_HOUR0 = 5; // study.completed events in hour h at D_HOUR0 + h
export const DAY_SLOTS = D_HOUR0 + 24;

export const M_LEARNERS = 0;
export const M_MEETINGS = 1;
export const M_ATTENDEES = 2;
export const M_EXPECTED = 3;
export const M_KIND0 = 4; // meetings of MEETING_KINDS[k] at M_KIND0 + k
export const M_POINTS = M_KIND0 + MEETING_KINDS.length;
export const MONTH_SLOTS = M_POINTS + 1;

export const Q_KIND0 = 0;
export const QUARTER_SLOTS = MEETING_KINDS.length;

export const KIND_INDEX: Readonly<Record<MeetingKind, number>> = Object.fromEntries(
  MEETING_KINDS.map((k, i) => [k, i]),
) as Record<MeetingKind, number>;

/** A row of counters per organization id. */
export type OrgTable = ReadonlyMap<string, ArrayLike<number>>;
