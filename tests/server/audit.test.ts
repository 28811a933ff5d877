// The audit log on both engines (real files, real Redis): records, hourly tallies, the cap under
// a flood, retention by the injected clock, append-only storage, retries after a failed write.
import { appendFile, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ZonedClock } from '../../server/aggregate/period.ts';
import { FileAuditSink } from '../../server/audit/files.ts';
import { AuditLog } from '../../server/audit/log.ts';
import type { RedisAuditSink } from '../../server/audit/redis.ts';
import { auditDaysKey, auditStreamKey } from '../../server/audit/redis.ts';
import type { AuditEntry, AuditRecord, AuditSink } from '../../server/audit/types.ts';
import { localDayStart } from '../../server/cli/audit-export.ts';
import { sinkHarnesses } from './audit-engines.ts';
import { REDIS_TEST_URL } from './lib/redis.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const ZONE = 'Asia/Shanghai';
const clock = new ZonedClock(ZONE);
// near the real time (Redis expires a day's stream by the real clock), at a local hour's start
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 2 * DAY;

const harnesses = await sinkHarnesses();
afterAll(async () => {
  for (const h of harnesses) await h.cleanup();
});

const ingest = (actor: string): AuditEntry => ({ kind: 'ingest', action: 'POST /api/v1/events', actor, result: 'ok' });
const refusal = (address: string, actor = 'none'): AuditEntry => ({
  kind: 'refusal',
  action: 'POST /api/v1/events',
  actor,
  address,
  status: 401,
  result: 'unauthorized',
});

function logOf(sink: AuditSink, now: { t: number }, over: Partial<ConstructorParameters<typeof AuditLog>[0]> = {}) {
  return new AuditLog({
    sink,
    timeZone: ZONE,
    retentionDays: 180,
    flushIntervalMs: 0,
    maxBuckets: 1000,
    now: () => now.t,
    ...over,
  });
}

const ALL = { from: T0 - 400 * DAY, to: T0 + 400 * DAY };

