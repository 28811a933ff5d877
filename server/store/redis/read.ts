// Reading RedisStore's aggregates into a RollupInput with a small constant number of
// commands: one pipeline for the versions (ver, rv, meta), one for the sections whose
// change counter moved since the cached copy. Sections follow the schema (aggregate/schema.ts):
// the day tables of the last DAILY_DAYS days, this month's and this quarter's tables, every
// record family's hash; plus the online zset and the ticker.
import type { Redis } from 'ioredis';
import type { Org } from '../../contract/index.ts';
import type { OnlineRecord, RollupInput, StoredTickerItem } from '../../aggregate/model.ts';
import type { ZonedClock } from '../../aggregate/period.ts';
import { lastDays } from '../../aggregate/period.ts';
import {
  DAILY_DAYS,
  FAMILIES,
  FAMILY_NAMES,
  SLOTS_OF,
  type FamilyName,
  type RecordTypes,
  type TableName,
} from '../../aggregate/schema.ts';
import { K, periodKey, recordKey, SEP } from './keys.ts';

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
  const fam = FAMILIES[family];
  const names = fam.fields as readonly string[];
  const numeric = names.map((f) => (fam.numeric as readonly string[]).includes(f));
  const min = fam.min as string | undefined;
  const out: RecordTypes[F][] = [];
  for (let i = 1; i < flat.length; i += 2) {
    const parts = flat[i]!.split(SEP);
    if (parts.length !== names.length + 2) continue; // not this layout (see LAYOUT, migrateRecords)
    const r: Record<string, string | number> = {};
    for (let j = 0; j < names.length; j++) r[names[j]!] = numeric[j] ? Number(parts[j + 2]) : parts[j + 2]!;
    if (min !== undefined) r[min] = Number(parts[1]);
    out.push(r as unknown as RecordTypes[F]);
  }
  return out;
}

function parseOnline(flat: string[]): OnlineRecord[] {
  const out: OnlineRecord[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const m = flat[i]!;
    out.push({ org: m.slice(0, m.indexOf(SEP)), ts: Number(flat[i + 1]) });
  }
  return out;
}

/** A section: its key under the base, which is also its change counter's name in `meta`. */
type Wanted = [key: string, cmd: 'hgetall' | 'lrange', parse: (flat: string[]) => unknown];

interface Section<T> {
  stamp: string;
  data: T;
}

const tableSection = (table: TableName, period: string): Wanted => [
  periodKey(table, period),
  'hgetall',
  (f) => parseRows(f, SLOTS_OF[table]),
];

/** Caches each section with the change counter it was read at. */
export class RollupReader {
  private sections = new Map<string, Section<unknown>>();
  private cached: { ver: string; rv: string; day: string; input: RollupInput; onlineFrom: number } | null = null;
  roster: Org[] = [];
  rosterIds = new Set<string>();
  rosterVersion = '';
  private rosterLoaded = false;
  roundTrips = 0;

  constructor(
    private readonly redis: Redis,
    private readonly base: string,
    private readonly clock: ZonedClock,
    private readonly onlineWindowMs: number,
  ) {}

  /** Reloads the roster when its version moved (one GET when it did not). */
  async refreshRoster(): Promise<boolean> {
    const rv = (await this.redis.get(this.base + K.rosterVersion)) ?? '';
    this.roundTrips += 1;
    if (rv === this.rosterVersion && this.rosterLoaded) return false;
    const [json, rv2] = (await this.redis
      .pipeline()
      .get(this.base + K.roster)
      .get(this.base + K.rosterVersion)
      .exec())!.map((r) => r[1]) as [string | null, string | null];
    this.roundTrips += 1;
    this.rosterVersion = rv2 ?? '';
    this.setRoster(json);
    this.rosterLoaded = true;
    return true;
  }

  private setRoster(json: string | null): void {
    this.roster = json ? (JSON.parse(json) as Org[]) : [];
    this.rosterIds = new Set(this.roster.map((o) => o.id));
  }

  async input(nowMs: number): Promise<RollupInput> {
    const B = this.base;
    const res = (await this.redis
      .pipeline()
      .get(B + K.ver)
      .get(B + K.rosterVersion)
      .hgetall(B + K.meta)
      .exec())!;
    this.roundTrips += 1;
    const ver = (res[0]![1] as string | null) ?? '0';
    const rv = (res[1]![1] as string | null) ?? '';
    const meta = res[2]![1] as Record<string, string>;
    const onlineFrom = nowMs - this.onlineWindowMs;
    const { day: today, month, quarter } = this.clock.period(nowMs);
    const c = this.cached;
    // the same version read on another day holds other periods' tables
    if (c && c.ver === ver && c.rv === rv && c.day === today && onlineFrom >= c.onlineFrom) return c.input;

    const days = lastDays(today, DAILY_DAYS);
    const wanted: Wanted[] = [
      ...days.map((d) => tableSection('day', d)),
      tableSection('month', month),
      tableSection('quarter', quarter),
      ...FAMILY_NAMES.map((f): Wanted => [recordKey(f), 'hgetall', (flat) => parseRecords(f, flat)]),
      [K.ticker, 'lrange', (f) => f.map((j) => JSON.parse(j) as StoredTickerItem)],
    ];
    const pipe = this.redis.pipeline();
    const todo: typeof wanted = [];
    for (const w of wanted) {
      const stamp = meta[w[0]] ?? '0';
      if (this.sections.get(w[0])?.stamp === stamp) continue;
      todo.push(w);
      if (w[1] === 'lrange') pipe.lrange(B + w[0], 0, -1);
      else pipe.call('HGETALL', B + w[0]);
    }
    // online depends on the clock too: always read (one command)
    pipe.zrangebyscore(B + K.online, `(${onlineFrom}`, '+inf', 'WITHSCORES');
    if (rv !== this.rosterVersion) pipe.get(B + K.roster);
    const out = (await pipe.exec())!;
    this.roundTrips += 1;
    for (const [r] of out) if (r) throw r;
    todo.forEach((w, i) => {
      const flat = out[i]![1] as string[] | Record<string, string>;
      const arr = Array.isArray(flat) ? flat : Object.entries(flat).flat();
      this.sections.set(w[0], { stamp: meta[w[0]] ?? '0', data: w[2](arr) });
    });
    const online = parseOnline(out[todo.length]![1] as string[]);
    if (rv !== this.rosterVersion) {
      this.setRoster(out[todo.length + 1]![1] as string | null);
      this.rosterVersion = rv;
    }
    const keep = new Set(wanted.map((w) => w[0]));
    for (const k of this.sections.keys()) if (!keep.has(k)) this.sections.delete(k);
    const get = <T>(key: string): T => this.sections.get(key)!.data as T;
    const records = <F extends FamilyName>(f: F): RecordTypes[F][] => get(recordKey(f));
    const input: RollupInput = {
      roster: this.roster,
      days: new Map(days.map((d) => [d, get<Rows>(periodKey('day', d))])),
      months: new Map([[month, get<Rows>(periodKey('month', month))]]),
      quarters: new Map([[quarter, get<Rows>(periodKey('quarter', quarter))]]),
      transfers: records('transfer'),
      floating: records('floating'),
      development: records('development'),
      developmentEntries: records('developmentEntry'),
      online,
      ticker: get<StoredTickerItem[]>(K.ticker),
    };
    this.cached = { ver, rv, day: today, input, onlineFrom };
    return input;
  }
}
