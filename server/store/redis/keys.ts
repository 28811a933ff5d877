// RedisStore key layout 3. Deployment-wide keys (roster, roster version, layout marker, the
// county registry) are `{prefix}:…`; everything an event writes is under its county's tag,
// `{prefix:CCCCCC}:…` (CCCCCC = the first six digits of its org's roster region), so one area's
// data spreads over a Redis Cluster's shards while the ingest script still touches only keys of
// one slot per call (see README: slots). The aggregate keys follow the schema
// (aggregate/schema.ts): one prefix per counter table and distinct set, named here once.
import { FAMILIES, type FamilyName, type SetName, type TableName } from '../../aggregate/schema.ts';

/** Deployment-wide keys: `{prefix}:`. */
export const keyBase = (prefix: string): string => `{${prefix}}:`;

/** A county's keys (one slot group): `{prefix:CCCCCC}:`. */
export const countyBase = (prefix: string, county: string): string => `{${prefix}:${county}}:`;

/** The slot group of an org not on the roster (the route refuses such events; the store files
 * them rather than fail). */
export const NO_COUNTY = '000000';

/** The slot group of an org's roster region: its first six digits (a county, or for an org
 * above county level its own city's or province's code). */
export const countyOf = (region: string): string => (/^\d{6}/.test(region) ? region.slice(0, 6) : NO_COUNTY);

/** SCAN patterns: every county key of a deployment; its deployment-wide keys. */
export const countyPattern = (prefix: string, rest = '*'): string =>
  `{${globEscape(prefix)}:[0-9][0-9][0-9][0-9][0-9][0-9]}:${rest}`;
export const basePattern = (prefix: string, rest = '*'): string => `${globEscape(keyBase(prefix))}${rest}`;
const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, '\\$&');

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

/** The key (under a county base) of a counter table's or a distinct set's period; also the
 * name of its change counter in `meta`. */
export const periodKey = (name: TableName | SetName, period: string): string => `${PREFIX[name]}:${period}`;

/** The hash (under a county base) holding a record family: record key → `order␟min␟fields…`. */
export const recordKey = (family: FamilyName): string => FAMILIES[family].hash;

/** Keys under a county base (`{prefix:CCCCCC}:`) unless marked deployment-wide. */
export const K = {
  ver: 'ver', // INCR per accepted batch of the county
  rosterVersion: 'rv', // deployment-wide: INCR per roster change
  roster: 'roster', // deployment-wide: JSON of the organization tree
  layout: 'layout', // deployment-wide: the key layout (LAYOUT); absent before 2
  counties: 'counties', // deployment-wide: set of the counties that have data
  dedupeLow: 'dd:low', // deployment-wide: lowest dedupe generation that may still exist
  dedupeLegacy: 'ddlegacy', // deployment-wide: newest layout-2 dedupe generation still checked
  meta: 'meta', // hash: section (key name: d:<day>, tx, on, tk, …) → change counter; n → accepted events
  online: 'on', // zset `${org}␟${member}` → latest ts
  onlineOrg: 'ono', // hash member → org of its online entry
  ticker: 'tk', // list of ticker item JSON, newest first
  stream: 'x', // stream of raw (masked) events, last replayHours
  // set of id hashes as signed 64-bit integers (intset); `dd:<gen>:fmt` = set
  // (older generations: hash 8-byte id hash → '')
  dedupe: (gen: number, bucket: number) => `dd:${gen}:${bucket}`,
} as const;

/** 3: keys per county (this file); 2: every key under `{prefix}:` (converted when a store
 * opens, redis/convert.ts); 1 (no `layout` key): tx and fl in their former fixed encodings. */
export const LAYOUT = 3;

export const SEP = '\x1f';
