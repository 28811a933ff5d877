// The ingest event contract (SPEC section 3). One source for the server's validation,
// the simulator's generator, the screen's types and the API docs.
import Type, { type Static } from 'typebox';

export const MAX_STRING = 200;
export const MAX_ID = 128;
export const MAX_NAME = 20;
export const MAX_BATCH_EVENTS = 10_000;
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export const EVENT_TYPES = [
  'study.completed',
  'exam.submitted',
  'meeting.held',
  'transfer.updated',
  'member.checkin',
  'points.awarded',
  'member.active',
  'dues.paid',
  'development.stage',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const MEETING_KINDS = ['assembly', 'committee', 'group', 'lecture'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export const TRANSFER_STAGES = ['applied', 'approved', 'received', 'completed', 'rejected'] as const;
export type TransferStage = (typeof TRANSFER_STAGES)[number];
export const OPEN_TRANSFER_STAGES: readonly TransferStage[] = ['applied', 'approved', 'received'];

/** 发展党员: 入党申请人 → 入党积极分子 → 发展对象 → 预备党员 → 正式党员, or dropped. */
export const DEVELOPMENT_STAGES = ['applicant', 'activist', 'candidate', 'probationary', 'full', 'dropped'] as const;
export type DevelopmentStage = (typeof DEVELOPMENT_STAGES)[number];
/** Stages of an open case (the funnel); `full` and `dropped` close it. */
export const OPEN_DEVELOPMENT_STAGES: readonly DevelopmentStage[] = [
  'applicant',
  'activist',
  'candidate',
  'probationary',
];

/** 党费 amount limits, yuan */
export const MAX_DUES_AMOUNT = 100_000;

export const CRS = ['gcj02', 'wgs84', 'bd09'] as const;
export type Crs = (typeof CRS)[number];

const Str = (max = MAX_STRING) => Type.String({ minLength: 1, maxLength: max });
// Typed as a tuple of literals: Static of Union(string[].map(...)) would be never.
const Literals = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as Type.TUnion<{
    -readonly [K in keyof T]: Type.TLiteral<T[K]>;
  }>;

/** Fields every event has. `ts` is epoch ms or an RFC 3339 string. */
const base = {
  id: Str(MAX_ID),
  ts: Type.Union([Type.Number(), Type.String({ maxLength: 64 })]),
  org: Str(),
};
const person = {
  member: Str(),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_NAME })),
};
const strict = { additionalProperties: false } as const;

export const StudyCompleted = Type.Object(
  {
    ...base,
    type: Type.Literal('study.completed'),
    ...person,
    course: Str(),
    minutes: Type.Number({ exclusiveMinimum: 0, maximum: 600 }),
  },
  strict,
);
export const ExamSubmitted = Type.Object(
  {
    ...base,
    type: Type.Literal('exam.submitted'),
    ...person,
    exam: Str(),
    score: Type.Number({ minimum: 0, maximum: 100 }),
    passed: Type.Boolean(),
  },
  strict,
);
export const MeetingHeld = Type.Object(
  {
    ...base,
    type: Type.Literal('meeting.held'),
    kind: Literals(MEETING_KINDS),
    attendees: Type.Integer({ minimum: 0 }),
    expected: Type.Integer({ minimum: 1 }),
  },
  strict,
);
export const TransferUpdated = Type.Object(
  {
    ...base,
    type: Type.Literal('transfer.updated'),
    ...person,
    transfer: Str(),
    stage: Literals(TRANSFER_STAGES),
    toOrg: Type.Optional(Str()),
    toRegion: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  },
  strict,
);
export const MemberCheckin = Type.Object(
  {
    ...base,
    type: Type.Literal('member.checkin'),
    ...person,
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    crs: Type.Optional(Literals(CRS)),
  },
  strict,
);
export const PointsAwarded = Type.Object(
  {
    ...base,
    type: Type.Literal('points.awarded'),
    ...person,
    points: Type.Integer({ minimum: -100, maximum: 100, not: { const: 0 } }),
    reason: Str(),
  },
  strict,
);
export const MemberActive = Type.Object({ ...base, type: Type.Literal('member.active'), ...person }, strict);
export const DuesPaid = Type.Object(
  {
    ...base,
    type: Type.Literal('dues.paid'),
    ...person,
    /** the month the dues are for (may differ from the month of `ts`) */
    month: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' }),
    /** yuan, > 0, ≤ MAX_DUES_AMOUNT, at most two decimals (checked in validate.ts) */
    amount: Type.Number({ exclusiveMinimum: 0, maximum: MAX_DUES_AMOUNT }),
  },
  strict,
);
export const DevelopmentStageEvent = Type.Object(
  {
    ...base,
    type: Type.Literal('development.stage'),
    /** the development case id (a person being developed; not a member yet) */
    person: Str(),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_NAME })),
    stage: Literals(DEVELOPMENT_STAGES),
    /** the day the case entered the stage, YYYY-MM-DD; never after `ts` (validate.ts) */
    since: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' }),
  },
  strict,
);

export const EVENT_SCHEMAS = {
  'study.completed': StudyCompleted,
  'exam.submitted': ExamSubmitted,
  'meeting.held': MeetingHeld,
  'transfer.updated': TransferUpdated,
  'member.checkin': MemberCheckin,
  'points.awarded': PointsAwarded,
  'member.active': MemberActive,
  'dues.paid': DuesPaid,
  'development.stage': DevelopmentStageEvent,
} as const;

export const IngestEvent = Type.Union(Object.values(EVENT_SCHEMAS));
/** An event as an upstream system sends it. (Mapped over EVENT_SCHEMAS: Static of a Union built
 * from Object.values() collapses to never.) */
export type IngestEvent = { [K in EventType]: Static<(typeof EVENT_SCHEMAS)[K]> }[EventType];
export type EventOf<T extends EventType> = Extract<IngestEvent, { type: T }>;

type Normalize<E> = E extends { type: 'member.checkin' }
  ? Omit<E, 'ts' | 'crs'> & { ts: number }
  : Omit<E, 'ts'> & { ts: number };
/**
 * An accepted event as the store sees it: `ts` is epoch ms, check-in coordinates are GCJ-02
 * (the frame of the boundary data) and `crs` is gone.
 */
export type NormalizedEvent = Normalize<IngestEvent>;

/** Why one event of a batch was rejected. Stable codes; `message` says which field and rule. */
export const REJECT_REASONS = [
  'not_object',
  'forbidden_key',
  'unknown_type',
  'unknown_field',
  'missing_field',
  'invalid_field',
  'invalid_ts',
  'ts_in_future',
  'ts_too_old',
  'unknown_org',
  'invalid_destination',
  'invalid_amount',
  'invalid_since',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const Rejection = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  id: Type.Union([Type.String(), Type.Null()]),
  reason: Literals(REJECT_REASONS),
  message: Type.String(),
});
export type Rejection = Static<typeof Rejection>;

export const IngestResponse = Type.Object({
  accepted: Type.Integer({ minimum: 0 }),
  duplicates: Type.Integer({ minimum: 0 }),
  rejected: Type.Array(Rejection),
});
export type IngestResponse = Static<typeof IngestResponse>;
