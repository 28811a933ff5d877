// One ingest batch → the ARGV of ingest.lua. Everything that needs no Redis state is
// computed here in Node: id hashes, each event's effects (aggregate/effects.ts) as generic
// ops against a per-batch key table, the keys' TTLs, masked ticker/stream JSON. Events with
// the same shape of ops (same keys and slots: e.g. every study of one day and hour) share one
// op template, so per event only its header and the op values travel: fewer JSON elements
// than one fixed field list per event, which kept cjson's decode the cheaper part.
import type { NormalizedEvent } from '../../contract/index.ts';
import { effectsOf, type EffectSink } from '../../aggregate/effects.ts';
import { hash64To } from '../../aggregate/hash.ts';
import { TICKER_KEEP, TICKER_TYPES } from '../../aggregate/model.ts';
import type { ZonedClock } from '../../aggregate/period.ts';
import { maskEvent, tickerItemOf } from '../../aggregate/prepare.ts';
import {
  FAMILIES,
  SET_PERIODS,
  type Family,
  type FamilyName,
  type RecordTypes,
  type SetName,
  type TableName,
} from '../../aggregate/schema.ts';
import { periodKey, recordKey, SEP } from './keys.ts';

const DAY_S = 86_400;
const DAY_MS = DAY_S * 1000;
/** ticker items sent per batch: the newest of the batch (the list keeps TICKER_KEEP) */
export const TICKER_PER_BATCH = 200;
/** …and per slot group of a batch: its share of TICKER_PER_BATCH, at least a wall's worth */
export const TICKER_PER_GROUP_MIN = 30;

/** Ticker items a slot group of `groupSize` events of a batch of `batchSize` sends. */
export const tickerCapOf = (groupSize: number, batchSize: number): number =>
  groupSize === batchSize
    ? TICKER_PER_BATCH
    : Math.max(TICKER_PER_GROUP_MIN, Math.ceil((TICKER_PER_BATCH * groupSize) / batchSize));

/** Op codes of a template (ingest.lua): count key slot (1 value: delta) · distinct set counter
 * slot (member and org of the event) · record hash tie (4 values: key order min fields) · seen. */
export const OP = { count: 1, distinct: 2, record: 3, seen: 4 } as const;

/** Days a period key outlives its last write beyond the retention (at least). */
const TTL_MARGIN_DAYS: Readonly<Record<TableName, number>> = { day: 2, month: 33, quarter: 94 };

export interface EncodeParams {
  clock: ZonedClock;
  retentionMs: number;
  replayMs: number;
  onlineWindowMs: number;
  /** dedupe buckets per generation */
  buckets: number;
  /** dedupe generations checked per id (≥ 2); see genMsOf */
  gens: number;
}

/**
 * Dedupe generation length for `gens` generations checked per id: retention / (gens − 1), so
 * an id is remembered at least the retention and at most retention × gens / (gens − 1).
 * More generations: less memory, one more HEXISTS per event.
 */
export const genMsOf = (retentionMs: number, gens: number): number => Math.max(1, Math.ceil(retentionMs / (gens - 1)));

const h64 = new Uint32Array(2);

/**
 * The id hash as the decimal of a signed 64-bit integer: the member of a dedupe set bucket
 * (Redis keeps small all-integer sets as an intset: 8 bytes per id, binary search).
 */
