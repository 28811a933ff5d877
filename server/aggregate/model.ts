// The engine-neutral state a snapshot is built from: per-org counter tables per period plus
// the few per-entity records (transfer cases, floating members, online members, ticker).
// Both stores produce a RollupInput; buildSnapshot() is the only reader.
import type { EventType, Org, TickerItem, TransferStage } from '../contract/index.ts';
import type { OrgTable } from './slots.ts';

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

export interface OnlineRecord {
  org: string;
  ts: number;
}

/** A ticker item as stored: masked at ingest, region and org name resolved when read. */
export type StoredTickerItem = Omit<TickerItem, 'orgName' | 'region'>;

export interface RollupInput {
  roster: readonly Org[];
  /** day key → per-org day rows; must hold at least the last 30 days that have data */
  days: ReadonlyMap<string, OrgTable>;
  /** month key → per-org month rows (this month at least) */
  months: ReadonlyMap<string, OrgTable>;
  /** quarter key → per-org quarter rows (this quarter at least) */
  quarters: ReadonlyMap<string, OrgTable>;
  transfers: Iterable<TransferCase>;
  floating: Iterable<FloatingRecord>;
  online: Iterable<OnlineRecord>;
  /** recent ticker items, any order; buildSnapshot sorts and scopes them */
  ticker: Iterable<StoredTickerItem>;
}

export interface RollupOptions {
  timeZone: string;
  overdueDays: number;
  outOfContactDays: number;
  onlineWindowMs: number;
}

export const TICKER_TYPES: ReadonlySet<EventType> = new Set([
  'study.completed',
  'exam.submitted',
  'meeting.held',
  'transfer.updated',
  'points.awarded',
]);

/** How many recent ticker items an engine keeps (all regions together). */
export const TICKER_KEEP = 2000;
