// The snapshot assembler: RollupInput + region + instant → the Snapshot a wall shows.
// Pure (geo lookups are injected); both engines call it.
import { cellToBoundary, cellToLatLng } from 'h3-js';
import {
  DEVELOPMENT_STAGES,
  MEETING_KINDS,
  OPEN_TRANSFER_STAGES,
  TICKER_MAX_ITEMS,
  TRANSFER_STAGES,
} from '../contract/index.ts';
import type { DevelopmentStage } from '../contract/index.ts';
import { EMPTY_ALERT_PANEL } from '../contract/alerts.ts';
import { UnknownRegionError } from '../contract/errors.ts';
import type {
  ChildRegion,
  FloatingFlow,
  MeetingKind,
  RegionLevel,
  Snapshot,
  TickerItem,
  TransferFlow,
  TransferStage,
} from '../contract/index.ts';
import { evaluateAlerts } from './alerts.ts';
import { registryGeo, type GeoLookup, type LngLat } from './geo.ts';
import type { RollupInput, RollupOptions } from './model.ts';
import { dayOfMonth } from './period.ts';
import {
  BANDS,
  C_BAND0,
  C_BRANCHES,
  C_COMPLIANT,
  C_DEV_STAGE0,
  C_HOUR_TODAY0,
  C_KIND0,
  C_STRUCT_MEMBERS,
  C_STRUCT_ORGS,
} from './counters.ts';
import {
  countersAt,
  dailyAt,
  hourlyYesterdayAt,
  kpiAt,
  regionRollup,
  type RegionRollup,
  type RosterRegions,
} from './regions.ts';
import { childCodeOf, clockFor } from './rollup.ts';
import { FLOATING_CELL_RESOLUTION } from './schema.ts';

const OPEN_TRANSFER: ReadonlySet<TransferStage> = new Set(OPEN_TRANSFER_STAGES);
export const FLOATING_CELL_MIN_MEMBERS = 5;
/** A flow (floating members home → province, transfers origin → destination) of fewer members
 * is dropped, like a cell: a line from a village to a province with 1 on it names a person.
 * The members still count in the totals (stages, floatingMembers). */
export const FLOW_MIN_MEMBERS = 5;

function kAnonymous<F>(flows: Record<string, F>, size: (f: F) => number): Record<string, F> {
  for (const [key, f] of Object.entries(flows)) if (size(f) < FLOW_MIN_MEMBERS) delete flows[key];
  return flows;
}
export const LEADERBOARD_MAX = 10;
export { DAILY_DAYS } from './regions.ts';
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

/**
 * The shown child of `code` that region `r` lies in (by code; a municipality's children are its
 * districts, one level further down than its 市辖区/县 groupings), else null.
 */
function shownChildOf(code: string, level: RegionLevel, shown: ReadonlySet<string>, r: string): string | null {
  const c = childCodeOf(code, level, r);
  if (c === null || shown.has(c) || shown.size === 0) return c;
  const county = r.slice(0, 6);
  return shown.has(county) ? county : c;
}

/** The child region (or the region itself) each organization of the region lies in. */
function homeChildOf(
  code: string,
  level: RegionLevel,
  rr: RosterRegions,
  shown: ReadonlySet<string>,
): (i: number) => string {
  const byRegion = new Map<string, string>();
  return (i) => {
    const r = rr.orgs[i]!.region;
    let c = byRegion.get(r);
    if (c === undefined) byRegion.set(r, (c = shownChildOf(code, level, shown, r) ?? code));
    return c;
  };
}