describe.each(harnesses.map((h) => [h.name, h] as const))('audit log (%s)', (_name, h) => {
  it('records an entry at once, durable when the promise resolves', async () => {
    const now = { t: T0 + 5 * 60_000 };
    const log = logOf(await h.create(), now);
    await log.open();
    await log.record({ kind: 'roster', action: 'PUT /api/v1/roster', actor: 'abc', result: 'ok', detail: { orgs: 3 } });
    // another reader of the same storage sees it
    const other = logOf(await h.again(), now);
    expect(await other.query(ALL)).toEqual([
      {
        kind: 'roster',
        action: 'PUT /api/v1/roster',
        actor: 'abc',
        result: 'ok',
        detail: { orgs: 3 },
        ts: now.t,
        count: 1,
      },
    ]);
    await other.close();
    await log.close();
  });

  it('tallies per (entry, clock hour): nothing written per batch, one record at the hour change', async () => {
    const now = { t: T0 + 20 * 60_000 };
    const log = logOf(await h.create(), now);
    await log.open();
    for (let i = 0; i < 3; i++) log.count(ingest('tok1'), { batches: 1, accepted: 10, duplicates: i, rejected: 1 });
    log.count(ingest('tok2'), { batches: 1, accepted: 5, duplicates: 0, rejected: 0 });
    expect(await log.query(ALL)).toEqual([]);
    now.t = T0 + HOUR + 5 * 60_000; // the next hour: the first count rolls the last hour over
    log.count(ingest('tok1'), { batches: 1, accepted: 7, duplicates: 0, rejected: 0 });
    await log.flush();
    const records = await log.query({ ...ALL, kind: 'ingest' });
    expect(records).toHaveLength(3);
    const [a, b, c] = records as [AuditRecord, AuditRecord, AuditRecord];
    expect([a, b].map((r) => r.actor).sort()).toEqual(['tok1', 'tok2']);
    const tok1 = [a, b].find((r) => r.actor === 'tok1')!;
    expect(tok1).toMatchObject({ ts: T0, until: T0 + HOUR, count: 3 });
    expect(tok1.detail).toEqual({ batches: 3, accepted: 30, duplicates: 3, rejected: 3 });
    // the hour in progress, up to the flush
    expect(c).toMatchObject({ actor: 'tok1', ts: T0 + HOUR, until: now.t, count: 1, detail: { accepted: 7 } });
    await log.close();
  });

  it('a periodic flush splits the hour: the counts add up, no window overlaps', async () => {
    const now = { t: T0 + 10 * 60_000 };
    const log = logOf(await h.create(), now);
    await log.open();
    log.count(ingest('t'), { accepted: 1 });
    now.t = T0 + 30 * 60_000;
    await log.tick();
    log.count(ingest('t'), { accepted: 2 });
    now.t = T0 + 50 * 60_000;
    await log.close(); // close flushes
    const records = await logOf(await h.again(), now).query(ALL);
    expect(records.map((r) => [r.ts, r.until, r.detail?.accepted])).toEqual([
      [T0, T0 + 30 * 60_000, 1],
      [T0 + 30 * 60_000, T0 + 50 * 60_000, 2],
    ]);
  });

  it('a flood of distinct refusals is capped: at most maxBuckets tallies an hour, the rest folded', async () => {
    const now = { t: T0 + 60_000 };
    const log = logOf(await h.create(), now, { maxBuckets: 5 });
    await log.open();
    for (let i = 0; i < 1000; i++) log.count(refusal(`10.0.${i >> 8}.${i & 255}`, `bad${i}`), undefined, true);
    await log.flush();
    // the cap holds over the hour, across flushes
    for (let i = 1000; i < 1100; i++) log.count(refusal(`10.1.0.${i & 255}`, `bad${i}`), undefined, true);
    await log.flush();
    const records = await log.query({ ...ALL, kind: 'refusal' });
    expect(records.filter((r) => r.actor !== '*')).toHaveLength(5);
    expect(records.filter((r) => r.actor === '*').map((r) => [r.address, r.status, r.result])).toEqual([
      ['*', 401, 'unauthorized'],
      ['*', 401, 'unauthorized'],
    ]);
    expect(records.reduce((s, r) => s + r.count, 0)).toBe(1100);
    // a new hour, a new budget
    now.t = T0 + HOUR + 60_000;
    log.count(refusal('10.2.0.1', 'next-hour'), undefined, true);
    await log.flush();
    expect((await log.query({ from: T0 + HOUR, to: T0 + 2 * HOUR })).map((r) => r.actor)).toEqual(['next-hour']);
    await log.close();
  });

  it('retention: days older than 180 days by the injected clock are pruned, younger kept', async () => {
    const now = { t: T0 };
    const sink = await h.create(180);
    const log = logOf(sink, now);
    await log.open();
    await log.record({ kind: 'roster', action: 'PUT /api/v1/roster', actor: 'a', result: 'ok' });
    now.t = T0 + 2 * DAY;
    await log.record({ kind: 'roster', action: 'PUT /api/v1/roster', actor: 'b', result: 'ok' });
    now.t = T0 + 180 * DAY; // T0's day is exactly 180 days back: kept
    expect(await log.prune()).toEqual([]);
    expect((await log.query(ALL)).map((r) => r.actor)).toEqual(['a', 'b']);
    now.t = T0 + 181 * DAY;
    expect(await log.prune()).toEqual([clock.day(T0)]);
    expect((await log.query(ALL)).map((r) => r.actor)).toEqual(['b']);
    expect(await sink.days('0000-01-01', '9999-12-31')).toEqual([clock.day(T0 + 2 * DAY)]);
    await log.close();
  });

  it('opening the log prunes the days past the retention (at start, and once a day after)', async () => {
    const sink = await h.create(180);
    const old = clock.day(T0 - 200 * DAY);
    const young = clock.day(T0 - 100 * DAY);
    for (const [day, ts] of [
      [old, T0 - 200 * DAY],
      [young, T0 - 100 * DAY],
    ] as const) {
      await sink.append(new Map([[day, [{ ts, kind: 'roster', action: 'x', actor: day, result: 'ok', count: 1 }]]]));
    }
    const log = logOf(sink, { t: T0 });
    await log.open();
    await expect.poll(async () => sink.days('0000-01-01', '9999-12-31')).toEqual([young]);
    await log.close();
  });

  it('files by local day (TIME_ZONE): 23:30 and 00:30 local are two days', async () => {
    const midnight = localDayStart(clock, clock.day(T0 + DAY));
    const now = { t: midnight - 30 * 60_000 };
    const sink = await h.create();
    const log = logOf(sink, now);
    await log.open();
    await log.record({ kind: 'roster', action: 'x', actor: 'late', result: 'ok' });
    now.t = midnight + 30 * 60_000;
    await log.record({ kind: 'roster', action: 'x', actor: 'early', result: 'ok' });
    expect(await sink.days('0000-01-01', '9999-12-31')).toEqual([clock.day(T0), clock.day(T0 + DAY)]);
    expect((await sink.read(clock.day(T0))).map((r) => r.actor)).toEqual(['late']);
    expect(
      (await log.query({ from: midnight, to: midnight + DAY })).map((r) => r.actor),
      'query by time range',
    ).toEqual(['early']);
    await log.close();
  });

  it('a failed write is retried with the next one; its caller is told', async () => {
    const now = { t: T0 + 60_000 };
    const real = await h.create();
    let fail = true;
    const flaky: AuditSink = {
      engine: real.engine,
      open: async () => real.open(),
      append: async (byDay) => {
        if (fail) throw new Error('disk full');
        return real.append(byDay);
      },
      days: async (a, b) => real.days(a, b),
      read: async (d) => real.read(d),
      prune: async (d) => real.prune(d),
      close: async () => real.close(),
    };
    const errors: string[] = [];
    const log = logOf(flaky, now, { onError: (err) => errors.push(String(err)) });
    await log.open();
    await expect(log.record({ kind: 'roster', action: 'x', actor: 'a', result: 'ok' })).rejects.toThrow(/disk full/);
    expect(errors).toEqual(['Error: disk full']);
    fail = false;
    await log.flush();
    expect((await log.query(ALL)).map((r) => r.actor)).toEqual(['a']);
    await log.close();
  });

  it('append-only: no method changes or removes a record; what was written stays as written', async () => {
    const methods = (o: object) =>
      Object.getOwnPropertyNames(Object.getPrototypeOf(o)).filter((n) => n !== 'constructor');
    const now = { t: T0 + 60_000 };
    const sink = await h.create();
    const log = logOf(sink, now);
    // the only removal is prune (whole days past the retention)
    const mutators = /update|delete|remove|modify|edit|replace|truncate|trim|clear|set|write|rewrite/i;
    expect(methods(log).filter((m) => mutators.test(m))).toEqual([]);
    expect(methods(sink).filter((m) => mutators.test(m))).toEqual([]);
    expect(methods(sink)).toEqual(expect.arrayContaining(['append', 'days', 'read', 'prune']));
    await log.open();
    await log.record({ kind: 'roster', action: 'x', actor: 'first', result: 'ok' });
    const before = await stored(sink, clock.day(now.t));
    await log.record({ kind: 'roster', action: 'x', actor: 'second', result: 'ok' });
    const after = await stored(sink, clock.day(now.t));
    expect(after.startsWith(before)).toBe(true);
    expect(after.length).toBeGreaterThan(before.length);
    await log.close();
  });
});

