// The reference snapshot: buildSnapshot as it was before the all-region roll-up (a region's
// organizations summed one by one, per call). Tests check that the fast path answers exactly
// this for every region.
import { cellToBoundary, cellToLatLng } from 'h3-js';
import { MEETING_KINDS, TRANSFER_STAGES } from '../../server/contract/index.ts';
import { UnknownRegionError } from '../../server/contract/errors.ts';
import type { ChildRegion, FloatingFlow, MeetingKind, Snapshot, TickerItem, TransferFlow, TransferStage } from '../../server/contract/index.ts';
import { evaluateAlerts } from '../../server/aggregate/alerts.ts';
import { registryGeo, type GeoLookup, type LngLat } from '../../server/aggregate/geo.ts';
import { KpiAcc, type OrgExtra } from '../../server/aggregate/kpi.ts';
import type { FloatingRecord, RollupInput, RollupOptions, TransferCase } from '../../server/aggregate/model.ts';
import { addDays, dayOfMonth, lastDays } from '../../server/aggregate/period.ts';
import { childCodeOf, clockFor, rosterIndex } from '../../server/aggregate/rollup.ts';
import { D_HOUR0, D_LEARNERS, M_KIND0, M_POINTS, type OrgTable } from '../../server/aggregate/slots.ts';
import { isOpen } from '../../server/aggregate/transfer.ts';

const FLOATING_CELL_RESOLUTION = 5;
const FLOATING_CELL_MIN_MEMBERS = 5;
const TICKER_MAX = 30;
const LEADERBOARD_MAX = 10;
const DAILY_DAYS = 30;
const DAY_MS = 86_400_000;

const EMPTY: OrgTable = new Map();
const provinceOfCell = new Map<string, string | null>();

function cellProvince(cell: string, geo: GeoLookup): string | null {
  let p = provinceOfCell.get(cell);
  if (p === undefined) {
    const [lat, lng] = cellToLatLng(cell);
    p = geo.provinceAt(lng, lat);
    // a coastal or border cell's centre can fall outside every outline: try its corners
    for (const [vLat, vLng] of p ? [] : cellToBoundary(cell)) if ((p = geo.provinceAt(vLng, vLat))) break;
    if (provinceOfCell.size > 200_000) provinceOfCell.clear();
    provinceOfCell.set(cell, p);
  }
  return p;
}