function transferSection(
  code: string,
  level: RegionLevel,
  row: number | undefined,
  ru: RegionRollup,
  geo: GeoLookup,
  home: (i: number) => string,
  point: (c: string) => LngLat,
  shown: ReadonlySet<string>,
): Pick<Snapshot['transfers'], 'stages' | 'flows'> {
  const { rr } = ru;
  const stages = Object.fromEntries(TRANSFER_STAGES.map((s) => [s, 0])) as Record<TransferStage, number>;
  const flows: Record<string, TransferFlow> = {};
  if (row === undefined) return { stages, flows };
  for (const i of ru.transfers.orgs) {
    if (!rr.contains(row, i)) continue;
    const from = home(i);
    for (const t of ru.transfers.of[i]!) {
      stages[t.stage] += 1;
      let to: string;
      if (t.dest.startsWith('o:')) {
        const j = rr.indexOf(t.dest.slice(2));
        if (j < 0) continue;
        const dest = rr.orgs[j]!;
        to = rr.contains(row, j) ? (shownChildOf(code, level, shown, dest.region) ?? code) : dest.region.slice(0, 6);
      } else to = t.dest.slice(2);
      const key = `${from}>${to}`;
      const f = (flows[key] ??= {
        from,
        to,
        toName: geo.region(to)?.name ?? geo.region(`${to.slice(0, 2)}0000`)?.name ?? to,
        toPoint: point(to),
        fromPoint: point(from),
        open: 0,
        completed: 0,
        rejected: 0,
      });
      if (OPEN_TRANSFER.has(t.stage)) f.open += 1;
      else if (t.stage === 'completed') f.completed += 1;
      else f.rejected += 1;
    }
  }
  return { stages, flows: kAnonymous(flows, (f) => f.open + f.completed + f.rejected) };
}

/** Floating members: cells (k-anonymous) and home → province flows. */
function floatingSection(
  row: number | undefined,
  ru: RegionRollup,
  geo: GeoLookup,
  home: (i: number) => string,
  point: (c: string) => LngLat,
): Pick<Snapshot['floating'], 'cells' | 'flows'> {
  const { rr } = ru;
  const cellCount = new Map<string, number>();
  const flows: Record<string, FloatingFlow> = {};
  const cells: Record<string, number> = {};
  if (row === undefined) return { cells, flows };
  for (const i of ru.floating.orgs) {
    if (!rr.contains(row, i)) continue;
    const from = home(i);
    for (const f of ru.floating.of[i]!) {
      cellCount.set(f.cell, (cellCount.get(f.cell) ?? 0) + 1);
      const to = cellProvince(f.cell, geo);
      if (!to) continue;
      const key = `${from}>${to}`;
      const flow = (flows[key] ??= {
        from,
        fromPoint: point(from),
        to,
        toName: geo.region(to)?.name ?? to,
        toPoint: point(to),
        members: 0,
      });
      flow.members += 1;
    }
  }
  const kept: string[] = [];
  for (const [cell, n] of cellCount) if (n >= FLOATING_CELL_MIN_MEMBERS) kept.push(cell);
  kept.sort();
  for (const cell of kept) cells[cell] = cellCount.get(cell)!;
  return { cells, flows: kAnonymous(flows, (f) => f.members) };
}

