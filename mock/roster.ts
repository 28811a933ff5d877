// The roster generator: the territorial party organizations of a 陕西 city or county, from the
// committee at the top down to one or more branches per village and community. Member counts
// and structure follow the assumptions documented in mock/README.md. Deterministic for (region, seed).
import { childrenOf } from '../geo/registry.ts';
import type { RegionRecord } from '../geo/types.ts';
import type { Org } from '../server/contract/roster.ts';
import { ordinal, placeName } from './names.ts';
import { areaCounties, areaRegion, orgPoint } from './places.ts';
import { hashString, Rng } from './prng.ts';
import { orgStructure, type OrgType } from './structure.ts';

export const DEFAULT_ROSTER_SEED = 1;

/** 《中国共产党支部工作条例（试行）》: a branch generally has at most 50 members. */
const BRANCH_MAX_MEMBERS = 50;
/** above 100 members a 基层党委 (committee) may be set up; 51–100 a 党总支 (general branch) */
const COMMITTEE_FROM_MEMBERS = 101;
/** a branch needs at least 3 full members */
const BRANCH_MIN_MEMBERS = 3;

/** NBS urban-rural codes: a village code's last three digits below 200 are 居委会 (urban). */
export function isUrbanVillageCode(code: string): boolean {
  return code.length === 12 && Number(code.slice(9)) < 200;
}

function orgType(region: string): OrgType {
  return region.length === 9 ? 'organ' : isUrbanVillageCode(region) ? 'urban' : 'rural';
}

/** Members of a village's or community's party organization (lognormal, clamped). */
function villageMembers(code: string, seed: number): number {
  const rng = Rng.of(seed, hashString(code), 1);
  const urban = isUrbanVillageCode(code);
  const median = urban ? 95 : 34;
  const sigma = urban ? 0.55 : 0.35;
  const raw = Math.round(median * Math.exp(sigma * rng.normal()));
  return urban ? Math.min(320, Math.max(25, raw)) : Math.min(110, Math.max(12, raw));
}

/** Splits `total` members over `n` branches, roughly evenly, each at least the minimum. */
function split(total: number, n: number, rng: Rng): number[] {
  const weights = Array.from({ length: n }, () => rng.range(0.75, 1.25));
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.max(BRANCH_MIN_MEMBERS, Math.floor((total * w) / sum)));
  let rest = total - parts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest !== 0; i = (i + 1) % n) {
    if (rest > 0) {
      parts[i]!++;
      rest--;
    } else if (parts[i]! > BRANCH_MIN_MEMBERS) {
      parts[i]!--;
      rest++;
    }
  }
  return parts;
}

const at = orgPoint;

function committeeName(r: RegionRecord): string {
  if (r.level === 'township' && r.name.endsWith('街道')) return `中共${r.name}工作委员会`;
  return `中共${r.name}委员会`;
}

function villageOrgs(v: RegionRecord, parent: string, seed: number, out: Org[]): void {
  const urban = isUrbanVillageCode(v.code);
  const place = placeName(v.name, urban);
  const members = villageMembers(v.code, seed);
  const base = `o-${v.code}`;
  if (members <= BRANCH_MAX_MEMBERS) {
    const id = `${base}-1`;
    out.push({ id, name: `${place}党支部`, parent, kind: 'branch', region: v.code, members, ...at(v.code, id, 0.003) });
    return;
  }
  const committee = members >= COMMITTEE_FROM_MEMBERS;
  const perBranch = committee ? 40 : 30;
  let n = Math.max(3, Math.ceil(members / perBranch));
  out.push({
    id: base,
    name: committee ? `中共${place}委员会` : `中共${place}总支部委员会`,
    parent,
    kind: committee ? 'committee' : 'general-branch',
    region: v.code,
    members: 0,
    ...at(v.code, base, 0.001),
  });
  let sizes = split(members, n, Rng.of(seed, hashString(v.code), 2));
  while (Math.max(...sizes) > BRANCH_MAX_MEMBERS) sizes = split(members, ++n, Rng.of(seed, hashString(v.code), 2));
  sizes.forEach((m, i) => {
    const id = `${base}-${i + 1}`;
    out.push({
      id,
      name: `${place}${ordinal(i + 1)}党支部`,
      parent: base,
      kind: 'branch',
      region: v.code,
      members: m,
      ...at(v.code, id, 0.003),
    });
  });
}

function townshipOrgs(t: RegionRecord, parent: string, seed: number, out: Org[]): void {
  const id = `o-${t.code}`;
  out.push({ id, name: committeeName(t), parent, kind: 'committee', region: t.code, members: 0, ...at(t.code, id, 0) });
  const organ = `${id}-0`;
  const organMembers = 18 + Rng.of(seed, hashString(t.code), 3).int(BRANCH_MAX_MEMBERS - 18 + 1);
  out.push({
    id: organ,
    name: `${t.name}机关党支部`,
    parent: id,
    kind: 'branch',
    region: t.code,
    members: organMembers,
    ...at(t.code, organ, 0.002),
  });
  for (const v of childrenOf(t.code)) villageOrgs(v, id, seed, out);
}

/**
 * The roster of a 陕西 city (e.g. 610100) or county (e.g. 610113). Members sit in branches
 * only, so that sums over any subtree count each member once; committees and general
 * branches carry 0.
 */
export function buildRoster(regionCode: string, seed: number = DEFAULT_ROSTER_SEED): Org[] {
  const area = areaRegion(regionCode);
  const out: Org[] = [];
  const rootId = `o-${area.code}`;
  out.push({
    id: rootId,
    name: committeeName(area),
    parent: null,
    kind: 'committee',
    region: area.code,
    members: 0,
    ...at(area.code, rootId, 0),
  });
  for (const county of areaCounties(area)) {
    let parent = rootId;
    if (county.code !== area.code) {
      parent = `o-${county.code}`;
      out.push({
        id: parent,
        name: committeeName(county),
        parent: rootId,
        kind: 'committee',
        region: county.code,
        members: 0,
        ...at(county.code, parent, 0),
      });
    }
    for (const t of childrenOf(county.code)) townshipOrgs(t, parent, seed, out);
  }
  // 党员结构 of every organization that holds members: its own stream, so nothing above moves
  for (const o of out) {
    if (o.members > 0) o.structure = orgStructure(orgType(o.region), o.members, Rng.of(seed, hashString(o.id), 0x57));
  }
  return out;
}
