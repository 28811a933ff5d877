// npm run roster:import -- FILE [--url URL] [--token T]
// Reads a roster (JSON or CSV: id,name,parent,kind,region,members,lng,lat) and PUTs it to
// /api/v1/roster of a running server. Exit 0 on success, 1 when the server refused it.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseRosterFile, RosterFileError } from './roster-file.ts';

const USAGE = 'usage: npm run roster:import -- FILE [--url http://127.0.0.1:8080] [--token TOKEN]';

export async function importRoster(file: string, url: string, token: string | undefined): Promise<{ orgs: number }> {
  const orgs = parseRosterFile(file, await readFile(file, 'utf8'));
  const res = await fetch(new URL('/api/v1/roster', url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(orgs),
  });
  const text = await res.text();
  if (!res.ok) {
    let detail = text;
    try {
      const body = JSON.parse(text) as {
        message?: string;
        problems?: { index: number; id: string; message: string }[];
      };
      detail = [body.message, ...(body.problems ?? []).slice(1).map((p) => `#${p.index} ${p.id}: ${p.message}`)]
        .filter(Boolean)
        .join('\n  ');
    } catch {
      // not JSON: print as is
    }
    throw new Error(`the server refused the roster (HTTP ${res.status}):\n  ${detail}`);
  }
  return JSON.parse(text) as { orgs: number };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      token: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const file = positionals[0];
  if (values.help || !file || positionals.length > 1) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const token = values.token ?? process.env.INGEST_TOKENS?.split(',')[0]?.trim();
  const { orgs } = await importRoster(file, values.url, token || undefined);
  console.log(`roster replaced: ${orgs} organizations`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof RosterFileError || err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
