// What open() reads: the snapshot (strict: written whole and renamed, so any bad line is
// corruption), then every log from the snapshot's `logSeq` on, replayed in order as live
// ingest applied them. A torn last line is skipped and reported; a corrupt record before the
// end stops the start (CorruptRecordError), or with `repair` is moved aside (records.ts).
import { join } from 'node:path';
import type { NormalizedEvent, Org } from '../../contract/index.ts';
import type { IdGenerations } from './ids.ts';
import { listLogs, logPath, SNAPSHOT_FILE } from './files.ts';
import { readRecords, type RepairedRange } from './records.ts';
import { loadLine } from './serialize.ts';
import type { MemState } from './state.ts';

export interface StoreLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export type LogLine = { b: number; e: NormalizedEvent[] } | { r: Org[] };

export interface Loaded {
  /** the first log the snapshot does not cover */
  logSeq: number;
  /** the logs found, ascending */
  seqs: number[];
  /** the store version after the snapshot and every replayed line */
  version: number;
  repairs: RepairedRange[];
}

/** Applies one log line: as live ingest did once it was durable. */
export function replay(st: MemState, ids: IdGenerations, line: LogLine): void {
  if ('r' in line) st.setRoster(line.r);
  else {
    st.sweep(line.b);
    for (const ev of line.e) {
      ids.add(ev.id, line.b);
      st.apply(ev);
    }
  }
}

export async function loadDataDir(
  dir: string,
  st: MemState,
  ids: IdGenerations,
  opts: { repair?: boolean; log?: StoreLog },
): Promise<Loaded> {
  const { log } = opts;
  let logSeq = 0;
  let version = 0;
  for await (const line of readRecords(join(dir, SNAPSHOT_FILE), { strict: true })) {
    const h = loadLine(st, ids, line);
    if (h) [logSeq, version, st.accepted] = [h.logSeq, h.version, h.accepted];
  }
  const repairs: RepairedRange[] = [];
  const read = {
    repair: opts.repair === true,
    onRepair: (r: RepairedRange): void => {
      repairs.push(r);
      log?.warn({ ...r }, `repair: ${r.bytes} corrupt bytes of ${r.file} moved to ${r.aside}; the rest is kept`);
    },
    onTorn: (file: string, offset: number, bytes: number): void =>
      log?.warn({ file, offset, bytes }, 'data log: torn last line skipped (a write cut short, never acknowledged)'),
  };
  const seqs = await listLogs(dir);
  for (const seq of seqs.filter((s) => s >= logSeq)) {
    for await (const raw of readRecords(logPath(dir, seq), read)) {
      replay(st, ids, raw as LogLine);
      version += 1;
    }
  }
  if (opts.repair && repairs.length === 0) log?.info({ dataDir: dir }, 'repair: no corrupt record found');
  return { logSeq, seqs, version, repairs };
}
