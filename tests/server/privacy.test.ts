// SPEC 6: no member id, name or exact coordinate ever reaches a wall. The simulator's events go
// through the real server; every payload walls receive (and the snapshot API) is scanned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEvent } from '../../server/contract/validate.ts';
import type { IngestEvent, Snapshot } from '../../server/contract/index.ts';
import { simulation } from '../../mock/setup.ts';
import { eventStream } from '../../mock/stream.ts';
import { buildTestApp, type TestApp } from './lib/app.ts';
import { connectWall, sleep, until, type Wall } from './lib/walls.ts';

const HOUR_MS = 3_600_000;
const BATCH = 5000;
const REGIONS = ['610100', '610113', '610102'];
let t: TestApp;
const walls: Wall[] = [];
const ids = new Set<string>();
const names = new Set<string>();
/** development case ids: a person being developed is not even a member yet */
const persons = new Set<string>();
const coords: [number, number][] = [];
const apiPayloads: string[] = [];
let events: IngestEvent[] = [];

beforeAll(async () => {
  t = await buildTestApp({ FRAME_INTERVAL_MS: '100' });
  const url = await t.listen();
  const { roster, pop } = simulation({ region: '610100' });
  const put = await t.app.inject({ method: 'PUT', url: '/api/v1/roster', payload: roster });
  expect(put.statusCode).toBe(200);
  const now = Date.now();
  events = [
    ...eventStream({
      pop,
      startMs: now - 2 * HOUR_MS,
      historyStartMs: now - 8 * 24 * HOUR_MS,
      endMs: now - 60_000,
      scale: 0.05,
    }),
  ];
  for (const ev of events) {
    if ('member' in ev) ids.add(ev.member);
    if (ev.type === 'development.stage') persons.add(ev.person);
    if ('name' in ev && ev.name) names.add(ev.name);
    if (ev.type === 'member.checkin') {
      coords.push([ev.lng, ev.lat]);
      const v = validateEvent(ev, 0, { nowMs: now, retentionMs: 35 * 24 * HOUR_MS, isKnownOrg: () => true });
      if (v.ok && v.event.type === 'member.checkin') coords.push([v.event.lng, v.event.lat]);
    }
  }
  for (const region of REGIONS) walls.push(connectWall(url, { region }));
  await until(() => walls.every((w) => w.snapshots.length === 1), 10_000, 'snapshots');
  for (let i = 0; i < events.length; i += BATCH) {
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/events', payload: events.slice(i, i + BATCH) });
    expect(r.statusCode).toBe(200);
    await sleep(120);
  }
  await until(() => walls.every((w) => w.frames.length > 0), 10_000, 'frames');
  for (const region of REGIONS) {
    apiPayloads.push((await t.app.inject({ method: 'GET', url: `/api/v1/snapshot?region=${region}` })).body);
  }
}, 120_000);

afterAll(async () => {
  for (const w of walls) w.socket.disconnect();
  await t.close();
});

function walk(value: unknown, strings: Set<string>, numbers: Set<number>): void {
  if (typeof value === 'string') strings.add(value);
  else if (typeof value === 'number') numbers.add(value);
  else if (Array.isArray(value)) for (const v of value) walk(v, strings, numbers);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      strings.add(k);
      walk(v, strings, numbers);
    }
  }
}

describe('privacy of what walls receive', () => {
  it('the simulator produced what the scan looks for', () => {
    expect(events.length).toBeGreaterThan(1000);
    expect(ids.size).toBeGreaterThan(100);
    expect(names.size).toBeGreaterThan(100);
    expect(persons.size).toBeGreaterThan(10);
    expect(coords.length).toBeGreaterThan(10);
  });

  it('no member id, name or check-in coordinate in any payload', () => {
    const payloads = [...walls.flatMap((w) => w.raw), ...apiPayloads];
    expect(payloads.length).toBeGreaterThan(REGIONS.length * 2);
    const strings = new Set<string>();
    const numbers = new Set<number>();
    for (const p of payloads) walk(JSON.parse(p), strings, numbers);
    const leakedIds = [...strings].filter((s) => [...ids, ...persons].some((id) => s.includes(id)));
    const leakedNames = [...strings].filter((s) => names.has(s));
    const leakedCoords = coords.filter(([lng, lat]) => numbers.has(lng) && numbers.has(lat));
    expect(leakedIds).toEqual([]);
    expect(leakedNames).toEqual([]);
    expect(leakedCoords).toEqual([]);
  }, 120_000); // every string against every id and name: ~17 s alone, more on a busy machine

  it('ticker names are masked and small floating cells are dropped', () => {
    const snaps = walls
      .flatMap((w) => w.snapshots.map((s) => s.snapshot))
      .concat(apiPayloads.map((p) => JSON.parse(p) as Snapshot));
    const tickers = [...snaps.flatMap((s) => s.ticker), ...walls.flatMap((w) => w.frames.flatMap((f) => f.ticker))];
    expect(tickers.length).toBeGreaterThan(0);
    for (const item of tickers) if (item.who !== null) expect(item.who).toContain('*');
    for (const s of snaps) for (const count of Object.values(s.floating.cells)) expect(count).toBeGreaterThanOrEqual(5);
  });
});
