// The engine-neutral state a snapshot is built from: per-org counter tables per period plus
// the few per-entity records (transfer cases, floating members, online members, ticker).
// Both stores produce a RollupInput; buildSnapshot() is the only reader.
import type { EventType, Org, TickerItem } from '../contract/index.ts';
import type { DevelopmentCase, DevelopmentEntry, FloatingRecord, OrgTable, TransferCase } from './schema.ts';

export type { DevelopmentCase, DevelopmentEntry, FloatingRecord, TransferCase };

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
  development: Iterable<DevelopmentCase>;
  developmentEntries: Iterable<DevelopmentEntry>;
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
  'development.stage',
]);

/** How many recent ticker items an engine keeps (all regions together). */
export const TICKER_KEEP = 2000;