/** The raw stored form of a day: the file's bytes, or the stream's entries with their ids. */
async function stored(sink: AuditSink, day: string): Promise<string> {
  if (sink instanceof FileAuditSink) return readFile(join(sink.dir, `audit-${day}.ndjson`), 'utf8');
  const r = new Redis(REDIS_TEST_URL);
  try {
    const prefix = (sink as unknown as { o: { prefix: string } }).o.prefix;
    return JSON.stringify(await r.xrange(auditStreamKey(prefix, day), '-', '+')).replace(/]$/, '');
  } finally {
    r.disconnect();
  }
}

describe('files', () => {
  it('a torn last line (a crash mid-write) is skipped, and the next record starts a line of its own', async () => {
    const h = harnesses.find((x) => x.name === 'files')!;
    const now = { t: T0 + 60_000 };
    const sink = (await h.create()) as FileAuditSink;
    const log = logOf(sink, now);
    await log.open();
    await log.record({ kind: 'roster', action: 'x', actor: 'a', result: 'ok' });
    const file = join(sink.dir, (await readdir(sink.dir))[0]!);
    await appendFile(file, '{"ts":12,"kind":"ros');
    const reopened = logOf(await h.again(), now);
    await reopened.open();
    await reopened.record({ kind: 'roster', action: 'x', actor: 'b', result: 'ok' });
    expect((await reopened.query(ALL)).map((r) => r.actor)).toEqual(['a', 'b']);
    await reopened.close();
    await log.close();
  });
});

describe('redis', () => {
  it.skipIf(!harnesses.some((x) => x.name === 'redis'))(
    'a day is a stream {prefix}:audit:YYYY-MM-DD that expires after the retention and a day, listed in {prefix}:audit:days',
    async () => {
      const h = harnesses.find((x) => x.name === 'redis')!;
      const now = { t: T0 + 60_000 };
      const sink = (await h.create(180)) as RedisAuditSink;
      const log = logOf(sink, now);
      await log.open();
      await log.record({ kind: 'roster', action: 'x', actor: 'a', result: 'ok' });
      const prefix = h.env().REDIS_PREFIX!;
      const day = clock.day(now.t);
      const r = new Redis(REDIS_TEST_URL);
      try {
        expect(await r.type(auditStreamKey(prefix, day))).toBe('stream');
        expect(auditStreamKey(prefix, day)).toBe(`{${prefix}}:audit:${day}`);
        // the expiry instant (EXPIRETIME) against the log's clock, not Redis's TTL: Redis keeps
        // the real clock while the suite may run under a faked one (faketime)
        const expiresAt = Number(await r.call('EXPIRETIME', auditStreamKey(prefix, day))) * 1000;
        const ttlDays = (expiresAt - now.t) / 86_400_000;
        // the day's end + 181 days (+ up to 14 h of zone), from now
        expect(ttlDays).toBeGreaterThan(180 + 1 - 2);
        expect(ttlDays).toBeLessThan(180 + 1 + 2);
        expect(await r.zrange(auditDaysKey(prefix), '0', '-1')).toEqual([day]);
      } finally {
        r.disconnect();
      }
      await log.close();
    },
  );
});
