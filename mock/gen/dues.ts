// 党费: each member pays monthly, mostly in the first ten days (on the app, or to the branch's
// collector on its collection day); a few pay late, after the 15th or in the next month with
// that month's dues; a few prepay a quarter. Amounts follow 《关于中国共产党党费收缴、使用和管理的
// 规定》 (2008). A month's payments are a pure function of (seed, month); see mock/README.md.
import type { IngestEvent } from '../../server/contract/events.ts';
import { memberId, memberName, type Branch, type Population } from '../population.ts';
import { hash4, hashInts, hashString, unit } from '../prng.ts';
import { DAY_MS, dayStartMs, HOUR_MS, localDate, rfc3339Local } from '../rhythm.ts';
import type { Timed } from './activity.ts';

/** Who a member is for 党费: salaried (在职), retired (离退休), farmer (农民), or student/unemployed/低保. */
type Kind = 'salaried' | 'retired' | 'farmer' | 'low';
type OrgType = 'rural' | 'urban' | 'organ';

/** Member kinds by organization type (assumption; 公报 2023: 农牧渔民 26 %, 离退休 21 % of members). */
const KIND_SHARES: Readonly<Record<OrgType, readonly (readonly [Kind, number])[]>> = {
  rural: [
    ['farmer', 0.7],
    ['salaried', 0.12],
    ['retired', 0.1],
    ['low', 0.08],
  ],
  urban: [
    ['retired', 0.55],
    ['salaried', 0.3],
    ['low', 0.1],
    ['farmer', 0.05],
  ],
  organ: [
    ['salaried', 0.95],
    ['retired', 0.05],
  ],
};
/** Median monthly income after tax, yuan (西安 2025, rounded assumptions), and its spread (lognormal σ). */
const SALARY_MEDIAN: Readonly<Record<OrgType, number>> = { rural: 3500, urban: 5500, organ: 6500 };
const PENSION_MEDIAN: Readonly<Record<OrgType, number>> = { rural: 2800, urban: 3800, organ: 4500 };
const INCOME_SIGMA = 0.35;
/** Farmers pay 0.2–1 yuan a month; students, the unemployed and 低保 recipients 0.2. */
const FARMER_AMOUNTS = [0.2, 0.5, 0.5, 1, 1, 1];
const LOW_AMOUNT = 0.2;
/** Incomes are re-assessed once a year (每年核定一次): amounts step each January. */
const INCOME_GROWTH_PER_YEAR = 0.04;
const BASE_YEAR = 2026;

/** Share who pay on the mobile app (the rest hand it to the branch's collector on its collection day). */
const APP_SHARE: Readonly<Record<OrgType, number>> = { rural: 0.35, urban: 0.65, organ: 0.8 };
/** Share who prepay a quarter (three events, same day, in the quarter's first month). */
const PREPAY_SHARE = 0.03;
/** Chance a late payment slips into the next month (paid with that month's dues, same day). */
const LATE_INTO_NEXT = 0.4;
/** A month's chance that a whole township collects late (a new collector, a busy season). */
const TOWNSHIP_LAG_MONTH = 0.05;
/** A month's chance that one county of the area (never two) collects mid-month (an IT switch, an inspection). */
const COUNTY_LAG_MONTH = 0.35;
/** Lagging branches (population.ts) collect late in this share of months. */
const BRANCH_LAG_MONTH = 0.4;

interface Odds {
  miss: number;
  late: number;
}
const ON_TIME: Odds = { miss: 0.012, late: 0.05 };
const LAGGING: Odds = { miss: 0.05, late: 0.14 };

/** 在职党员: 0.5 % of income ≤ 3000, 1 % ≤ 5000, 1.5 % ≤ 10000, 2 % above; 离退休: 0.5 % ≤ 5000, 1 % above. */
export function duesRate(kind: 'salaried' | 'retired', income: number): number {
  if (kind === 'retired') return income <= 5000 ? 0.005 : 0.01;
  return income <= 3000 ? 0.005 : income <= 5000 ? 0.01 : income <= 10000 ? 0.015 : 0.02;
}

function orgType(b: Branch): OrgType {
  return b.type;
}

