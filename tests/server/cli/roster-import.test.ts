// The roster CLI against a listening server.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRoster } from '../../../server/cli/roster-import.ts';
import { buildTestApp, type TestApp } from '../lib/app.ts';

let t: TestApp;
let dir: string;
const CSV = `id,name,parent,kind,region,members,lng,lat
c1,雁塔区委,,committee,610113,0,,
b1,第一支部,c1,branch,610113,40,108.95,34.22
b2,第二支部,c1,branch,610112,25,,
`;

beforeAll(async () => {
  t = await buildTestApp({ INGEST_TOKENS: 'tok' });
  await t.listen();
  dir = await mkdtemp(join(tmpdir(), 'zhdj-roster-'));
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('roster:import', () => {
  it('PUTs a CSV roster', async () => {
    const file = join(dir, 'r.csv');
    await writeFile(file, CSV);
    expect(await importRoster(file, t.url, 'tok')).toEqual({ orgs: 3 });
    const kpi = (await t.app.inject({ method: 'GET', url: '/api/v1/snapshot?region=610100' })).json().kpi;
    expect([kpi.orgs, kpi.members]).toEqual([3, 65]);
    const points = (await t.app.inject({ method: 'GET', url: '/api/v1/orgs?region=610113' })).json();
    expect(points.map((p: { id: string }) => p.id)).toContain('b1');
  });
  it('reports the server refusing it', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, CSV.replace('b2,第二支部,c1', 'b2,第二支部,zz'));
    await expect(importRoster(file, t.url, 'tok')).rejects.toThrow(/HTTP 400[\s\S]*parent "zz"/);
  });
  it('reports a bad token', async () => {
    const file = join(dir, 'r.csv');
    await expect(importRoster(file, t.url, 'wrong')).rejects.toThrow(/HTTP 401/);
  });
});
