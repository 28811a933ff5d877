// Reading RedisStore's aggregates into a RollupInput with a small constant number of rounds,
// each one pipeline per master node, in parallel: one for the versions (rv, the county
// registry, every county's ver and meta), one for the sections whose change counter moved
// since the cached copy. Sections follow the schema (aggregate/schema.ts): the day tables of the
// last DAILY_DAYS days, this month's and this quarter's tables, every record family's hash;
// plus the online zset and the ticker. Each county keeps its own copy of every section; the
// reader merges them (rows summed per org, records by the merge rule, online latest per
// member, ticker newest first).
import type { Org } from '../../contract/index.ts';
import type { OnlineRecord, RollupInput, StoredTickerItem } from '../../aggregate/model.ts';
import { TICKER_KEEP } from '../../aggregate/model.ts';
import type { ZonedClock } from '../../aggregate/period.ts';
import { lastDays } from '../../aggregate/period.ts';
import {
  DAILY_DAYS,
  FAMILIES,
  FAMILY_NAMES,
  mergeRecord,
  SLOTS_OF,
  type FamilyName,
  type RecordTypes,
  type TableName,
} from '../../aggregate/schema.ts';
import { countyBase, countyOf, K, keyBase, periodKey, recordKey, SEP } from './keys.ts';
import type { Nodes } from './nodes.ts';

type Rows = Map<string, Float64Array>;

export function parseRows(flat: string[], slots: number): Rows {
  const rows: Rows = new Map();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const f = flat[i]!;
    const bar = f.lastIndexOf('|');
    const org = f.slice(0, bar);
    const slot = Number(f.slice(bar + 1));
    if (!(slot >= 0 && slot < slots)) continue;
    let r = rows.get(org);
    if (!r) rows.set(org, (r = new Float64Array(slots)));
    r[slot] = Number(flat[i + 1]);
  }
  return rows;
}

/** A family's records from its hash (field → `order␟min␟fields…`, ingest.lua): `fields` in the
 * family's order, `numeric` ones as numbers, the `min` field from its own place. */
export function parseRecords<F extends FamilyName>(family: F, flat: string[]): RecordTypes[F][] {
  return parseKeyedRecords(family, flat).recs;
}

interface Keyed<T> {
  keys: string[];
  recs: T[];
}

function parseKeyedRecords<F extends FamilyName>(family: F, flat: string[]): Keyed<RecordTypes[F]> {
  const fam = FAMILIES[family];
  const names = fam.fields as readonly string[];
  const numeric = names.map((f) => (fam.numeric as readonly string[]).includes(f));
  const min = fam.min as string | undefined;
  const out: Keyed<RecordTypes[F]> = { keys: [], recs: [] };
  for (let i = 1; i < flat.length; i += 2) {
    const parts = flat[i]!.split(SEP);
    if (parts.length !== names.length + 2) continue; // not this layout (see LAYOUT, migrateRecords)
    const r: Record<string, string | number> = {};
    for (let j = 0; j < names.length; j++) r[names[j]!] = numeric[j] ? Number(parts[j + 2]) : parts[j + 2]!;
    if (min !== undefined) r[min] = Number(parts[1]);
    out.keys.push(flat[i - 1]!);
    out.recs.push(r as unknown as RecordTypes[F]);
  }
  return out;
}

interface OnlineEntry extends OnlineRecord {
  member: string;
}

function parseOnline(flat: string[]): OnlineEntry[] {
  const out: OnlineEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const m = flat[i]!;
    const sep = m.indexOf(SEP);
    out.push({ org: m.slice(0, sep), member: m.slice(sep + 1), ts: Number(flat[i + 1]) });
  }
  return out;
}

/** A section: its key under a county base, which is also its change counter's name in `meta`. */
type Wanted = [key: string, cmd: 'HGETALL' | 'LRANGE', parse: (flat: string[]) => unknown];

interface Section<T> {
  stamp: string;
  data: T;
}

const tableSection = (table: TableName, period: string): Wanted => [
  periodKey(table, period),
  'HGETALL',
  (f) => parseRows(f, SLOTS_OF[table]),
];

/** Rows of several counties: an org's rows summed (an org the roster moved to another county
 * has rows in both); a row seen once is the county's own object. */
