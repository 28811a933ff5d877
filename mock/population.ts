// The simulated membership behind a roster: which branches are keen or lagging, who the
// members are, and which of them work far from home (流动党员). Derived once per (roster, seed).
import { provinceAt } from '../geo/spatial.ts';
import type { Org } from '../server/contract/roster.ts';
import { personName } from './names.ts';
import { WORK_CITIES, type WorkCity } from './places.ts';
import { hashInts, hashString, mix32, Rng, unit } from './prng.ts';
import { orgTypeOf } from './roster.ts';
import type { OrgType } from './structure.ts';

export interface Branch {
  idx: number;
  id: string;
  kind: Org['kind'];
  /** the organization's region code (9 digits: a township's organ; 12: a village or community) */
  region: string;
  members: number;
  /** whose members: a village's (rural), a community's or a township organ's; aggregates by their id */
  type: OrgType;
  urban: boolean;
  /** how keen the branch's members are on the app, ~0.35…1.3 */
  engagement: number;
  /** holds its meetings late or skips some */
  lagging: boolean;
  /** hash of the id, for cheap per-branch randomness */
  h: number;
}

export interface FloatingMember {
  branch: number;
  n: number;
  city: WorkCity;
  /** where they work, GCJ-02 */
  lng: number;
  lat: number;
  crs: 'gcj02' | 'wgs84' | 'bd09' | undefined;
  /** chance of a check-in on an ordinary day */
  daily: number;
  /** checks in only a couple of days in each 36-day cycle, so drops out of contact for weeks */
  rare: boolean;
  phase: number;
}

export interface Population {
  seed: number;
  /** organizations holding members, and the village-level 党总支/党委 above them (0 members) */
  branches: Branch[];
  /** cumulative members × engagement over `branches`, for picking who acts */
  activityCum: Float64Array;
  /** cumulative members over `branches`, for picking whose transfer it is */
  memberCum: Float64Array;
  members: number;
  floating: FloatingMember[];
  /** 6-digit county codes outside the area that transfers may go to */
  outside: readonly string[];
}

/** Share of members who work away from home: high for villages, low for towns and offices. */
const FLOATING_SHARE = { rural: 0.06, urban: 0.015, organ: 0.004 };
const LAGGING_SHARE = 0.13;
const RARE_SHARE = 0.35;

export function memberId(b: Branch, n: number): string {
  return `m-${b.id}-${n}`;
}

export function memberName(b: Branch, n: number): string {
  return personName(hashInts(b.h, n, 0x4e));
}

export function buildPopulation(
  roster: readonly Org[],
  seed: number,
  outside: readonly string[] = WORK_CITIES.map((c) => c.county),
): Population {
  const branches: Branch[] = [];
  for (const org of roster) {
    // Members sit in branches; village-level 党总支 and community 党委 are kept for their meetings.
    if (org.members <= 0 && (org.kind === 'branch' || org.region.length !== 12)) continue;
    const h = hashString(org.id);
    const county = hashString(org.region.slice(0, 6));
    const r = Rng.of(seed, h, 11);
    // A county's work culture shifts all its branches a little; a few branches lag behind.
    const countyFactor = 0.8 + 0.35 * unit(hashInts(seed, county, 12));
    const lagging = r.chance(LAGGING_SHARE);
    const engagement = countyFactor * (lagging ? r.range(0.4, 0.7) : r.range(0.8, 1.2));
    const type = orgTypeOf(org.id, org.region);
    const urban = type !== 'rural';
    const { id, kind, region, members } = org;
    branches.push({ idx: branches.length, id, kind, region, members, type, urban, engagement, lagging, h });
  }
  const activityCum = new Float64Array(branches.length);
  const memberCum = new Float64Array(branches.length);
  let act = 0;
  let mem = 0;
  branches.forEach((b, i) => {
    activityCum[i] = act += b.members * b.engagement;
    memberCum[i] = mem += b.members;
  });
  return { seed, branches, activityCum, memberCum, members: mem, floating: floatingMembers(branches, seed), outside };
}

const CITY_CUM = (() => {
  let total = 0;
  return WORK_CITIES.map((c) => (total += c.weight));
})();

function floatingMembers(branches: Branch[], seed: number): FloatingMember[] {
  const out: FloatingMember[] = [];
  for (const b of branches) {
    const share = FLOATING_SHARE[b.type];
    const home = b.region.slice(0, 4);
    for (let n = 1; n <= b.members; n++) {
      const h = hashInts(seed, b.h, n, 21);
      if (unit(h) >= share) continue;
      const r = new Rng(mix32(h));
      const x = r.next() * CITY_CUM[CITY_CUM.length - 1]!;
      let city = WORK_CITIES[CITY_CUM.findIndex((c) => c > x)]!;
      // nobody floats to their own prefecture (an area that holds work cities: 广东, the country)
      while (city.county.startsWith(home)) {
        const y = r.next() * CITY_CUM[CITY_CUM.length - 1]!;
        city = WORK_CITIES[CITY_CUM.findIndex((c) => c > y)]!;
      }
      const crsRoll = r.next();
      const [lng, lat] = workplace(city, r);
      out.push({
        branch: b.idx,
        n,
        city,
        lng,
        lat,
        crs: crsRoll < 0.45 ? undefined : crsRoll < 0.8 ? 'gcj02' : crsRoll < 0.9 ? 'wgs84' : 'bd09',
        daily: r.range(0.15, 0.8),
        rare: r.chance(RARE_SHARE),
        phase: r.int(36),
      });
    }
  }
  return out;
}

const WORKPLACE_SPREAD_DEG = 0.1;
const cityProvince = new Map<string, string | null>();

/** Somewhere in the city's area, on land and in the city's province (not across a border or at sea). */
function workplace(city: WorkCity, r: Rng): [lng: number, lat: number] {
  if (!cityProvince.has(city.name)) cityProvince.set(city.name, provinceAt(city.centre[0], city.centre[1]));
  const province = cityProvince.get(city.name);
  const dx = r.normal() * WORKPLACE_SPREAD_DEG;
  const dy = r.normal() * WORKPLACE_SPREAD_DEG * 0.8;
  for (const f of [1, 0.5, 0.25, 0]) {
    const lng = Math.round((city.centre[0] + dx * f) * 1e5) / 1e5;
    const lat = Math.round((city.centre[1] + dy * f) * 1e5) / 1e5;
    if (f === 0 || provinceAt(lng, lat) === province) return [lng, lat];
  }
  return city.centre;
}

/** The realistic (scale 1) number of activity events per day, for sizing runs. */
export function activityPerDay(pop: Population): number {
  return pop.members * ACTIVITY_PER_MEMBER_DAY;
}

/**
 * App heartbeats 1.2, study items 0.45, points 0.15, exams ~0.03 (campaign weeks included)
 * per member and day; see mock/README.md.
 */
export const ACTIVITY_PER_MEMBER_DAY = 1.2 + 0.45 + 0.15 + 0.03;
