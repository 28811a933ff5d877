// Entity records grouped by organization for the roll-up, reused while the records are the
// same objects (both engines replace a record on change, never modify one in place). Pure.
import type { RosterRegions } from './roster-regions.ts';

/**
 * Entity records (transfer cases, floating members) grouped by organization, with a memo of
 * per-region results derived from them alone (flows, cells). A new input whose records are the
 * same objects in the same order reuses the group: both engines replace a record when it
 * changes and never modify one in place (MemState, RollupReader's cached sections).
 */
export class RecordGroup<T extends { org: string }> {
  /** per org index: its records (absent when none) */
  readonly of: (T[] | undefined)[];
  /** org indexes with records, ascending (roster order) */
  readonly orgs: number[] = [];
  readonly #memo = new WeakMap<object, Map<string, unknown>>();

  constructor(
    readonly records: readonly T[],
    rr: RosterRegions,
  ) {
    this.of = new Array<T[] | undefined>(rr.orgs.length);
    for (const r of records) {
      const i = rr.index.get(r.org);
      if (i !== undefined) (this.of[i] ??= []).push(r);
    }
    for (let i = 0; i < this.of.length; i++) if (this.of[i]) this.orgs.push(i);
  }

  /** `build()` once per (`owner`, `key`) for as long as the records stay the same. */
  memo<S>(owner: object, key: string, build: () => S): S {
    let m = this.#memo.get(owner);
    if (!m) this.#memo.set(owner, (m = new Map()));
    let v = m.get(key) as S | undefined;
    if (v === undefined) m.set(key, (v = build()));
    return v;
  }
}

function sameRecords<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** the latest record groups per roster, reused by the next input while its records are the same */
const latestGroups = new WeakMap<RosterRegions, Record<string, RecordGroup<{ org: string }>>>();

/** The group of `source`'s records, the previous one of the same `which` while they are the same. */
export function groupOf<T extends { org: string }>(
  rr: RosterRegions,
  which: string,
  source: Iterable<T>,
): RecordGroup<T> {
  let latest = latestGroups.get(rr);
  if (!latest) latestGroups.set(rr, (latest = {}));
  const prev = latest[which] as RecordGroup<T> | undefined;
  const records = Array.isArray(source) ? (source as T[]) : [...source];
  if (prev && sameRecords(prev.records, records)) return prev;
  const g = new RecordGroup(records, rr);
  latest[which] = g as unknown as RecordGroup<{ org: string }>;
  return g;
}
