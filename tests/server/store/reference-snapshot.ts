// The reference snapshot: buildSnapshot as it was before the all-region roll-up (a region's
// organizations summed one by one, per call). Tests check that the fast path answers exactly
// this for every region.
import { cellToBoundary, cellToLatLng } from 'h3-js';
import { DEVELOPMENT_STAGES, MEETING_KINDS, STRUCTURE_BANDS, TRANSFER_STAGES } from '../../../server/contract/index.ts';
import type { DevelopmentStage, Kpi, Org } from '../../../server/contract/index.ts';
import { UnknownRegionError } from '../../../server/contract/errors.ts';
import { EMPTY_ALERT_PANEL } from '../../../server/contract/alerts.ts';
import type {
  ChildRegion,
  FloatingFlow,
  MeetingKind,
  Snapshot,
  TickerItem,
  TransferFlow,
  TransferStage,
} from '../../../server/contract/index.ts';
import { evaluateAlerts } from '../../../server/aggregate/alerts.ts';
import { registryGeo, type GeoLookup, type LngLat } from '../../../server/aggregate/geo.ts';
import type { FloatingRecord, RollupInput, RollupOptions, TransferCase } from '../../../server/aggregate/model.ts';
import { addDays, dayOfMonth, lastDays } from '../../../server/aggregate/period.ts';
import { childCodeOf, clockFor, rosterIndex } from '../../../server/aggregate/rollup.ts';
import {
  D_EXAMS,
  D_HOUR0,
  D_LEARNERS,
  D_MINUTES,
  D_PASSED,
  M_ATTENDEES,
  M_DUES_FEN,
  M_DUES_PAID,
  M_EXPECTED,
} from '../../../server/aggregate/schema.ts';
import { M_KIND0, M_LEARNERS, M_MEETINGS, M_POINTS, Q_KIND0, type OrgTable } from '../../../server/aggregate/schema.ts';

// The oracle's own rules, written out stage by stage (never shared with the code under test).
const TRANSFER_OPEN: Record<TransferStage, boolean> = {
  applied: true,
  approved: true,
  received: true,
  completed: false,
  rejected: false,
};
const DEVELOPMENT_OPEN: Record<DevelopmentStage, boolean> = {
  applicant: true,
  activist: true,
  candidate: true,
  probationary: true,
  full: false,
  dropped: false,
};
const isOpen = (stage: TransferStage): boolean => TRANSFER_OPEN[stage];
const KIND = { assembly: 0, committee: 1, group: 2, lecture: 3 } as const;

/** Per-org figures that come from entity records rather than counter rows. */
export interface OrgExtra {
  transfersOpen: number;
  transfersCompletedToday: number;
  transfersOverdue: number;
  floatingMembers: number;
  floatingOutOfContact: number;
  onlineNow: number;
  developmentOpen: number;
  probationOverdue: number;
  newProbationaryYear: number;
  newFullYear: number;
  stages: Record<DevelopmentStage, number>;
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** A region's KPIs summed organization by organization. */
export class KpiAcc {
  orgs = 0;
  members = 0;
  branches = 0;
  compliantBranches = 0;
  learnersToday = 0;
  studyMinutesToday = 0;
  examsToday = 0;
  examsPassedToday = 0;
  learnersMonth = 0;
  meetingsMonth = 0;
  attendeesMonth = 0;
  expectedMonth = 0;
  pointsMonth = 0;
  duesPaidMonth = 0;
  duesFenMonth = 0;
  structOrgs = 0;
  structMembers = 0;
  readonly bands = Object.fromEntries(
    Object.entries(STRUCTURE_BANDS).map(([d, bs]) => [d, Object.fromEntries(bs.map((b) => [b, 0]))]),
  ) as Snapshot['structure']['bands'];
  readonly stages = Object.fromEntries(DEVELOPMENT_STAGES.map((st) => [st, 0])) as Record<DevelopmentStage, number>;
  readonly x = {
    transfersOpen: 0,
    transfersCompletedToday: 0,
    transfersOverdue: 0,
    floatingMembers: 0,
    floatingOutOfContact: 0,
  };
  readonly y = { onlineNow: 0, developmentOpen: 0, probationOverdue: 0, newProbationaryYear: 0, newFullYear: 0 };

