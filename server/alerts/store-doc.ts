// What the durable alert state stores (store-files.ts, store-redis.ts) share: reading back a
// stored state document (refused, never replaced, when it is not one) and history lines (a torn
// or foreign line is skipped), and the grouping of history by local day.
import type { ZonedClock } from '../aggregate/period.ts';
import type { AlertHistoryEntry } from '../contract/alerts.ts';
import type { AlertStateDoc } from './service.ts';

export const DAY_MS = 86_400_000;

/** A stored state that is not a state document: the start stops (nothing overwrites it). */
export class AlertStoreCorruptError extends Error {
  constructor(
    readonly where: string,
    reason: string,
  ) {
    super(`alert state: ${where} is not a valid state document (${reason}); it is left as it is — repair or remove it`);
    this.name = 'AlertStoreCorruptError';
  }
}

/** The document in `text`, checked for its envelope (the engine's state is checked whole by
 * AlertEngine.fromJSON when the service adopts it). */
export function parseStateDoc(text: string, where: string): AlertStateDoc {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new AlertStoreCorruptError(where, (e as Error).message);
  }
  const d = doc as Partial<AlertStateDoc> | null;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw new AlertStoreCorruptError(where, 'not an object');
  if (!Number.isSafeInteger(d.version) || d.version! < 1) throw new AlertStoreCorruptError(where, 'no version');
  if (typeof d.evaluatedAt !== 'number') throw new AlertStoreCorruptError(where, 'no evaluatedAt');
  if (typeof d.engine !== 'object' || d.engine === null) throw new AlertStoreCorruptError(where, 'no engine');
  return d as AlertStateDoc;
}

/** One history line; null for a torn or foreign one. */
export function parseHistoryEntry(line: string): AlertHistoryEntry | null {
  if (line === '') return null;
  try {
    const e = JSON.parse(line) as Partial<AlertHistoryEntry> | null;
    if (e && typeof e.at === 'number' && typeof e.fingerprint === 'string' && typeof e.event === 'string') {
      return e as AlertHistoryEntry;
    }
  } catch {
    // a torn line
  }
  return null;
}

/** The entries by local day (YYYY-MM-DD), each day's in the order given. */
export function byDay(clock: ZonedClock, entries: readonly AlertHistoryEntry[]): Map<string, AlertHistoryEntry[]> {
  const out = new Map<string, AlertHistoryEntry[]>();
  for (const e of entries) {
    const day = clock.day(e.at);
    (out.get(day) ?? out.set(day, []).get(day)!).push(e);
  }
  return out;
}

/** An alert's entries of the days read, oldest first (a stable sort: same-ms entries keep the
 * order they were appended in). */
export function historyOf(
  entries: Iterable<AlertHistoryEntry>,
  fingerprint: string,
  fromMs: number,
): AlertHistoryEntry[] {
  const out: AlertHistoryEntry[] = [];
  for (const e of entries) if (e.fingerprint === fingerprint && e.at >= fromMs) out.push(e);
  return out.sort((a, b) => a.at - b.at);
}
