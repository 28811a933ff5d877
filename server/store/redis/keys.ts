// RedisStore key layout. Every key starts with `{prefix}:` — the braces are a Redis Cluster
// hash tag, so one deployment's keys share one slot and the ingest script may touch any of
// them atomically (see README: slot strategy). The aggregate keys follow the schema
// (aggregate/schema.ts): one prefix per counter table and distinct set, named here once.
import { FAMILIES, type FamilyName, type SetName, type TableName } from '../../aggregate/schema.ts';

export const keyBase = (prefix: string): string => `{${prefix}}:`;

/** The key prefix of each counter table (hash `${org}|${slot}` → count) and distinct-member
 * set (set of member ids), per period: `${prefix}:${period}`. Record hashes: FAMILIES[f].hash. */
export const PREFIX: Readonly<Record<TableName | SetName, string>> = {
  day: 'd',
  month: 'm',
  quarter: 'q',
  learnersDay: 'ld',
  learnersMonth: 'lm',
  duesMonth: 'dm',
};

/** The key (under the base) of a counter table's or a distinct set's period; also the name
 * of its change counter in `meta`. */
export const periodKey = (name: TableName | SetName, period: string): string => `${PREFIX[name]}:${period}`;

/** The hash (under the base) holding a record family: record key → `order␟min␟fields…`. */
export const recordKey = (family: FamilyName): string => FAMILIES[family].hash;

export const K = {
  ver: 'ver', // INCR per accepted batch and roster change
  rosterVersion: 'rv',
  roster: 'roster', // JSON of the organization tree
  meta: 'meta', // hash: section (key name: d:<day>, tx, on, tk, …) → change counter; n → accepted events
  layout: 'layout', // record encoding of the deployment's data (LAYOUT); absent before 2
  online: 'on', // zset `${org}␟${member}` → latest ts
  onlineOrg: 'ono', // hash member → org of its online entry
  ticker: 'tk', // list of ticker item JSON, newest first
  stream: 'x', // stream of raw (masked) events, last replayHours
  // set of id hashes as signed 64-bit integers (intset); `dd:<gen>:fmt` = set
  // (older generations: hash 8-byte id hash → '')
  dedupe: (gen: number, bucket: number) => `dd:${gen}:${bucket}`,
} as const;

/** 2: records as `order␟min␟fields…` (schema.ts FAMILIES); 1 (no `layout` key): tx and fl in
 * their former fixed encodings, converted by `migrateRecords` when a store opens. */
export const LAYOUT = 2;

export const SEP = '\x1f';
