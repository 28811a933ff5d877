// MemState ⇄ snapshot-file lines (NDJSON, chunked so that no line grows unbounded).
import type { TransferStage } from '../../contract/index.ts';
import type { IdGenerations } from './ids.ts';
import type { MemState, Rows } from './state.ts';

const CHUNK = 20_000;

export interface SnapshotHeader {
  k: 'h';
  v: 1;
  logSeq: number;
  version: number;
  accepted: number;
}

type Line =
  | SnapshotHeader
  | { k: 'roster'; orgs: MemState['roster'] }
  | { k: 'rows'; t: 'd' | 'm' | 'q'; p: string; rows: [string, ...number[]][] }
  | { k: 'set'; t: 'd' | 'm'; p: string; m: string[] }
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
  const tables: ['d' | 'm' | 'q', Map<string, Rows>][] = [['d', st.days], ['m', st.months], ['q', st.quarters]];
  for (const [t, tab] of tables) {
    for (const [p, rows] of tab) {
      yield* chunked(map(rows, ([org, r]) => [org, ...r] as [string, ...number[]]), (c) => ({ k: 'rows', t, p, rows: c }));
    }
  }
  const sets: ['d' | 'm', Map<string, Set<string>>][] = [['d', st.dayLearners], ['m', st.monthLearners]];
  for (const [t, sm] of sets) for (const [p, s] of sm) yield* chunked(s, (c) => ({ k: 'set', t, p, m: c }));
  yield* chunked(map(st.transfers, ([id, x]) => [id, x.org, x.dest, x.stage, x.ts, x.openedTs] as const), (c) => ({ k: 'tx', c: c as never }));
  yield* chunked(map(st.floating, ([m, x]) => [m, x.org, x.ts, x.cell] as const), (c) => ({ k: 'fl', c: c as never }));
  yield* chunked(map(st.online, ([m, x]) => [m, x.org, x.ts] as const), (c) => ({ k: 'on', c: c as never }));
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
      const tab = line.t === 'd' ? st.days : line.t === 'm' ? st.months : st.quarters;
      let rows = tab.get(line.p);
      if (!rows) tab.set(line.p, (rows = new Map()));
      for (const [org, ...v] of line.rows) rows.set(org, Float64Array.from(v));
      break;
    }
    case 'set': {
      const sm = line.t === 'd' ? st.dayLearners : st.monthLearners;
      let s = sm.get(line.p);
      if (!s) sm.set(line.p, (s = new Set()));
      for (const m of line.m) s.add(m);
      break;
    }
    case 'tx':
      for (const [id, org, dest, stage, ts, openedTs] of line.c) st.transfers.set(id, { org, dest, stage, ts, openedTs });
      break;
    case 'fl':
      for (const [m, org, ts, cell] of line.c) st.floating.set(m, { org, ts, cell });
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
