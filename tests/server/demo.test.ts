// Demo mode: default roster into an empty store, history, then live events; stops on abort.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../server/config.ts';
import { demoConfig, demoHistory, demoRetentionDays, quarterStartMs, runDemo } from '../../server/demo.ts';
import { startServer, type Started } from '../../server/server.ts';

const execFileAsync = promisify(execFile);

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

const DAY_MS = 86_400_000;
const at = (iso: string) => Date.parse(`${iso}+08:00`);

describe('demo history and retention', () => {
  it('raises the retention to hold the quarter so far, only when RETENTION_DAYS is not set', () => {
    const now = at('2026-11-27T22:00:00');
    expect(quarterStartMs(now)).toBe(at('2026-10-01T00:00:00'));
    expect(demoRetentionDays(now)).toBe(60);
    expect(demoRetentionDays(at('2026-10-20T10:00:00'))).toBe(35);
    expect(demoRetentionDays(at('2026-09-30T23:00:00'))).toBe(94);
    const base = testConfig();
    expect(demoConfig(base, {}, now).RETENTION_DAYS).toBe(60);
    expect(demoConfig(base, { RETENTION_DAYS: '' }, now).RETENTION_DAYS).toBe(60);
    expect(demoConfig(base, { RETENTION_DAYS: '35' }, now)).toBe(base);
    expect(demoConfig(base, {}, at('2026-10-20T10:00:00'))).toBe(base);
  });

  it('backfills the quarter’s meetings inside the retention, and the 30-day window (or the month)', () => {
    const now = at('2026-11-27T22:00:00');
    expect(demoHistory(now, 60)).toEqual({ days: 30, historyStartMs: at('2026-10-01T00:00:00') });
    // with the default retention the history stops a day inside it, at 34 days
    expect(demoHistory(now, 35)).toEqual({ days: 30, historyStartMs: now - 34 * DAY_MS });
    expect(demoHistory(at('2026-12-31T09:00:00'), 94).days).toBe(31);
    expect(demoHistory(now, 10)).toEqual({ days: 8, historyStartMs: now - 9 * DAY_MS });
  });
});

describe('runDemo', () => {
  it('loads the 610100 roster, backfills and runs live until aborted', async () => {
    expect(await started.fastify.store.isEmpty()).toBe(true);
    const abort = new AbortController();
    const demo = runDemo(started, abort.signal, { backfillDays: 1 });
    const kpi = async () =>
      (await started.fastify.inject({ method: 'GET', url: '/api/v1/snapshot?region=610100' })).json().kpi;
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

describe('demo log', () => {
  // a child process: the transport writes to its stdout from a worker thread
  const logLine = (logger: string) =>
    execFileAsync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import Fastify from 'fastify';
         import { demoLogger } from './server/demo.ts';
         const f = Fastify({ logger: ${logger} });
         f.log.info({ orgs: 3 }, 'demo: hello person');
         await f.close();`,
      ],
      { cwd: process.cwd(), timeout: 30_000 },
    );

  it('npm start logs for a person (pino-pretty), npm run server JSON lines', async () => {
    const pretty = (await logLine(`{ level: 'info', ...demoLogger(false) }`)).stdout;
    expect(pretty).toMatch(/INFO.*demo: hello person/);
    expect(pretty).toContain('orgs');
    expect(() => JSON.parse(pretty.trim())).toThrow();
    const json = (await logLine(`{ level: 'info' }`)).stdout.trim();
    expect(JSON.parse(json)).toMatchObject({ level: 30, msg: 'demo: hello person', orgs: 3 });
  }, 60_000);
});