/** A member's 党费 for a month of `year`, yuan with two decimals; stable over the year. */
export function duesAmount(seed: number, b: Branch, n: number, year: number): number {
  const type = orgType(b);
  const u = unit(hash4(seed, b.h, n, 0xd5));
  let acc = 0;
  const kind = KIND_SHARES[type].find(([, w]) => u < (acc += w))?.[0] ?? 'low';
  if (kind === 'farmer') return FARMER_AMOUNTS[hash4(seed, b.h, n, 0xd6) % FARMER_AMOUNTS.length]!;
  if (kind === 'low') return LOW_AMOUNT;
  // a standard normal from two hashes (Box–Muller)
  const r = Math.sqrt(-2 * Math.log(1 - unit(hash4(seed, b.h, n, 0xd7))));
  const z = r * Math.cos(2 * Math.PI * unit(hash4(seed, b.h, n, 0xd8)));
  const median = kind === 'salaried' ? SALARY_MEDIAN[type] : PENSION_MEDIAN[type];
  const income = median * Math.exp(INCOME_SIGMA * z) * (1 + INCOME_GROWTH_PER_YEAR) ** (year - BASE_YEAR);
  return Math.max(LOW_AMOUNT, Math.round(income * duesRate(kind, income) * 100) / 100);
}

/** Month key: year × 12 + month − 1. */
const monthKey = (year: number, month: number) => year * 12 + month - 1;
const keyYear = (mk: number) => Math.floor(mk / 12);
export const monthLabel = (mk: number) => `${keyYear(mk)}-${String((mk % 12) + 1).padStart(2, '0')}`;
const firstDayOf = (mk: number) => Math.round(Date.UTC(keyYear(mk), mk % 12, 1) / DAY_MS);

/** How late a branch collects in a month: on time, mid-month (its county's bad month), late (its own or township's). */
type Lag = 'none' | 'county' | 'late';

/** The county of the area that collects mid-month in `mk`, if any: at most one, so the city never lags as a whole. */
export function laggingCounty(pop: Population, mk: number): string | undefined {
  if (unit(hashInts(pop.seed, mk, 0xdb)) >= COUNTY_LAG_MONTH) return undefined;
  const counties = [...new Set(pop.branches.map((b) => b.region.slice(0, 6)))].sort();
  return counties[hashInts(pop.seed, mk, 0xdc) % counties.length];
}

function lagOf(seed: number, b: Branch, mk: number, county: string | undefined): Lag {
  if (b.lagging && unit(hash4(seed, b.h, mk, 0xd9)) < BRANCH_LAG_MONTH) return 'late';
  if (unit(hashInts(seed, hashString(b.region.slice(0, 9)), mk, 0xda)) < TOWNSHIP_LAG_MONTH) return 'late';
  return b.region.startsWith(county ?? '-') ? 'county' : 'none';
}

/** What a member does about month `mk`'s dues: the day of the month they pay it, 'next' month, or never. */
type Plan = { day: number } | 'next' | 'never' | 'prepaid';

function isPrepayer(seed: number, b: Branch, n: number): boolean {
  return unit(hash4(seed, b.h, n, 0xdc)) < PREPAY_SHARE;
}

function planOf(seed: number, b: Branch, n: number, mk: number, lag: Lag, cday: number, monthDays: number): Plan {
  const app = unit(hash4(seed, b.h, n, 0xdd)) < APP_SHARE[orgType(b)];
  const prepayer = isPrepayer(seed, b, n);
  if (prepayer && mk % 3 !== 0) return 'prepaid';
  const h = hash4(seed, b.h, n, mk);
  const r = unit(h);
  const odds = lag === 'late' ? LAGGING : ON_TIME;
  if (!prepayer && r < odds.miss) return 'never';
  if (!prepayer && r < odds.miss + odds.late) {
    if (unit(hash4(h, 1, 0, 0)) < LATE_INTO_NEXT) return 'next';
    return { day: Math.min(monthDays, 16 + Math.floor(unit(hash4(h, 2, 0, 0)) * 13)) };
  }
  const v = unit(hash4(h, 3, 0, 0));
  // app payers pay when reminded (in a lagging month the reminders go out late too); collectors' members on the day
  if (app) return { day: lag !== 'none' ? cday + Math.floor(v * 5) : 1 + Math.floor(10 * v ** 1.5) };
  return { day: Math.min(monthDays, cday + (v < 0.75 ? 0 : 1 + Math.floor(unit(hash4(h, 4, 0, 0)) * 3))) };
}

/** The branch's collection day of a month: early in the month; 10–20 in its county's bad month; 12–25 when it lags. */
function collectionDayOf(seed: number, b: Branch, mk: number, lag: Lag): number {
  const u = unit(hash4(seed, b.h, mk, 0xde));
  if (lag === 'late') return 12 + Math.floor(u * 14);
  return lag === 'county' ? 10 + Math.floor(u * 11) : 1 + Math.floor(9 * u ** 1.6);
}

