// Reading RedisStore's aggregates into a RollupInput with a small constant number of
// commands: one pipeline for the versions (ver, rv, meta), one for the sections whose
// change counter moved since the cached copy. Shared by every region's snapshot.
import type { Redis } from 'ioredis';
import { TRANSFER_STAGES, type Org } from '../../contract/index.ts';
import type { FloatingRecord, OnlineRecord, RollupInput, StoredTickerItem, TransferCase } from '../../aggregate/model.ts';
import type { ZonedClock } from '../../aggregate/period.ts';
import { lastDays } from '../../aggregate/period.ts';
import { DAY_SLOTS, MONTH_SLOTS, QUARTER_SLOTS } from '../../aggregate/slots.ts';
import { DAILY_DAYS } from '../../aggregate/snapshot.ts';
import { K, SEP } from './keys.ts';

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

function parseTransfers(flat: string[]): TransferCase[] {
  const out: TransferCase[] = [];
  for (let i = 1; i < flat.length; i += 2) {
    const [org, dest, stage, ts, opened] = flat[i]!.split(SEP);
    out.push({ org: org!, dest: dest!, stage: TRANSFER_STAGES[Number(stage)]!, ts: Number(ts), openedTs: Number(opened) });
  }
  return out;
}

function parseFloating(flat: string[]): FloatingRecord[] {
  const out: FloatingRecord[] = [];
  for (let i = 1; i < flat.length; i += 2) {
    const [org, ts, cell] = flat[i]!.split(SEP);
    out.push({ org: org!, ts: Number(ts), cell: cell! });
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

type Wanted = [name: string, cmd: 'hgetall' | 'lrange', key: string, parse: (flat: string[]) => unknown];

interface Section<T> {
  stamp: string;
  data: T;
}

/** Caches each section with the change counter it was read at. */
export class RollupReader {
  private sections = new Map<string, Section<unknown>>();
  private cached: { ver: string; rv: string; input: RollupInput; onlineFrom: number } | null = null;
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
    const [json, rv2] = (await this.redis.pipeline().get(this.base + K.roster).get(this.base + K.rosterVersion).exec())!.map((r) => r[1]) as [string | null, string | null];
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
    const res = (await this.redis.pipeline().get(B + K.ver).get(B + K.rosterVersion).hgetall(B + K.meta).exec())!;
    this.roundTrips += 1;
    const ver = (res[0]![1] as string | null) ?? '0';
    const rv = (res[1]![1] as string | null) ?? '';
    const meta = res[2]![1] as Record<string, string>;
    const onlineFrom = nowMs - this.onlineWindowMs;
    const c = this.cached;
    if (c && c.ver === ver && c.rv === rv && onlineFrom >= c.onlineFrom) return c.input;

    const { day: today, month, quarter } = this.clock.period(nowMs);
    const days = lastDays(today, DAILY_DAYS);
    const wanted: Wanted[] = [
      ...days.map((d): Wanted => [`d:${d}`, 'hgetall', K.day(d), (f) => parseRows(f, DAY_SLOTS)]),
      [`m:${month}`, 'hgetall', K.month(month), (f) => parseRows(f, MONTH_SLOTS)],
      [`q:${quarter}`, 'hgetall', K.quarter(quarter), (f) => parseRows(f, QUARTER_SLOTS)],
      ['tx', 'hgetall', K.transfers, parseTransfers],
      ['fl', 'hgetall', K.floating, parseFloating],
      ['tk', 'lrange', K.ticker, (f) => f.map((j) => JSON.parse(j) as StoredTickerItem)],
    ];
    const pipe = this.redis.pipeline();
    const todo: typeof wanted = [];
    for (const w of wanted) {
      const stamp = meta[w[0]] ?? '0';
      if (this.sections.get(w[0])?.stamp === stamp) continue;
      todo.push(w);
      if (w[1] === 'lrange') pipe.lrange(B + w[2], 0, -1);
      else pipe.call('HGETALL', B + w[2]);
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
      this.sections.set(w[0], { stamp: meta[w[0]] ?? '0', data: w[3](arr) });
    });
    const online = parseOnline(out[todo.length]![1] as string[]);
    if (rv !== this.rosterVersion) {
      this.setRoster(out[todo.length + 1]![1] as string | null);
      this.rosterVersion = rv;
    }
    const keep = new Set(wanted.map((w) => w[0]));
    for (const k of this.sections.keys()) if (!keep.has(k)) this.sections.delete(k);
    const get = <T>(name: string): T => this.sections.get(name)!.data as T;
    const input: RollupInput = {
      roster: this.roster,
      days: new Map(days.map((d) => [d, get<Rows>(`d:${d}`)])),
      months: new Map([[month, get<Rows>(`m:${month}`)]]),
      quarters: new Map([[quarter, get<Rows>(`q:${quarter}`)]]),
      transfers: get<TransferCase[]>('tx'),
      floating: get<FloatingRecord[]>('fl'),
      online,
      ticker: get<StoredTickerItem[]>('tk'),
    };
    this.cached = { ver, rv, input, onlineFrom };
    return input;
  }
}
