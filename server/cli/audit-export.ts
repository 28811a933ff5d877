// npm run audit:export -- --from 2026-12-01 --to 2026-12-02 [--kind refusal] [--data-dir DIR]
// Prints the audit records of the local days from … to (both included, in TIME_ZONE) as CSV
// (RFC 4180) to stdout. The engine is the server's: Redis when REDIS_URL or REDIS_CLUSTER_NODES
// is set (REDIS_PREFIX), else the files in DATA_DIR/audit/; --data-dir reads that directory's
// files whatever the environment says. Reading needs no lock: it runs beside the server.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ZonedClock } from '../aggregate/period.ts';
import { createAuditSink, readRange, type AuditSink } from '../audit/index.ts';
import { CSV_HEADER, csvLine, csvRow } from '../audit/csv.ts';
import { FileAuditSink } from '../audit/files.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { auditDir } from '../audit/index.ts';

const USAGE =
  'usage: npm run audit:export -- --from YYYY-MM-DD --to YYYY-MM-DD [--kind KIND] [--data-dir DIR]  (CSV to stdout)';
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
/** the variables the export reads (the server's others, tokens included, do not matter here) */
const VARIABLES = [
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'REDIS_PREFIX',
  'REDIS_COMMAND_TIMEOUT_MS',
  'DATA_DIR',
  'TIME_ZONE',
  'AUDIT_RETENTION_DAYS',
];

/** The first instant of a local day in the clock's zone. */
export function localDayStart(clock: ZonedClock, day: string): number {
  const utc = Date.parse(`${day}T00:00:00Z`);
  let t = utc - clock.offsetMs(utc);
  t = utc - clock.offsetMs(t);
  return t;
}

export async function exportCsv(
  sink: AuditSink,
  clock: ZonedClock,
  q: { fromDay: string; toDay: string; kind?: string },
  write: (chunk: string) => void,
): Promise<number> {
  const from = localDayStart(clock, q.fromDay);
  const to = localDayStart(clock, new Date(Date.parse(`${q.toDay}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10));
  write(csvLine(CSV_HEADER));
  let n = 0;
  for await (const records of readRange(sink, clock, { from, to, ...(q.kind ? { kind: q.kind } : {}) })) {
    write(records.map((r) => csvRow(clock, r)).join(''));
    n += records.length;
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      kind: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const { from, to } = values;
  if (values.help || !from || !to || !DAY_RE.test(from) || !DAY_RE.test(to) || from > to) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const env: NodeJS.ProcessEnv = {};
  for (const v of VARIABLES) if (process.env[v] !== undefined) env[v] = process.env[v];
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const dataDir = values['data-dir'];
  const sink = dataDir
    ? new FileAuditSink(auditDir(dataDir))
    : createAuditSink(config, (err) => console.error(`redis: ${err.message}`));
  await sink.open();
  try {
    const out = (chunk: string) => process.stdout.write(chunk);
    const n = await exportCsv(
      sink,
      new ZonedClock(config.TIME_ZONE),
      { fromDay: from, toDay: to, ...(values.kind ? { kind: values.kind } : {}) },
      out,
    );
    console.error(`${n} audit records (${sink.engine}), ${from} … ${to} ${config.TIME_ZONE}`);
  } finally {
    await sink.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