/** When in the day: collectors enter payments in office hours (rural ones some evenings), app payers when awake. */
function timeOfDay(h: number, app: boolean, rural: boolean): number {
  const u = unit(hash4(h, 5, 0, 0));
  if (!app) return (rural && u < 0.3 ? 19 + 2 * unit(hash4(h, 6, 0, 0)) : 9 + 8.5 * u) * HOUR_MS;
  // app: most around noon and in the evening
  const hours = [8, 9, 12, 12, 13, 19, 20, 20, 21, 21, 22, 10, 15, 17, 7];
  return (hours[Math.floor(u * hours.length)]! + unit(hash4(h, 7, 0, 0))) * HOUR_MS;
}

interface Payment {
  t: number;
  b: Branch;
  n: number;
  /** month keys paid for, oldest first */
  months: number[];
}

/** Every 党费 payment made in calendar month `mk`, in time order. */
export function paymentsOfMonth(pop: Population, mk: number): Payment[] {
  const seed = pop.seed;
  const first = firstDayOf(mk);
  const monthDays = localDate(first).daysInMonth;
  const prevDays = localDate(first - 1).daysInMonth;
  const out: Payment[] = [];
  const county = laggingCounty(pop, mk);
  const prevCounty = laggingCounty(pop, mk - 1);
  for (const b of pop.branches) {
    if (b.members <= 0) continue;
    const lag = lagOf(seed, b, mk, county);
    const prevLag = lagOf(seed, b, mk - 1, prevCounty);
    const cday = collectionDayOf(seed, b, mk, lag);
    const prevCday = collectionDayOf(seed, b, mk - 1, prevLag);
    for (let n = 1; n <= b.members; n++) {
      const plan = planOf(seed, b, n, mk, lag, cday, monthDays);
      const prev = planOf(seed, b, n, mk - 1, prevLag, prevCday, prevDays);
      const months: number[] = [];
      let day = 0;
      if (typeof plan === 'object') {
        day = plan.day;
        months.push(mk);
        if (isPrepayer(seed, b, n)) months.push(mk + 1, mk + 2);
      }
      if (prev === 'next') {
        months.unshift(mk - 1);
        // arrears go with this month's dues, or on their own early in the month
        if (day === 0) day = 1 + Math.floor(unit(hash4(seed, b.h, n, mk ^ 0x5a5a)) * 10);
      }
      if (months.length === 0) continue;
      const h = hash4(seed, b.h, n, mk + 0x1000);
      const app = unit(hash4(seed, b.h, n, 0xdd)) < APP_SHARE[orgType(b)];
      const t = dayStartMs(first + day - 1) + Math.floor(timeOfDay(h, app, !b.urban));
      out.push({ t, b, n, months });
    }
  }
  return out.sort((x, y) => x.t - y.t);
}

function eventsOf(pop: Population, tag: string, p: Payment): Timed[] {
  const { b, n } = p;
  const person = { member: memberId(b, n), name: memberName(b, n) };
  return p.months.map((mk) => {
    const month = monthLabel(mk);
    const ev: IngestEvent = {
      id: `du${tag}-${b.id.slice(2)}-${n}-${month}`,
      type: 'dues.paid',
      ts: rfc3339Local(p.t),
      org: b.id,
      ...person,
      month,
      amount: duesAmount(pop.seed, b, n, keyYear(mk)),
    };
    return { t: p.t, ev };
  });
}

/** Cache of the current month's payments, because the stream walks day by day. */
export class DuesCalendar {
  private key = Number.NaN;
  private month: Payment[] = [];

  constructor(
    private readonly pop: Population,
    private readonly tag: string,
  ) {}

  ofDay(day: number): Timed[] {
    const { year, month } = localDate(day);
    const key = monthKey(year, month);
    if (key !== this.key) {
      this.key = key;
      this.month = paymentsOfMonth(this.pop, key);
    }
    const start = dayStartMs(day);
    const end = start + DAY_MS;
    let lo = 0;
    let hi = this.month.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.month[mid]!.t < start) lo = mid + 1;
      else hi = mid;
    }
    const out: Timed[] = [];
    for (let i = lo; i < this.month.length && this.month[i]!.t < end; i++) {
      out.push(...eventsOf(this.pop, this.tag, this.month[i]!));
    }
    return out;
  }
}

/** The month key of a local day (for tests and figures). */
export function monthKeyOfDay(day: number): number {
  const { year, month } = localDate(day);
  return monthKey(year, month);
}