export function referenceSnapshot(code: string, nowMs: number, input: RollupInput, opts: RollupOptions, geo: GeoLookup = registryGeo): Snapshot {
  const region = geo.region(code);
  if (!region) throw new UnknownRegionError(code);
  const clock = clockFor(opts.timeZone);
  const { day: today, month, quarter } = clock.period(nowMs);
  const yesterday = addDays(today, -1);
  const idx = rosterIndex(input.roster);
  const { orgs, ids } = idx.inRegion(code);
  const ex = extrasOf(input, nowMs, opts);
  const dayT = input.days.get(today) ?? EMPTY;
  const yT = input.days.get(yesterday) ?? EMPTY;
  const monT = input.months.get(month) ?? EMPTY;
  const qT = input.quarters.get(quarter) ?? EMPTY;
  const point = (c: string): LngLat => geo.labelPoint(c) ?? geo.labelPoint(code) ?? [0, 0];

  const childRefs = geo.children(code);
  const childAcc = new Map(childRefs.map((c) => [c.code, new KpiAcc()]));
  const acc = new KpiAcc();
  const hourlyToday = new Array<number>(24).fill(0);
  const hourlyYesterday = new Array<number>(24).fill(0);
  const days = lastDays(today, DAILY_DAYS);
  const dayTables = days.map((d) => input.days.get(d));
  const daily = new Array<number>(DAILY_DAYS).fill(0);
  const byKind = Object.fromEntries(MEETING_KINDS.map((k) => [k, 0])) as Record<MeetingKind, number>;
  const leaders: Snapshot['leaderboard'] = [];
  const homeChild = new Map<string, string>();

  for (const org of orgs) {
    const d = dayT.get(org.id);
    const m = monT.get(org.id);
    const q = qT.get(org.id);
    const e = ex.byOrg.get(org.id);
    acc.add(org, d, m, q, e);
    const child = childCodeOf(code, region.level, org.region);
    homeChild.set(org.id, child ?? code);
    if (child) childAcc.get(child)?.add(org, d, m, q, e);
    const y = yT.get(org.id);
    for (let h = 0; h < 24; h++) {
      if (d) hourlyToday[h]! += d[D_HOUR0 + h] ?? 0;
      if (y) hourlyYesterday[h]! += y[D_HOUR0 + h] ?? 0;
    }
    for (let i = 0; i < DAILY_DAYS; i++) daily[i]! += dayTables[i]?.get(org.id)?.[D_LEARNERS] ?? 0;
    if (m) {
      MEETING_KINDS.forEach((k, i) => (byKind[k] += m[M_KIND0 + i] ?? 0));
      const pts = m[M_POINTS] ?? 0;
      if (pts !== 0) leaders.push({ org: org.id, name: org.name, kind: org.kind, region: org.region, points: pts });
    }
  }

  const children: Record<string, ChildRegion> = {};
  for (const c of childRefs) children[c.code] = { ...c, kpi: childAcc.get(c.code)!.kpi() };
  const kpi = acc.kpi();

  // transfers
  const stages = Object.fromEntries(TRANSFER_STAGES.map((s) => [s, 0])) as Record<TransferStage, number>;
  const tFlows: Record<string, TransferFlow> = {};
  for (const org of orgs) {
    for (const t of ex.transfersByOrg.get(org.id) ?? []) {
      stages[t.stage] += 1;
      const from = homeChild.get(org.id)!;
      let to: string;
      if (t.dest.startsWith('o:')) {
        const dest = idx.byId.get(t.dest.slice(2));
        if (!dest) continue;
        to = ids.has(dest.id) ? (childCodeOf(code, region.level, dest.region) ?? code) : dest.region.slice(0, 6);
      } else to = t.dest.slice(2);
      const key = `${from}>${to}`;
      const f = (tFlows[key] ??= {
        from,
        to,
        toName: geo.region(to)?.name ?? geo.region(`${to.slice(0, 2)}0000`)?.name ?? to,
        toPoint: point(to),
        fromPoint: point(from),
        open: 0,
        completed: 0,
        rejected: 0,
      });
      if (isOpen(t.stage)) f.open += 1;
      else if (t.stage === 'completed') f.completed += 1;
      else f.rejected += 1;
    }
  }

  // floating members: cells (k-anonymous) and home → province flows
  const cellCount = new Map<string, number>();
  const fFlows: Record<string, FloatingFlow> = {};
  for (const org of orgs) {
    for (const f of ex.floatingByOrg.get(org.id) ?? []) {
      cellCount.set(f.cell, (cellCount.get(f.cell) ?? 0) + 1);
      const to = cellProvince(f.cell, geo);
      if (!to) continue;
      const from = homeChild.get(org.id)!;
      const key = `${from}>${to}`;
      const flow = (fFlows[key] ??= { from, fromPoint: point(from), to, toName: geo.region(to)?.name ?? to, toPoint: point(to), members: 0 });
      flow.members += 1;
    }
  }
  const cells: Record<string, number> = {};
  for (const [cell, n] of [...cellCount].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (n >= FLOATING_CELL_MIN_MEMBERS) cells[cell] = n;

  leaders.sort((a, b) => b.points - a.points || (a.org < b.org ? -1 : 1));

  const ticker: TickerItem[] = [];
  for (const t of input.ticker) {
    if (!ids.has(t.org)) continue;
    const o = idx.byId.get(t.org)!;
    ticker.push({ ...t, orgName: o.name, region: o.region });
  }
  ticker.sort((a, b) => b.ts - a.ts || (a.id < b.id ? 1 : -1));
  ticker.length = Math.min(ticker.length, TICKER_MAX);

  const units = childRefs.length > 0 ? childRefs.map((c) => ({ region: c, kpi: children[c.code]!.kpi })) : [{ region, kpi }];
  return {
    region: { code: region.code, name: region.name, level: region.level, illustrative: region.illustrative, parent: region.parent, ancestors: geo.ancestors(code) },
    asOf: nowMs,
    day: today,
    timeZone: opts.timeZone,
    kpi,
    children,
    study: { hourlyToday, hourlyYesterday, daily: days.map((d, i) => ({ day: d, learners: daily[i]! })) },
    meetings: { byKind, branches: acc.branches, compliantBranches: acc.compliantBranches },
    transfers: { stages, overdue: kpi.transfersOverdue, flows: tFlows },
    floating: { members: kpi.floatingMembers, outOfContact: kpi.floatingOutOfContact, cells, cellResolution: FLOATING_CELL_RESOLUTION, flows: fFlows },
    leaderboard: leaders.slice(0, LEADERBOARD_MAX),
    ticker,
    alerts: evaluateAlerts(units, dayOfMonth(today)),
  };
}

export interface Extras {
  byOrg: Map<string, OrgExtra>;
  transfersByOrg: Map<string, TransferCase[]>;
  floatingByOrg: Map<string, FloatingRecord[]>;
}

const extrasCache = new WeakMap<RollupInput, { nowMs: number; extras: Extras }>();

/** Per-org figures from the entity records at `nowMs` (cached per input and instant). */
export function extrasOf(input: RollupInput, nowMs: number, opts: RollupOptions): Extras {
  const hit = extrasCache.get(input);
  if (hit && hit.nowMs === nowMs) return hit.extras;
  const clock = clockFor(opts.timeZone);
  const today = clock.day(nowMs);
  const overdueBefore = nowMs - opts.overdueDays * DAY_MS;
  const contactBefore = nowMs - opts.outOfContactDays * DAY_MS;
  const onlineAfter = nowMs - opts.onlineWindowMs;
  const byOrg = new Map<string, OrgExtra>();
  const get = (org: string): OrgExtra => {
    let e = byOrg.get(org);
    if (!e) {
      e = { transfersOpen: 0, transfersCompletedToday: 0, transfersOverdue: 0, floatingMembers: 0, floatingOutOfContact: 0, onlineNow: 0 };
      byOrg.set(org, e);
    }
    return e;
  };
  const transfersByOrg = new Map<string, TransferCase[]>();
  for (const t of input.transfers) {
    const e = get(t.org);
    if (isOpen(t.stage)) {
      e.transfersOpen += 1;
      if (t.openedTs < overdueBefore) e.transfersOverdue += 1;
    } else if (t.stage === 'completed' && clock.day(t.ts) === today) e.transfersCompletedToday += 1;
    push(transfersByOrg, t.org, t);
  }
  const floatingByOrg = new Map<string, FloatingRecord[]>();
  for (const f of input.floating) {
    const e = get(f.org);
    e.floatingMembers += 1;
    if (f.ts < contactBefore) e.floatingOutOfContact += 1;
    push(floatingByOrg, f.org, f);
  }
  for (const o of input.online) if (o.ts > onlineAfter) get(o.org).onlineNow += 1;
  const extras = { byOrg, transfersByOrg, floatingByOrg };
  extrasCache.set(input, { nowMs, extras });
  return extras;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}
