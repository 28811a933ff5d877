// Demo mode: default roster into an empty store, history, then live events; stops on abort.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../server/config.ts';
import { runDemo } from '../../server/demo.ts';
import { startServer, type Started } from '../../server/server.ts';

let dir: string;
let started: Started;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zhdj-demo-'));
  started = await startServer(testConfig({ DATA_DIR: dir, PORT: '0' }));
});
afterAll(async () => {
  await started.fastify.close();
  await rm(dir, { recursive: true, force: true });
});

describe('runDemo', () => {
  it('loads the 610100 roster, backfills and runs live until aborted', async () => {
    expect(await started.fastify.store.isEmpty()).toBe(true);
    const abort = new AbortController();
    const demo = runDemo(started, abort.signal, { backfillDays: 1, rate: 200 });
    const kpi = async () => (await started.fastify.inject({ method: 'GET', url: '/api/v1/snapshot?region=610100' })).json().kpi;
    let k = await kpi();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(k.orgs > 1000 && k.learnersToday > 0 && k.onlineNow > 0 && k.meetingsMonth > 0)) {
      await new Promise((r) => setTimeout(r, 250));
      k = await kpi();
    }
    abort.abort();
    await demo;
    expect(k.orgs).toBeGreaterThan(1000);
    expect(k.members).toBeGreaterThan(10_000);
    expect(k.learnersToday).toBeGreaterThan(0);
    expect(k.onlineNow).toBeGreaterThan(0);
    expect(await started.fastify.store.isEmpty()).toBe(false);
  }, 90_000);
});
