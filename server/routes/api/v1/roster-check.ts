// Roster rules beyond the Org schema (SPEC 4). Pure: the region lookup is passed in.
import { STRUCTURE_BANDS, STRUCTURE_DIMENSIONS, type Org } from '../../../contract/index.ts';

export interface RosterProblem {
  index: number;
  id: string;
  message: string;
}

const MAX_PROBLEMS = 50;

/**
 * Unique ids, parents present, no cycles, regions known, structure bands summing to members.
 * Returns at most 50 problems.
 */
export function checkRoster(orgs: readonly Org[], isKnownRegion: (code: string) => boolean): RosterProblem[] {
  const problems: RosterProblem[] = [];
  const add = (index: number, id: string, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ index, id, message });
  };
  const byId = new Map<string, Org>();
  orgs.forEach((o, i) => {
    if (byId.has(o.id)) add(i, o.id, `duplicate id "${o.id}"`);
    else byId.set(o.id, o);
  });
  orgs.forEach((o, i) => {
    if (o.parent !== null && !byId.has(o.parent)) add(i, o.id, `parent "${o.parent}" is not in the roster`);
    if (o.parent === o.id) add(i, o.id, 'an organization cannot be its own parent');
    if (!isKnownRegion(o.region)) add(i, o.id, `region "${o.region}" is not a known region code`);
    if ((o.lng === undefined) !== (o.lat === undefined)) add(i, o.id, 'lng and lat go together');
    for (const d of STRUCTURE_DIMENSIONS) {
      const bands = o.structure?.[d] as Record<string, number> | undefined;
      if (!bands) continue;
      const sum = STRUCTURE_BANDS[d].reduce((s, b) => s + (bands[b] ?? 0), 0);
      if (sum !== o.members) add(i, o.id, `structure.${d} sums to ${sum}, not to members (${o.members})`);
    }
  });
  if (problems.length > 0) return problems;
  // Every chain of parents must end at a root within orgs.length steps.
  const depth = new Map<string, boolean>();
  orgs.forEach((o, i) => {
    const path = new Set<string>();
    let cur: Org | undefined = o;
    while (cur && cur.parent !== null && !depth.has(cur.id)) {
      if (path.has(cur.id)) {
        add(i, o.id, `parent chain of "${o.id}" has a cycle`);
        break;
      }
      path.add(cur.id);
      cur = byId.get(cur.parent);
    }
    for (const id of path) depth.set(id, true);
  });
  return problems;
}