function mergeRows(parts: Rows[]): Rows {
  if (parts.length === 1) return parts[0]!;
  const out: Rows = new Map();
  const copied = new Set<string>();
  for (const rows of parts) {
    for (const [org, row] of rows) {
      const had = out.get(org);
      if (!had) out.set(org, row);
      else {
        const sum = copied.has(org) ? had : Float64Array.from(had);
        copied.add(org);
        for (let i = 0; i < row.length; i++) sum[i]! += row[i]!;
        out.set(org, sum);
      }
    }
  }
  return out;
}

/** Records of several counties: one per key, by the engines' merge rule (a key in two counties:
 * an org moved between counties, or a transfer updated by orgs of two counties). */
function mergeKeyed<F extends FamilyName>(family: F, parts: Keyed<RecordTypes[F]>[]): RecordTypes[F][] {
  if (parts.length === 1) return parts[0]!.recs;
  const at = new Map<string, number>();
  const out: RecordTypes[F][] = [];
  for (const p of parts) {
    for (let i = 0; i < p.keys.length; i++) {
      const k = p.keys[i]!;
      const j = at.get(k);
      if (j === undefined) {
        at.set(k, out.length);
        out.push(p.recs[i]!);
      } else out[j] = mergeRecord(family, out[j], p.recs[i]!);
    }
  }
  return out;
}

/** Online entries of several counties: the latest per member (first county on equal ts). */
function mergeOnline(parts: OnlineEntry[][]): OnlineRecord[] {
  const best = new Map<string, OnlineEntry>();
  for (const p of parts) {
    for (const e of p) {
      const had = best.get(e.member);
      if (!had || e.ts > had.ts) best.set(e.member, e);
    }
  }
  return [...best.values()].map(({ org, ts }) => ({ org, ts }));
}

/** Tickers of several counties: newest first by ts (each county's list is newest arrival
 * first), capped at TICKER_KEEP. */
function mergeTicker(parts: StoredTickerItem[][]): StoredTickerItem[] {
  if (parts.length === 1) return parts[0]!;
  return parts
    .flat()
    .sort((a, b) => b.ts - a.ts)
    .slice(0, TICKER_KEEP);
}

/** Caches each county's sections with the change counter they were read at, and each merged
 * section with the stamps of its parts. */
export class RollupReader {
  private sections = new Map<string, Section<unknown>>();
  private merged = new Map<string, Section<unknown>>();
  private cached: { ver: string; rv: string; day: string; input: RollupInput; onlineFrom: number } | null = null;
  roster: Org[] = [];
  rosterIds = new Set<string>();
  /** org id → its slot group, as an index into `countyNames` (countyOf its region) */
  countyOfOrg = new Map<string, number>();
  /** the roster's counties; an org off the roster is NO_COUNTY */
  countyNames: string[] = [];
  rosterVersion = '';
  /** the county registry as last read (sorted) */
  counties: string[] = [];
  private rosterLoaded = false;
  /** pipelines sent (one per master per round) */
  roundTrips = 0;
  private readonly base: string;

  constructor(
    private readonly nodes: Nodes,
    private readonly prefix: string,
    private readonly clock: ZonedClock,
    private readonly onlineWindowMs: number,
  ) {
    this.base = keyBase(prefix);
  }

  private cbase(county: string): string {
    return countyBase(this.prefix, county);
  }

  private async run(reqs: { key: string; cmds: (string | number)[][] }[]): Promise<unknown[][]> {
    const { results, pipelines } = await this.nodes.run(reqs);
    this.roundTrips += pipelines;
    return results;
  }

  /** Reloads the roster when its version moved (one GET when it did not). */
  async refreshRoster(): Promise<boolean> {
    const B = this.base;
    const [[rv]] = (await this.run([{ key: B, cmds: [['GET', B + K.rosterVersion]] }])) as [[string | null]];
    if ((rv ?? '') === this.rosterVersion && this.rosterLoaded) return false;
    const [[json, rv2]] = (await this.run([
      {
        key: B,
        cmds: [
          ['GET', B + K.roster],
          ['GET', B + K.rosterVersion],
        ],
      },
    ])) as [[string | null, string | null]];
    this.rosterVersion = rv2 ?? '';
    this.setRoster(json);
    this.rosterLoaded = true;
    return true;
  }