  add(
    org: Org,
    day: ArrayLike<number> | undefined,
    month: ArrayLike<number> | undefined,
    quarter: ArrayLike<number> | undefined,
    extra: OrgExtra | undefined,
  ): void {
    this.orgs += 1;
    this.members += org.members;
    if (org.kind === 'branch') {
      this.branches += 1;
      const m = (k: keyof typeof KIND) => month?.[M_KIND0 + KIND[k]] ?? 0;
      const q = (k: keyof typeof KIND) => quarter?.[Q_KIND0 + KIND[k]] ?? 0;
      if (m('committee') >= 1 && m('group') >= 1 && q('assembly') >= 1 && q('lecture') >= 1)
        this.compliantBranches += 1;
    }
    if (org.structure) {
      this.structOrgs += 1;
      this.structMembers += org.members;
      for (const [d, bands] of Object.entries(org.structure)) {
        for (const [b, n] of Object.entries(bands as Record<string, number>))
          (this.bands as Record<string, Record<string, number>>)[d]![b]! += n;
      }
    }
    if (day) {
      this.learnersToday += day[D_LEARNERS] ?? 0;
      this.studyMinutesToday += day[D_MINUTES] ?? 0;
      this.examsToday += day[D_EXAMS] ?? 0;
      this.examsPassedToday += day[D_PASSED] ?? 0;
    }
    if (month) {
      this.learnersMonth += month[M_LEARNERS] ?? 0;
      this.meetingsMonth += month[M_MEETINGS] ?? 0;
      this.attendeesMonth += month[M_ATTENDEES] ?? 0;
      this.expectedMonth += month[M_EXPECTED] ?? 0;
      this.pointsMonth += month[M_POINTS] ?? 0;
      this.duesPaidMonth += month[M_DUES_PAID] ?? 0;
      this.duesFenMonth += month[M_DUES_FEN] ?? 0;
    }
    if (extra) {
      for (const k of Object.keys(this.x) as (keyof KpiAcc['x'])[]) this.x[k] += extra[k];
      for (const k of Object.keys(this.y) as (keyof KpiAcc['y'])[]) this.y[k] += extra[k];
      for (const st of DEVELOPMENT_STAGES) this.stages[st] += extra.stages[st];
    }
  }

