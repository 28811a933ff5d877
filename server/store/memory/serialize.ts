// MemState ⇄ snapshot-file lines (NDJSON, chunked so that no line grows unbounded).
import type { TransferStage } from '../../contract/index.ts';
import type { IdGenerations } from './ids.ts';
import { FAMILY_NAMES, SET_NAMES, TABLE_NAMES } from '../../aggregate/schema.ts';
import type { FamilyName, RecordTypes, SetName, TableName } from '../../aggregate/schema.ts';
import type { MemState } from './state.ts';

const CHUNK = 20_000;

export interface SnapshotHeader {
  k: 'h';
  v: 1;
  logSeq: number;
  version: number;
  accepted: number;
}

/** Version-1 files named tables, sets and records by these short names; still read. */
const LEGACY_TABLES: Record<string, TableName> = { d: 'day', m: 'month', q: 'quarter' };
const LEGACY_SETS: Record<string, SetName> = { d: 'learnersDay', m: 'learnersMonth' };

type Line =
  | SnapshotHeader
  | { k: 'roster'; orgs: MemState['roster'] }
  | { k: 'rows'; t: TableName | 'd' | 'm' | 'q'; p: string; rows: [string, ...number[]][] }
  | { k: 'set'; t: SetName | 'd' | 'm'; p: string; m: string[] }
  | { k: 'rec'; f: FamilyName; c: [key: string, record: RecordTypes[FamilyName]][] }
  | { k: 'tx'; c: [id: string, org: string, dest: string, stage: TransferStage, ts: number, openedTs: number][] }
  | { k: 'fl'; c: [member: string, org: string, ts: number, cell: string][] }
  | { k: 'on'; c: [member: string, org: string, ts: number][] }
  | { k: 'tk'; events: MemState['recent'] }
  | { k: 'ids'; g: number; h: string };

function* chunked<T>(it: Iterable<T>, make: (c: T[]) => Line): Generator<string> {
  let c: T[] = [];
  for (const x of it) {
    c.push(x);
    if (c.length >= CHUNK) {
      yield JSON.stringify(make(c));
      c = [];
    }
  }
  if (c.length) yield JSON.stringify(make(c));
}

function* map<T, U>(it: Iterable<T>, f: (x: T) => U): Generator<U> {
  for (const x of it) yield f(x);
}

/** Lines describing the whole state. Materialized eagerly by the caller (a consistent cut). */
export function* stateLines(st: MemState, ids: IdGenerations, header: SnapshotHeader): Generator<string> {
  yield JSON.stringify(header);
  yield JSON.stringify({ k: 'roster', orgs: st.roster });
  for (const t of TABLE_NAMES) {
    for (const [p, rows] of st.tables[t]) {
      yield* chunked(
        map(rows, ([org, r]) => [org, ...r] as [string, ...number[]]),
        (c) => ({ k: 'rows', t, p, rows: c }),
      );
    }
  }
  for (const t of SET_NAMES) for (const [p, s] of st.sets[t]) yield* chunked(s, (c) => ({ k: 'set', t, p, m: c }));
  for (const f of FAMILY_NAMES) {
    yield* chunked(st.records[f] as Map<string, RecordTypes[FamilyName]>, (c) => ({ k: 'rec', f, c }));
  }
  yield* chunked(
    map(st.online, ([m, x]) => [m, x.org, x.ts] as const),
    (c) => ({ k: 'on', c: c as never }),
  );
  yield JSON.stringify({ k: 'tk', events: st.recentInOrder() });
  for (const [g, h] of ids.chunks(CHUNK * 10)) yield JSON.stringify({ k: 'ids', g, h });
}

/** Applies one snapshot line; returns the header when the line is one. */
export function loadLine(st: MemState, ids: IdGenerations, raw: unknown): SnapshotHeader | null {
  const line = raw as Line;
  switch (line.k) {
    case 'h':
      return line;
    case 'roster':
      st.setRoster(line.orgs);
      break;
    case 'rows': {
      const tab = st.tables[LEGACY_TABLES[line.t] ?? (line.t as TableName)];
      let rows = tab.get(line.p);
      if (!rows) tab.set(line.p, (rows = new Map()));
      for (const [org, ...v] of line.rows) rows.set(org, Float64Array.from(v));
      break;
    }
    case 'set': {
      const sm = st.sets[LEGACY_SETS[line.t] ?? (line.t as SetName)];
      let s = sm.get(line.p);
      if (!s) sm.set(line.p, (s = new Set()));
      for (const m of line.m) s.add(m);
      break;
    }
    case 'rec': {
      const m = st.records[line.f] as Map<string, unknown>;
      for (const [key, r] of line.c) m.set(key, r);
      break;
    }
    case 'tx':
      for (const [id, org, dest, stage, ts, openedTs] of line.c)
        st.records.transfer.set(id, { org, dest, stage, ts, openedTs });
      break;
    case 'fl':
      for (const [m, org, ts, cell] of line.c) st.records.floating.set(m, { org, ts, cell });
      break;
    case 'on':
      for (const [m, org, ts] of line.c) st.online.set(m, { org, ts });
      break;
    case 'tk':
      for (const ev of line.events) st.remember(ev);
      break;
    case 'ids':
      ids.load(line.g, line.h);
      break;
  }
  return null;
}
