// The one table of what the engines keep (shared by the write side, effects.ts, and the read
// side, the roll-up): per-organization counter fields per period kind, distinct-member sets and
// entity record families. Slot numbers are generated from the field names here, never written
// by hand; both engines and the Redis script take them from this table. Pure data.
import {
  DEVELOPMENT_STAGES,
  MEETING_KINDS,
  TRANSFER_STAGES,
  type DevelopmentStage,
  type MeetingKind,
} from '../contract/index.ts';
import type { TransferStage } from '../contract/index.ts';

const HOURS = Array.from({ length: 24 }, (_, h) => `hour${h}` as const);
const KINDS = MEETING_KINDS.map((k) => `kind.${k}` as const);

/** Counter fields per period kind, in slot order. Append only: a slot's number is its place
 * (Redis keeps rows as hash fields `${org}|${slot}`). */
export const TABLE_FIELDS = {
  day: ['learners', 'minutes', 'exams', 'passed', 'studies', ...HOURS],
  month: ['learners', 'meetings', 'attendees', 'expected', ...KINDS, 'points', 'duesPaid', 'duesFen'],
  quarter: [...KINDS],
} as const;
export type TableName = keyof typeof TABLE_FIELDS;
export const TABLE_NAMES = Object.keys(TABLE_FIELDS) as TableName[];

type SlotsOf<T extends readonly string[]> = { readonly [K in T[number]]: number };
function slotsOf<T extends readonly string[]>(fields: T): SlotsOf<T> {
  return Object.freeze(Object.fromEntries(fields.map((f, i) => [f, i]))) as SlotsOf<T>;
}
export const DAY = slotsOf(TABLE_FIELDS.day);
export const MONTH = slotsOf(TABLE_FIELDS.month);
export const QUARTER = slotsOf(TABLE_FIELDS.quarter);
export const SLOTS_OF: Readonly<Record<TableName, number>> = {
  day: TABLE_FIELDS.day.length,
  month: TABLE_FIELDS.month.length,
  quarter: TABLE_FIELDS.quarter.length,
};

// Names the read side uses (derived from the table above).
export const D_LEARNERS = DAY.learners; // distinct members with study.completed that day
export const D_MINUTES = DAY.minutes;
export const D_EXAMS = DAY.exams;
export const D_PASSED = DAY.passed;
export const D_STUDIES = DAY.studies; // study.completed events
// study.completed events in hour h at D_HOUR0 + h
export const D_HOUR0: number = (TABLE_FIELDS.day as readonly string[]).indexOf('hour0');
export const DAY_SLOTS = SLOTS_OF.day;
export const M_LEARNERS = MONTH.learners;
export const M_MEETINGS = MONTH.meetings;
export const M_ATTENDEES = MONTH.attendees;
export const M_EXPECTED = MONTH.expected;
export const M_KIND0 = MONTH['kind.assembly']; // meetings of MEETING_KINDS[k] at M_KIND0 + k
export const M_POINTS = MONTH.points;
/** distinct members who paid dues *for* this month (the row of the month paid for) */
export const M_DUES_PAID = MONTH.duesPaid;
/** dues paid *in* this month (by ts), in fen: whole numbers, so sums are exact */
export const M_DUES_FEN = MONTH.duesFen;
export const MONTH_SLOTS = SLOTS_OF.month;
export const Q_KIND0 = QUARTER['kind.assembly'];
export const QUARTER_SLOTS = SLOTS_OF.quarter;

export const KIND_INDEX: Readonly<Record<MeetingKind, number>> = Object.fromEntries(
  MEETING_KINDS.map((k, i) => [k, i]),
) as Record<MeetingKind, number>;

/** Distinct-member sets: a member's first sighting in a set's period adds 1 to a counter. */
export const SET_PERIODS = {
  learnersDay: 'day',
  learnersMonth: 'month',
  /** keyed by the month the dues are for */
  duesMonth: 'month',
} as const satisfies Record<string, TableName>;
export type SetName = keyof typeof SET_PERIODS;
export const SET_NAMES = Object.keys(SET_PERIODS) as SetName[];

/** Rank of a stage inside its pipeline: the later stage wins a tie of equal ts. */
export const STAGE_RANK: Readonly<Record<TransferStage, number>> = Object.fromEntries(
  TRANSFER_STAGES.map((s, i) => [s, i]),
) as Record<TransferStage, number>;
export const DEVELOPMENT_RANK: Readonly<Record<DevelopmentStage, number>> = Object.fromEntries(
  DEVELOPMENT_STAGES.map((s, i) => [s, i]),
) as Record<DevelopmentStage, number>;
/** ts × RANKS + rank orders by ts, then by stage (exact in a double: ts < 2^50) */
export const RANKS = 8;

