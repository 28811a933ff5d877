// Roster files (JSON array or CSV with a header row) to Org objects. Pure: no I/O.
// Shape problems are left to the server, which validates with the Org schema.
import { parse } from 'csv-parse/sync';

export const CSV_COLUMNS = ['id', 'name', 'parent', 'kind', 'region', 'members', 'lng', 'lat'] as const;

export class RosterFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RosterFileError';
  }
}

function num(value: string, column: string, line: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new RosterFileError(`line ${line}: ${column} must be a number, got ${JSON.stringify(value)}`);
  return n;
}

export function parseRosterCsv(text: string): Record<string, unknown>[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (err) {
    throw new RosterFileError(`not valid CSV: ${(err as Error).message}`);
  }
  const header = rows[0] ? Object.keys(rows[0]) : [];
  const missing = CSV_COLUMNS.slice(0, 6).filter((c) => rows.length > 0 && !header.includes(c));
  if (missing.length > 0)
    throw new RosterFileError(`CSV header lacks ${missing.join(', ')} (columns: ${CSV_COLUMNS.join(',')})`);
  const unknown = header.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) throw new RosterFileError(`CSV has unknown columns ${unknown.join(', ')}`);
  return rows.map((r, i) => {
    const line = i + 2;
    const org: Record<string, unknown> = {
      id: r.id,
      name: r.name,
      parent: r.parent ? r.parent : null,
      kind: r.kind,
      region: r.region,
      members: num(r.members ?? '', 'members', line),
    };
    if (r.lng || r.lat) {
      org.lng = num(r.lng ?? '', 'lng', line);
      org.lat = num(r.lat ?? '', 'lat', line);
    }
    return org;
  });
}

export function parseRosterJson(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new RosterFileError(`not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw new RosterFileError('a JSON roster is an array of organizations');
  return value;
}

/** By extension; a file without a known one is sniffed (JSON starts with "["). */
export function parseRosterFile(name: string, text: string): unknown[] {
  if (/\.csv$/i.test(name)) return parseRosterCsv(text);
  if (/\.json$/i.test(name) || text.trimStart().startsWith('[')) return parseRosterJson(text);
  return parseRosterCsv(text);
}