export function dedupeMember(hi: number, lo: number): string {
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** The UTC instant a period key ends, a day late: safe in any zone (offsets are < 1 day). */
export function periodEndMs(kind: TableName, period: string): number {
  const y = Number(period.slice(0, 4));
  if (kind === 'day') return Date.UTC(y, Number(period.slice(5, 7)) - 1, Number(period.slice(8, 10)) + 1) + DAY_MS;
  if (kind === 'month') return Date.UTC(y, Number(period.slice(5, 7)), 1) + DAY_MS;
  return Date.UTC(y, 3 * Number(period.slice(6)), 1) + DAY_MS;
}

/** TTL in seconds of a period key written at `nowMs`: the margin after this write, or long
 * enough to outlive the period itself by the retention (a month paid for in advance). */
export function periodTtlS(kind: TableName, period: string, nowMs: number, retentionS: number): number {
  const byEnd = Math.ceil((periodEndMs(kind, period) - nowMs) / 1000) + retentionS;
  return Math.max(retentionS + TTL_MARGIN_DAYS[kind] * DAY_S, byEnd);
}

/** A record's `fields` values joined by SEP (the stored value is `order␟min␟` before them). */
function recordFields<F extends FamilyName>(fam: Family<F>, value: RecordTypes[F]): string {
  const f = fam.fields;
  let out = String(value[f[0]!]);
  for (let i = 1; i < f.length; i++) out += SEP + String(value[f[i]!]);
  return out;
}

/** The stored form of a record, as ingest.lua writes it: `order␟min␟fields…` (min '' when the
 * family keeps none). */
export function storedRecord<F extends FamilyName>(family: F, value: RecordTypes[F]): string {
  const fam = FAMILIES[family] as Family<F>;
  return (
    `${fam.order(value)}${SEP}${fam.min === undefined ? '' : String(value[fam.min])}${SEP}` +
    `${recordFields(fam, value)}`
  );
}

const isTable = (name: TableName | SetName): name is TableName => !(name in SET_PERIODS);

/** Collects one batch's effects as the script's key table, op templates, headers and values. */
class OpEncoder implements EffectSink {
  /** flat: key name (under the base), TTL in seconds (0: none) */
  readonly keys: (string | number)[] = [];
  private readonly keyIndex = new Map<string, Map<string, number>>();
  readonly templates: number[][] = [];
  /** templates by a hash of their ops (equal ops checked: a collision costs a compare) */
  private readonly templateIndex = new Map<number, number[]>();
  /** flat per event: org, member ('' when none), ts, template */
  readonly header: (string | number)[] = [];
  readonly values: (string | number)[] = [];
  // the current event's ops, reused (no array per event)
  private readonly ops: number[] = [];
  private nOps = 0;
  private hash = 0;
  private lastName = '';
  private lastPeriod = '';
  private lastKey = -1;
  private org = '';
  private member = '';
  private ts = 0;

  constructor(
    private readonly nowMs: number,
    private readonly retentionS: number,
  ) {}

  private key(name: TableName | SetName | FamilyName, period: string): number {
    // an event's ops mostly repeat the key of the one before (three counts of one day)
    if (name === this.lastName && period === this.lastPeriod) return this.lastKey;
    this.lastName = name;
    this.lastPeriod = period;
    return (this.lastKey = this.lookUp(name, period));
  }

  private lookUp(name: TableName | SetName | FamilyName, period: string): number {
    let byPeriod = this.keyIndex.get(name);
    if (!byPeriod) this.keyIndex.set(name, (byPeriod = new Map()));
    let k = byPeriod.get(period);
    if (k === undefined) {
      k = this.keys.length / 2;
      byPeriod.set(period, k);
      if (name in FAMILIES) this.keys.push(recordKey(name as FamilyName), 0);
      else {
        const n = name as TableName | SetName;
        const kind = isTable(n) ? n : SET_PERIODS[n];
        this.keys.push(periodKey(n, period), periodTtlS(kind, period, this.nowMs, this.retentionS));
      }
    }
    return k;
  }

  // The script applies an event's ops to the event's own org and member (carried once in the
  // header): an effect elsewhere would need them per op, so it is refused rather than misfiled.
  private own(org: string, member?: string): void {
    if (org !== this.org) throw new Error(`effect for org ${org} of an event of org ${this.org}`);
    if (member === undefined) return;
    if (this.member === '') this.member = member;
    else if (member !== this.member)
      throw new Error(`effect for member ${member} of an event of member ${this.member}`);
  }

  begin(ev: NormalizedEvent): void {
    this.org = ev.org;
    this.member = '';
    this.ts = ev.ts;
    this.nOps = 0;
    this.hash = 0;
  }

  private op(x: number): void {
    this.ops[this.nOps++] = x;
    this.hash = (Math.imul(this.hash, 0x01000193) ^ x) | 0;
  }

  private template(): number {
    const n = this.nOps;
    const ops = this.ops;
    const same = this.templateIndex.get(this.hash);
    if (same) {
      next: for (const t of same) {
        const tp = this.templates[t]!;
        if (tp.length !== n) continue;
        for (let i = 0; i < n; i++) if (tp[i] !== ops[i]) continue next;
        return t;
      }
    }
    const t = this.templates.length;
    this.templates.push(ops.slice(0, n));
    if (same) same.push(t);
    else this.templateIndex.set(this.hash, [t]);
    return t;
  }

  end(): void {
    this.header.push(this.org, this.member, this.ts, this.template());
  }

  count(table: TableName, period: string, org: string, slot: number, by: number): void {
    this.own(org);
    const k = this.key(table, period);
    this.op(OP.count);
    this.op(k);
    this.op(slot);
    this.values.push(by);
  }

  distinct(
    set: SetName,
    setPeriod: string,
    member: string,
    table: TableName,
    period: string,
    org: string,
    slot: number,
  ): void {
    this.own(org, member);
    const s = this.key(set, setPeriod);
    const k = this.key(table, period);
    this.op(OP.distinct);
    this.op(s);
    this.op(k);
    this.op(slot);
  }

  record<F extends FamilyName>(family: F, key: string, value: RecordTypes[F]): void {
    const fam = FAMILIES[family] as Family<F>;
    const h = this.key(family, '');
    this.op(OP.record);
    this.op(h);
    this.op(fam.tie ? 1 : 0);
    this.values.push(
      key,
      String(fam.order(value)),
      fam.min === undefined ? '' : String(value[fam.min]),
      recordFields(fam, value),
    );
  }

  seen(member: string, org: string, ts: number): void {
    this.own(org, member);
    if (ts !== this.ts) throw new Error(`activity at ${ts} of an event at ${this.ts}`);
    this.op(OP.seen);
  }
}

export function encodeBatch(
  events: readonly NormalizedEvent[],
  nowMs: number,
  p: EncodeParams,
  tickerCap = TICKER_PER_BATCH,
): (string | Buffer)[] {
  const genMs = genMsOf(p.retentionMs, p.gens);
  const retentionS = Math.ceil(p.retentionMs / 1000);
  const hashes = Buffer.allocUnsafe(events.length * 8);
  const members = new Array<string>(events.length);
  const enc = new OpEncoder(nowMs, retentionS);
  const ticker: (string | Buffer)[] = [];
  let tickerFrom = 0;
  for (let i = events.length - 1, n = 0; i >= 0; i--) {
    if (TICKER_TYPES.has(events[i]!.type) && ++n === Math.min(tickerCap, TICKER_KEEP)) {
      tickerFrom = i;
      break;
    }
  }
  for (let i = 0; i < events.length; i++) {
    const ev = maskEvent(events[i]!); // in place: `events` is the masked batch from here on
    hash64To(ev.id, h64);
    hashes.writeUInt32BE(h64[0]!, i * 8);
    hashes.writeUInt32BE(h64[1]!, i * 8 + 4);
    members[i] = dedupeMember(h64[0]!, h64[1]!);
    enc.begin(ev);
    effectsOf(ev, p.clock.period(ev.ts), enc);
    enc.end();
    if (i >= tickerFrom) {
      const item = tickerItemOf(ev);
      if (item) ticker.push(String(i), JSON.stringify(item));
    }
  }
  const gen = Math.floor(nowMs / genMs);
  return [
    String(gen),
    String(p.gens),
    String(p.buckets),
    String(p.replayMs),
    String(nowMs - p.onlineWindowMs - DAY_MS),
    String(events.length),
    String(TICKER_KEEP),
    String(nowMs),
    hashes,
    members.join(','),
    JSON.stringify(enc.keys),
    JSON.stringify(enc.templates),
    JSON.stringify(enc.header),
    JSON.stringify(enc.values),
    JSON.stringify(events),
    ...ticker,
  ];
}
