// What a wall receives: the snapshot (GET /api/v1/snapshot, Socket.IO `snapshot`) and the
// frames (deltas). Aggregates only: no member id, name or exact coordinate appears here.
// Collections that change piecemeal are keyed records so that a frame can be an
// RFC 7386 JSON merge patch of the snapshot (a key set to null is removed).
import type { RegionLevel } from '../../geo/types.ts';
import type { DevelopmentStage, EventType, MeetingKind, TransferStage } from './events.ts';
import type { OrgKind, STRUCTURE_BANDS, StructureDimension } from './roster.ts';
import type { AlertPanel } from './alerts.ts';

export type { RegionLevel };

/** SPEC section 5; names are the contract. Rates are 0…1, null when the denominator is 0. */
export interface Kpi {
  orgs: number;
  members: number;
  learnersToday: number;
  studyRateToday: number | null;
  learnersMonth: number;
  studyRateMonth: number | null;
  studyMinutesToday: number;
  examsToday: number;
  examPassRateToday: number | null;
  meetingsMonth: number;
  meetingComplianceMonth: number | null;
  attendanceRateMonth: number | null;
  transfersOpen: number;
  transfersCompletedToday: number;
  transfersOverdue: number;
  floatingMembers: number;
  floatingOutOfContact: number;
  pointsMonth: number;
  onlineNow: number;
  /** distinct members with a dues.paid for the current month (by the event's `month`) */
  duesPaidMonth: number;
  duesRateMonth: number | null;
  /** yuan paid this calendar month (by `ts`), whatever months they were for */
  duesAmountMonth: number;
  developmentOpen: number;
  probationOverdue: number;
  newProbationaryYear: number;
  newFullYear: number;
}
export type KpiName = keyof Kpi;

export interface RegionRef {
  code: string;
  name: string;
  level: RegionLevel;
  /** true for township/village geometry derived for illustration (示意) */
  illustrative: boolean;
}

export interface ChildRegion extends RegionRef {
  kpi: Kpi;
}

export interface TransferFlow {
  /** origin region: the child region of the snapshot region holding the origin org */
  from: string;
  /** destination: a region code (6-digit outside the area, or the child region inside) */
  to: string;
  toName: string;
  /** destination label point [lng, lat] in GCJ-02 */
  toPoint: [lng: number, lat: number];
  fromPoint: [lng: number, lat: number];
  open: number;
  completed: number;
  rejected: number;
}

export interface FloatingFlow {
  /** home: the child region of the snapshot region */
  from: string;
  fromPoint: [lng: number, lat: number];
  /** destination province code (6-digit, e.g. 440000) and a representative point */
  to: string;
  toName: string;
  toPoint: [lng: number, lat: number];
  members: number;
}

export interface TickerItem {
  /** opaque item id (a hash, never a member id) */
  id: string;
  ts: number;
  type: EventType;
  org: string;
  orgName: string;
  region: string;
  /** masked name like 张*明, or null when the event carried none */
  who: string | null;
  detail: {
    course?: string;
    minutes?: number;
    exam?: string;
    score?: number;
    passed?: boolean;
    kind?: MeetingKind;
    attendees?: number;
    expected?: number;
    stage?: TransferStage;
    developmentStage?: DevelopmentStage;
    month?: string;
    amount?: number;
    points?: number;
    reason?: string;
  };
}

export type AlertLevel = 'info' | 'warn' | 'critical';
export interface Alert {
  /** stable for as long as the condition holds, e.g. "overdue:610113" */
  id: string;
  level: AlertLevel;
  rule:
    | 'transfers-overdue'
    | 'out-of-contact'
    | 'study-rate-low'
    | 'compliance-low'
    | 'ingest-stalled'
    | 'dues-low'
    | 'probation-overdue';
  region: string;
  regionName: string;
  value: number;
  threshold: number;
  message: { zh: string; en: string };
}

export interface Snapshot {
  region: RegionRef & { parent: string | null; ancestors: RegionRef[] };
  /** server time the aggregates were read, epoch ms */
  asOf: number;
  /** calendar day in the configured time zone, YYYY-MM-DD */
  day: string;
  timeZone: string;
  kpi: Kpi;
  /** keyed by child region code */
  children: Record<string, ChildRegion>;
  study: {
    /** study.completed events per hour (0…23) of today and of yesterday */
    hourlyToday: number[];
    hourlyYesterday: number[];
    /** last 30 days oldest first: day and distinct learners */
    daily: { day: string; learners: number }[];
  };
  meetings: {
    /** this month's meetings by kind */
    byKind: Record<MeetingKind, number>;
    branches: number;
    compliantBranches: number;
  };
  transfers: {
    /** cases by latest stage */
    stages: Record<TransferStage, number>;
    overdue: number;
    /** keyed by `${from}>${to}` */
    flows: Record<string, TransferFlow>;
  };
  floating: {
    members: number;
    outOfContact: number;
    /** H3 cell → members whose latest check-in lies in it; cells with < 5 members are dropped */
    cells: Record<string, number>;
    /** H3 resolution of `cells` */
    cellResolution: number;
    /** keyed by `${from}>${to}` */
    flows: Record<string, FloatingFlow>;
  };
  development: {
    /** cases by latest stage (closed ones too): the funnel */
    stages: Record<DevelopmentStage, number>;
    probationOverdue: number;
  };
  /** 党员结构, counts only: organizations that report structure, and their members by band */
  structure: {
    /** organizations of the region that carry `structure`, and their members */
    orgs: number;
    members: number;
    bands: { [D in StructureDimension]: Record<(typeof STRUCTURE_BANDS)[D][number], number> };
  };
  /** organizations by points this month, best first (top 10) */
  leaderboard: { org: string; name: string; kind: OrgKind; region: string; points: number }[];
  /** newest first, at most TICKER_MAX_ITEMS */
  ticker: TickerItem[];
  /** the conditions true now, judged on this wall's child regions at this instant (the rules'
   * thresholds, no lifecycle): what `alerting` is evaluated from, kept for API readers */
  alerts: Alert[];
  /** the alert lifecycle as this region's walls show it (issue 10): firing alerts at or below
   * the region, not silenced or inhibited, acknowledgements, storm mode */
  alerting: AlertPanel;
}

/** The ticker a snapshot carries and a wall keeps: at most this many items, newest first. */
export const TICKER_MAX_ITEMS = 30;

/** A delta. `patch` is an RFC 7386 merge patch of the previous Snapshot without `ticker`;
 * `ticker` holds only the items new since the previous frame, newest first. */
export interface Frame {
  seq: number;
  region: string;
  asOf: number;
  patch: Partial<Record<keyof Snapshot, unknown>>;
  ticker: TickerItem[];
}

export interface SnapshotMessage {
  seq: number;
  snapshot: Snapshot;
}

/** An organization as a map point (GET /api/v1/orgs?region=CODE). No personal data. */
export interface OrgPoint {
  id: string;
  name: string;
  kind: OrgKind;
  region: string;
  members: number;
  lng: number;
  lat: number;
}