  kpi(): Kpi {
    return {
      orgs: this.orgs,
      members: this.members,
      learnersToday: this.learnersToday,
      studyRateToday: ratio(this.learnersToday, this.members),
      learnersMonth: this.learnersMonth,
      studyRateMonth: ratio(this.learnersMonth, this.members),
      studyMinutesToday: Math.round(this.studyMinutesToday * 1000) / 1000,
      examsToday: this.examsToday,
      examPassRateToday: ratio(this.examsPassedToday, this.examsToday),
      meetingsMonth: this.meetingsMonth,
      meetingComplianceMonth: ratio(this.compliantBranches, this.branches),
      attendanceRateMonth: ratio(this.attendeesMonth, this.expectedMonth),
      ...this.x,
      pointsMonth: this.pointsMonth,
      onlineNow: this.y.onlineNow,
      duesPaidMonth: this.duesPaidMonth,
      duesRateMonth: ratio(this.duesPaidMonth, this.members),
      duesAmountMonth: this.duesFenMonth / 100,
      developmentOpen: this.y.developmentOpen,
      probationOverdue: this.y.probationOverdue,
      newProbationaryYear: this.y.newProbationaryYear,
      newFullYear: this.y.newFullYear,
    };
  }
}

const FLOATING_CELL_RESOLUTION = 5;
const FLOATING_CELL_MIN_MEMBERS = 5;
/** flows of fewer members are dropped (k-anonymity, like cells) */
const FLOW_MIN_MEMBERS = 5;
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

export function referenceSnapshot(
  code: string,
  nowMs: number,
  input: RollupInput,
  opts: RollupOptions,
  geo: GeoLookup = registryGeo,
): Snapshot {
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
      const flow = (fFlows[key] ??= {
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
  const cells: Record<string, number> = {};
  for (const [cell, n] of [...cellCount].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    if (n >= FLOATING_CELL_MIN_MEMBERS) cells[cell] = n;
  for (const [key, f] of Object.entries(fFlows)) if (f.members < FLOW_MIN_MEMBERS) delete fFlows[key];
  for (const [key, f] of Object.entries(tFlows))
    if (f.open + f.completed + f.rejected < FLOW_MIN_MEMBERS) delete tFlows[key];

  leaders.sort((a, b) => b.points - a.points || (a.org < b.org ? -1 : 1));

  const ticker: TickerItem[] = [];
  for (const t of input.ticker) {
    if (!ids.has(t.org)) continue;
    const o = idx.byId.get(t.org)!;
    ticker.push({ ...t, orgName: o.name, region: o.region });
  }
  ticker.sort((a, b) => b.ts - a.ts || (a.id < b.id ? 1 : -1));
  ticker.length = Math.min(ticker.length, TICKER_MAX);

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
    study: { hourlyToday, hourlyYesterday, daily: days.map((d, i) => ({ day: d, learners: daily[i]! })) },
    meetings: { byKind, branches: acc.branches, compliantBranches: acc.compliantBranches },
    transfers: { stages, overdue: kpi.transfersOverdue, flows: tFlows },
    floating: {
      members: kpi.floatingMembers,
      outOfContact: kpi.floatingOutOfContact,
      cells,
      cellResolution: FLOATING_CELL_RESOLUTION,
      flows: fFlows,
    },
    development: { stages: acc.stages, probationOverdue: kpi.probationOverdue },
    structure: { orgs: acc.structOrgs, members: acc.structMembers, bands: acc.bands },
    leaderboard: leaders.slice(0, LEADERBOARD_MAX),
    ticker,
    alerts: evaluateAlerts(units, dayOfMonth(today)),
    // the lifecycle is the alert service's, not the roll-up's
    alerting: EMPTY_ALERT_PANEL,
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
      e = {
        transfersOpen: 0,
        transfersCompletedToday: 0,
        transfersOverdue: 0,
        floatingMembers: 0,
        floatingOutOfContact: 0,
        onlineNow: 0,
        developmentOpen: 0,
        probationOverdue: 0,
        newProbationaryYear: 0,
        newFullYear: 0,
        stages: Object.fromEntries(DEVELOPMENT_STAGES.map((st) => [st, 0])) as Record<DevelopmentStage, number>,
      };
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
  // development: "more than 12 months" by the calendar (the same day a year before today)
  const year = Number(today.slice(0, 4));
  const yearAgo = new Date(`${today}T00:00:00Z`);
  yearAgo.setUTCFullYear(year - 1);
  const yearAgoDay = yearAgo.toISOString().slice(0, 10);
  for (const c of input.development) {
    const e = get(c.org);
    const thisYear = Number(c.since.slice(0, 4)) === year;
    if (DEVELOPMENT_OPEN[c.stage]) {
      e.developmentOpen += 1;
      e.stages[c.stage] += 1;
      if (c.stage === 'probationary' && c.since < yearAgoDay) e.probationOverdue += 1;
    } else if (thisYear) e.stages[c.stage] += 1;
  }
  for (const en of input.developmentEntries) {
    if (Number(en.since.slice(0, 4)) !== year) continue;
    if (en.stage === 'probationary') get(en.org).newProbationaryYear += 1;
    else get(en.org).newFullYear += 1;
  }
  const extras = { byOrg, transfersByOrg, floatingByOrg };
  extrasCache.set(input, { nowMs, extras });
  return extras;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}