  private setRoster(json: string | null): void {
    this.roster = json ? (JSON.parse(json) as Org[]) : [];
    this.rosterIds = new Set(this.roster.map((o) => o.id));
    const names = [...new Set(this.roster.map((o) => countyOf(o.region)))];
    const at = new Map(names.map((c, i) => [c, i]));
    this.countyNames = names;
    this.countyOfOrg = new Map(this.roster.map((o) => [o.id, at.get(countyOf(o.region))!]));
  }

  /** Re-reads the county registry (after another process added a county). */
  async refreshCounties(): Promise<string[]> {
    const B = this.base;
    const [[list]] = (await this.run([{ key: B, cmds: [['SMEMBERS', B + K.counties]] }])) as [[string[]]];
    this.counties = [...list].sort();
    return this.counties;
  }

  /**
   * Σ county `ver` + roster version: moves whenever any county's data or the roster changes.
   * One pipeline per master (the registry's size rides along; a second round only when another
   * process registered a county since).
   */
  async version(): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const B = this.base;
      const counties = this.counties;
      const res = await this.run([
        {
          key: B,
          cmds: [
            ['GET', B + K.rosterVersion],
            ['SCARD', B + K.counties],
          ],
        },
        ...counties.map((c) => ({ key: this.cbase(c), cmds: [['GET', this.cbase(c) + K.ver]] })),
      ]);
      const [rv, n] = res[0] as [string | null, number];
      if (n !== counties.length && attempt === 0) {
        await this.refreshCounties();
        continue;
      }
      let v = Number(rv ?? 0);
      for (let i = 1; i < res.length; i++) v += Number((res[i]![0] as string | null) ?? 0);
      return v;
    }
  }

  /** Events accepted, summed over the counties (0 for an empty store). */
  async accepted(): Promise<number> {
    const counties = await this.refreshCounties();
    if (counties.length === 0) return 0;
    const res = await this.run(
      counties.map((c) => ({ key: this.cbase(c), cmds: [['HGET', this.cbase(c) + K.meta, 'n']] })),
    );
    return res.reduce((s, [n]) => s + Number((n as string | null) ?? 0), 0);
  }

  async input(nowMs: number): Promise<RollupInput> {
    const B = this.base;
    const versReq = (cs: string[]) =>
      cs.map((c) => ({
        key: this.cbase(c),
        cmds: [
          ['GET', this.cbase(c) + K.ver],
          ['HGETALL', this.cbase(c) + K.meta],
        ],
      }));
    const known = this.counties;
    const r1 = await this.run([
      {
        key: B,
        cmds: [
          ['GET', B + K.rosterVersion],
          ['SMEMBERS', B + K.counties],
        ],
      },
      ...versReq(known),
    ]);
    const rv = (r1[0]![0] as string | null) ?? '';
    const counties = [...(r1[0]![1] as string[])].sort();
    const ver = new Map<string, string>();
    const meta = new Map<string, Record<string, string>>();
    const note = (cs: string[], res: unknown[][]) =>
      cs.forEach((c, i) => {
        ver.set(c, (res[i]![0] as string | null) ?? '0');
        meta.set(c, metaOf(res[i]![1]));
      });
    note(known, r1.slice(1));
    const fresh = counties.filter((c) => !ver.has(c));
    if (fresh.length > 0) note(fresh, await this.run(versReq(fresh)));
    this.counties = counties;

    const verKey = counties.map((c) => `${c}=${ver.get(c)}`).join(',');
    const onlineFrom = nowMs - this.onlineWindowMs;
    const { day: today, month, quarter } = this.clock.period(nowMs);
    const c = this.cached;
    // the same version read on another day holds other periods' tables
    if (c && c.ver === verKey && c.rv === rv && c.day === today && onlineFrom >= c.onlineFrom) return c.input;

    const days = lastDays(today, DAILY_DAYS);
    const wanted: Wanted[] = [
      ...days.map((d) => tableSection('day', d)),
      tableSection('month', month),
      tableSection('quarter', quarter),
      ...FAMILY_NAMES.map((f): Wanted => [recordKey(f), 'HGETALL', (flat) => parseKeyedRecords(f, flat)]),
      [K.ticker, 'LRANGE', (f) => f.map((j) => JSON.parse(j) as StoredTickerItem)],
    ];
    const todo = new Map<string, Wanted[]>();
    const reqs = counties.map((county) => {
      const cb = this.cbase(county);
      const m = meta.get(county)!;
      const mine: Wanted[] = [];
      const cmds: (string | number)[][] = [];
      for (const w of wanted) {
        if (this.sections.get(`${county}|${w[0]}`)?.stamp === (m[w[0]] ?? '0')) continue;
        mine.push(w);
        cmds.push(w[1] === 'LRANGE' ? ['LRANGE', cb + w[0], 0, -1] : ['HGETALL', cb + w[0]]);
      }
      // online depends on the clock too: always read (one command)
      cmds.push(['ZRANGEBYSCORE', cb + K.online, `(${onlineFrom}`, '+inf', 'WITHSCORES']);
      todo.set(county, mine);
      return { key: cb, cmds };
    });
    const rosterChanged = rv !== this.rosterVersion;
    if (rosterChanged) reqs.push({ key: B, cmds: [['GET', B + K.roster]] });
    const out = await this.run(reqs);
    const online: OnlineEntry[][] = [];
    counties.forEach((county, i) => {
      const mine = todo.get(county)!;
      const res = out[i]!;
      const m = meta.get(county)!;
      mine.forEach((w, j) => {
        const flat = flatOf(res[j]);
        this.sections.set(`${county}|${w[0]}`, { stamp: m[w[0]] ?? '0', data: w[2](flat) });
      });
      online.push(parseOnline(flatOf(res[mine.length])));
    });
    if (rosterChanged) {
      this.setRoster(out[counties.length]![0] as string | null);
      this.rosterVersion = rv;
      this.rosterLoaded = true;
    }
    const keep = new Set(counties.flatMap((county) => wanted.map((w) => `${county}|${w[0]}`)));
    for (const k of this.sections.keys()) if (!keep.has(k)) this.sections.delete(k);
    const names = new Set(wanted.map((w) => w[0]));
    for (const k of this.merged.keys()) if (!names.has(k)) this.merged.delete(k);

    /** a section merged over the counties, cached while every part is the same */
    const get = <T, P>(name: string, merge: (parts: P[]) => T): T => {
      const parts = counties.map((county) => this.sections.get(`${county}|${name}`)!);
      const stamp = counties.map((county, i) => `${county}:${parts[i]!.stamp}`).join(',');
      const had = this.merged.get(name);
      if (had?.stamp === stamp) return had.data as T;
      const data = parts.length === 0 ? merge([]) : merge(parts.map((p) => p.data as P));
      this.merged.set(name, { stamp, data });
      return data;
    };
    const rows = (key: string): Rows => get(key, (p: Rows[]) => (p.length ? mergeRows(p) : new Map()));
    const records = <F extends FamilyName>(f: F): RecordTypes[F][] =>
      get(recordKey(f), (p: Keyed<RecordTypes[F]>[]) => (p.length ? mergeKeyed(f, p) : []));
    const input: RollupInput = {
      roster: this.roster,
      days: new Map(days.map((d) => [d, rows(periodKey('day', d))])),
      months: new Map([[month, rows(periodKey('month', month))]]),
      quarters: new Map([[quarter, rows(periodKey('quarter', quarter))]]),
      transfers: records('transfer'),
      floating: records('floating'),
      development: records('development'),
      developmentEntries: records('developmentEntry'),
      online: online.length === 1 ? online[0]!.map(({ org, ts }) => ({ org, ts })) : mergeOnline(online),
      ticker: get(K.ticker, (p: StoredTickerItem[][]) => (p.length ? mergeTicker(p) : [])),
    };
    this.cached = { ver: verKey, rv, day: today, input, onlineFrom };
    return input;
  }
}

/** A reply as a flat list: RESP3 answers HGETALL with a map and WITHSCORES with pairs. */
export function flatOf(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return (v.length > 0 && Array.isArray(v[0]) ? v.flat() : v) as string[];
  if (v instanceof Map) return [...(v as Map<string, string>)].flat();
  return Object.entries(v as Record<string, string>).flat();
}

function metaOf(v: unknown): Record<string, string> {
  const flat = flatOf(v);
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = String(flat[i + 1]);
  return out;
}
