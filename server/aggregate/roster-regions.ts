// The roster laid out for the all-region roll-up: every region that contains an organization
// gets a row, and each organization the list of rows it counts in. Cached per roster. Pure.
import { containsCode, COUNTRY_CODE, isRegionCode } from '../../geo/codes.ts';
import type { Org } from '../contract/index.ts';

/** Every region code (of any level) that contains `code`, `code` included; the country (100000) first. */
function regionsContaining(code: string): string[] {
  if (!isRegionCode(code)) return [];
  const candidates = [
    COUNTRY_CODE,
    `${code.slice(0, 2)}0000`,
    `${code.slice(0, 4)}00`,
    code.slice(0, 6),
    code.slice(0, 9),
    code,
  ];
  const out: string[] = [];
  for (const c of candidates) if (isRegionCode(c) && !out.includes(c) && containsCode(c, code)) out.push(c);
  return out;
}

/** The roster laid out for the roll-up: organizations by index (roster order), the regions that
 * contain any of them, and for each organization the regions it counts in. Cached per roster. */
export class RosterRegions {
  readonly index = new Map<string, number>();
  /** region codes with at least one organization; a region's row is its position here */
  readonly codes: string[] = [];
  readonly row = new Map<string, number>();
  /** rows of the regions containing org i: anc[ancStart[i]] … anc[ancStart[i + 1] - 1] */
  readonly anc: Int32Array;
  readonly ancStart: Int32Array;
  /** each row's enclosing row (-1 at the top) */
  readonly parent: Int32Array;
  /** rows, deepest first: a row comes before its parent */
  readonly bottomUp: Int32Array;

  constructor(readonly orgs: readonly Org[]) {
    const lists: number[][] = [];
    const byCode = new Map<string, number[]>();
    const parents: number[] = [];
    const depths: number[] = [];
    orgs.forEach((o, i) => {
      if (!this.index.has(o.id)) this.index.set(o.id, i);
      let rows = byCode.get(o.region);
      if (!rows) {
        // shallowest first, the organization's own region last
        rows = regionsContaining(o.region).map((c, depth, chain) => {
          let r = this.row.get(c);
          if (r === undefined) {
            this.row.set(c, (r = this.codes.length));
            this.codes.push(c);
            parents.push(depth > 0 ? this.row.get(chain[depth - 1]!)! : -1);
            depths.push(depth);
          }
          return r;
        });
        byCode.set(o.region, rows);
      }
      lists.push(rows);
    });
    this.parent = Int32Array.from(parents);
    this.bottomUp = Int32Array.from(depths.map((_, r) => r).sort((a, b) => depths[b]! - depths[a]! || a - b));
    this.ancStart = new Int32Array(orgs.length + 1);
    let n = 0;
    lists.forEach((l, i) => ((this.ancStart[i] = n), (n += l.length)));
    this.ancStart[orgs.length] = n;
    this.anc = new Int32Array(n);
    lists.forEach((l, i) => this.anc.set(l, this.ancStart[i]!));
  }

  /** True when organization i counts in the region at `row`. */
  contains(row: number, i: number): boolean {
    for (let k = this.ancStart[i]!, end = this.ancStart[i + 1]!; k < end; k++) if (this.anc[k] === row) return true;
    return false;
  }

  /** The index of an organization id on this roster (the first org with that id), else -1. */
  indexOf(id: string): number {
    return this.index.get(id) ?? -1;
  }
}

const rosters = new WeakMap<readonly Org[], RosterRegions>();
export function rosterRegions(roster: readonly Org[]): RosterRegions {
  let rr = rosters.get(roster);
  if (!rr) rosters.set(roster, (rr = new RosterRegions(roster)));
  return rr;
}