export function buildSnapshot(
  code: string,
  nowMs: number,
  input: RollupInput,
  opts: RollupOptions,
  geo: GeoLookup = registryGeo,
): Snapshot {
  const region = geo.region(code);
  if (!region) throw new UnknownRegionError(code);
  const clock = clockFor(opts.timeZone);
  const ru = regionRollup(input, nowMs, opts, clock);
  const { rr } = ru;
  const today = ru.counters.today;
  const row = rr.row.get(code);
  const a = countersAt(ru, row);
  const point = (c: string): LngLat => geo.labelPoint(c) ?? geo.labelPoint(code) ?? [0, 0];

  // every organization of a child region lies in this region: the child's own roll-up
  const childRefs = geo.children(code);
  const children: Record<string, ChildRegion> = {};
  for (const c of childRefs) children[c.code] = { ...c, kpi: kpiAt(ru, rr.row.get(c.code)) };
  const kpi = kpiAt(ru, row);
  const hourlyToday = Array.from(a.subarray(C_HOUR_TODAY0, C_HOUR_TODAY0 + 24));
  const hourlyYesterday = hourlyYesterdayAt(ru, row);
  const learners = dailyAt(ru, row);
  const daily = ru.counters.days.map((d, i) => ({ day: d, learners: learners[i]! }));
  const byKind = Object.fromEntries(MEETING_KINDS.map((k, i) => [k, a[C_KIND0 + i]!])) as Record<MeetingKind, number>;

  const shown = new Set(childRefs.map((c) => c.code));
  const home = homeChildOf(code, region.level, rr, shown);
  // transfers, floating cells and flows depend on the records alone: kept per region while the
  // records stay the same (the overdue and out-of-contact counts are in the kpi)
  const { stages, flows: tFlows } = ru.transfers.memo(geo, code, () =>
    transferSection(code, region.level, row, ru, geo, home, point, shown),
  );
  const { cells, flows: fFlows } = ru.floating.memo(geo, code, () => floatingSection(row, ru, geo, home, point));

  // leaderboard: the first organizations of this region on the shared ranking
  const leaderboard: Snapshot['leaderboard'] = [];
  for (const { i, points } of row === undefined ? [] : ru.counters.leaders) {
    if (!rr.contains(row!, i)) continue;
    const o = rr.orgs[i]!;
    leaderboard.push({ org: o.id, name: o.name, kind: o.kind, region: o.region, points });
    if (leaderboard.length === LEADERBOARD_MAX) break;
  }

  // ticker: the newest items of this region on the shared newest-first list
  const ticker: TickerItem[] = [];
  for (const t of row === undefined ? [] : ru.ticker) {
    const i = rr.indexOf(t.org);
    if (!rr.contains(row!, i)) continue;
    const o = rr.orgs[i]!;
    ticker.push({ ...t, orgName: o.name, region: o.region });
    if (ticker.length === TICKER_MAX_ITEMS) break;
  }

  const devStages = Object.fromEntries(DEVELOPMENT_STAGES.map((st, i) => [st, a[C_DEV_STAGE0 + i]!])) as Record<
    DevelopmentStage,
    number
  >;
  const bands = {} as Record<string, Record<string, number>>;
  BANDS.forEach(([d, b], k) => ((bands[d] ??= {})[b] = a[C_BAND0 + k]!));

  const units =
    childRefs.length > 0 ? childRefs.map((c) => ({ region: c, kpi: children[c.code]!.kpi })) : [{ region, kpi }];
  return {
    region: {
      code: region.code,
      name: region.name,
      level: region.level,
      illustrative: region.illustrative,
      parent: region.parent,
      ancestors: geo.ancestors(code),
    },
    asOf: nowMs,
    day: today,
    timeZone: opts.timeZone,
    kpi,
    children,
    study: { hourlyToday, hourlyYesterday, daily },
    meetings: { byKind, branches: a[C_BRANCHES]!, compliantBranches: a[C_COMPLIANT]! },
    transfers: { stages, overdue: kpi.transfersOverdue, flows: tFlows },
    floating: {
      members: kpi.floatingMembers,
      outOfContact: kpi.floatingOutOfContact,
      cells,
      cellResolution: FLOATING_CELL_RESOLUTION,
      flows: fFlows,
    },
    development: { stages: devStages, probationOverdue: kpi.probationOverdue },
    structure: {
      orgs: a[C_STRUCT_ORGS]!,
      members: a[C_STRUCT_MEMBERS]!,
      bands: bands as Snapshot['structure']['bands'],
    },
    leaderboard,
    ticker,
    alerts: evaluateAlerts(units, dayOfMonth(today)),
    // filled by the alert service (server/alerts/service.ts) for walls and the snapshot API
    alerting: EMPTY_ALERT_PANEL,
  };
}

/** Several regions' snapshots at one instant from one input (they share the roll-up); a
 * region's entry is the error buildSnapshot threw for it. */
export function buildSnapshots(
  codes: readonly string[],
  nowMs: number,
  input: RollupInput,
  opts: RollupOptions,
  geo: GeoLookup = registryGeo,
): (Snapshot | Error)[] {
  return codes.map((code) => {
    try {
      return buildSnapshot(code, nowMs, input, opts, geo);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  });
}