export interface TransferCase {
  /** origin organization (the event's `org`, of the latest stage) */
  org: string;
  /** `o:${toOrg}` or `r:${toRegion}` */
  dest: string;
  stage: TransferStage;
  /** ts of the latest stage */
  ts: number;
  /** earliest ts seen for the case: when it was applied for */
  openedTs: number;
}

export interface FloatingRecord {
  /** home organization */
  org: string;
  /** ts of the latest check-in */
  ts: number;
  /** H3 cell of the latest check-in */
  cell: string;
}

export interface DevelopmentCase {
  /** the developing branch (the event's `org`, of the latest stage) */
  org: string;
  stage: DevelopmentStage;
  /** YYYY-MM-DD the case entered `stage` */
  since: string;
  ts: number;
}

/** A case's entry into a stage that the year's counts need (probationary, full), kept apart from
 * the latest stage: a case that became probationary this year and was dropped still entered it. */
export interface DevelopmentEntry {
  org: string;
  stage: 'probationary' | 'full';
  since: string;
  ts: number;
}

export interface RecordTypes {
  transfer: TransferCase;
  floating: FloatingRecord;
  development: DevelopmentCase;
  developmentEntry: DevelopmentEntry;
}
export type FamilyName = keyof RecordTypes;

/**
 * An entity record family: one record per key, the update with the higher `order` wins
 * (`tie`: an equal order wins too, i.e. the later arrival); `min` names a numeric field that
 * keeps the smallest value any update carried, whoever wins. `fields` is the record's encoding
 * (Redis: the values joined by \x1f after the order and the min). Records never expire.
 */
export interface Family<F extends FamilyName> {
  /** Redis hash of the family (under the deployment's key base) */
  hash: string;
  tie: boolean;
  min?: keyof RecordTypes[F] & string;
  order: (r: RecordTypes[F]) => number;
  /** the record's fields in encoding order, excluding `min` */
  fields: readonly (keyof RecordTypes[F] & string)[];
  /** the numeric fields among `fields` (decoded as numbers) */
  numeric: readonly (keyof RecordTypes[F] & string)[];
}

export const FAMILIES: { readonly [F in FamilyName]: Family<F> } = {
  transfer: {
    hash: 'tx',
    tie: false,
    min: 'openedTs',
    order: (r) => r.ts * RANKS + STAGE_RANK[r.stage],
    fields: ['org', 'dest', 'stage', 'ts'],
    numeric: ['ts'],
  },
  floating: { hash: 'fl', tie: true, order: (r) => r.ts, fields: ['org', 'ts', 'cell'], numeric: ['ts'] },
  development: {
    hash: 'dv',
    tie: false,
    order: (r) => r.ts * RANKS + DEVELOPMENT_RANK[r.stage],
    fields: ['org', 'stage', 'since', 'ts'],
    numeric: ['ts'],
  },
  developmentEntry: {
    hash: 'dve',
    tie: false,
    order: (r) => r.ts,
    fields: ['org', 'stage', 'since', 'ts'],
    numeric: ['ts'],
  },
};
export const FAMILY_NAMES = Object.keys(FAMILIES) as FamilyName[];

/** The generic merge rule every engine applies (RedisStore's script mirrors it field-blind):
 * the record to keep, `prev` itself when nothing changed. Records are never modified in place. */
export function mergeRecord<F extends FamilyName>(
  family: F,
  prev: RecordTypes[F] | undefined,
  next: RecordTypes[F],
): RecordTypes[F] {
  if (!prev) return next;
  const fam = FAMILIES[family] as Family<F>;
  const a = fam.order(next);
  const b = fam.order(prev);
  const wins = a > b || (fam.tie && a === b);
  const m = fam.min;
  if (m === undefined) return wins ? next : prev;
  const low = Math.min(prev[m] as number, next[m] as number);
  if (wins) return next[m] === low ? next : { ...next, [m]: low };
  return prev[m] === low ? prev : { ...prev, [m]: low };
}

/** days of day tables the read side needs (the 30-day learners series) */
export const DAILY_DAYS = 30;

/** H3 resolution of floating-member cells */
export const FLOATING_CELL_RESOLUTION = 5;

/** A row of counters per organization id. */
export type OrgTable = ReadonlyMap<string, ArrayLike<number>>;
