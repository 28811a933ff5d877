// The alert state stores (server/alerts/store*.ts): one contract run against the memory store,
// files in a temp directory and a real Redis (REDIS_TEST_URL, a private prefix, only its own
// keys deleted) — compare-and-set on the version, history by alert and time across local days,
// a restart (a new store on the same directory or prefix), retention; then an AlertService over
// each durable store restarted mid-lifecycle. Also reports the state's bytes per alert instance.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlertHistoryEntry } from '../../../server/contract/alerts.ts';
import { AlertEngine, type RuleEvaluation } from '../../../server/alerts/lifecycle.ts';
import { DEFAULT_ALERT_RULES } from '../../../server/alerts/rules.ts';
import {
  AlertService,
  MemoryAlertStateStore,
  type AlertStateDoc,
  type AlertStateStore,
} from '../../../server/alerts/service.ts';
import {
  alertsDir,
  AlertStoreCorruptError,
  createAlertStateStore,
  FileAlertStateStore,
  RedisAlertStateStore,
} from '../../../server/alerts/store.ts';
import { alertHistoryDaysKey, alertHistoryKey, alertStateKey } from '../../../server/alerts/store-redis.ts';
import { ZonedClock } from '../../../server/aggregate/period.ts';
import { keySlot } from '../../../server/store/redis/slot.ts';
import { dropPrefix, privatePrefix, REDIS_TEST_URL, REQUIRE_REDIS, redisReachable } from '../lib/redis.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const TZ = 'Asia/Shanghai';
/** a Beijing midnight 30 days ahead (Redis expires streams by its own clock: the test's days
 * must lie ahead of it), and 23:45 before it: the next 15 minutes end the local day */
const MIDNIGHT = Math.floor((Date.now() + 8 * 3_600_000) / 86_400_000 + 30) * 86_400_000 - 8 * 3_600_000;
const START = MIDNIGHT - 15 * 60_000;
const clockTz = new ZonedClock(TZ);
const D0 = clockTz.day(START);
const D1 = clockTz.day(MIDNIGHT);
const dayOf = (ts: number): string => clockTz.day(ts);

interface Harness {
  name: 'memory' | 'files' | 'redis';
  durable: boolean;
  /** a fresh, empty store */
  create(o?: { retentionDays?: number; now?: () => number }): Promise<AlertStateStore>;
  /** another store on the same storage as the last created (a restart) */
  again(o?: { retentionDays?: number; now?: () => number }): Promise<AlertStateStore>;
  /** the storage's history days, for the retention test */
  days(): Promise<string[]>;
  cleanup(): Promise<void>;
}

const reachable = await redisReachable();
if (!reachable && REQUIRE_REDIS) throw new Error(`REQUIRE_REDIS=1 but Redis at ${REDIS_TEST_URL} is unreachable`);
if (!reachable) console.warn(`\n!!! alert store tests on Redis SKIPPED: no Redis at ${REDIS_TEST_URL} !!!\n`);

const opened: AlertStateStore[] = [];
const track = <T extends AlertStateStore>(s: T): T => (opened.push(s), s);

function memoryHarness(): Harness {
  let last = new MemoryAlertStateStore();
  return {
    name: 'memory',
    durable: false,
    async create() {
      last = new MemoryAlertStateStore();
      return last;
    },
    async again() {
      return last;
    },
    async days() {
      return [];
    },
    async cleanup() {},
  };
}

function filesHarness(): Harness {
  const dirs: string[] = [];
  const dir = () => alertsDir(dirs[dirs.length - 1]!);
  return {
    name: 'files',
    durable: true,
    async create(o) {
      dirs.push(await mkdtemp(join(tmpdir(), 'zhdj-alerts-')));
      return this.again(o);
    },
    async again(o = {}) {
      return track(new FileAlertStateStore({ dir: dir(), timeZone: TZ, retentionDays: 90, ...o }));
    },
    async days() {
      const names = await readdir(dir()).catch(() => [] as string[]);
      return names.filter((n) => n.startsWith('history-')).map((n) => n.slice(8, 18));
    },
    async cleanup() {
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    },
  };
}

function redisHarness(): Harness {
  const prefixes: string[] = [];
  const prefix = () => prefixes[prefixes.length - 1]!;
  return {
    name: 'redis',
    durable: true,
    async create(o) {
      prefixes.push(privatePrefix('alerts'));
      return this.again(o);
    },
    async again(o = {}) {
      return track(
        new RedisAlertStateStore({
          target: { kind: 'single', url: REDIS_TEST_URL },
          prefix: prefix(),
          timeZone: TZ,
          retentionDays: 90,
          ...o,
        }),
      );
    },
    async days() {
      const r = new Redis(REDIS_TEST_URL);
      try {
        const days = await r.zrange(alertHistoryDaysKey(prefix()), '0', '-1');
        const present: string[] = [];
        for (const d of days) if ((await r.exists(alertHistoryKey(prefix(), d))) === 1) present.push(d);
        return present;
      } finally {
        r.disconnect();
      }
    },
    async cleanup() {
      for (const p of prefixes) await dropPrefix(p);
    },
  };
}

const harnesses: Harness[] = [memoryHarness(), filesHarness(), ...(reachable ? [redisHarness()] : [])];

afterAll(async () => {
  for (const s of opened) await s.close?.();
  for (const h of harnesses) await h.cleanup();
});

const doc = (version: number, evaluatedAt = 0): AlertStateDoc => ({
  version,
  evaluatedAt,
  engine: { version: 1, nextSilence: 1, instances: [], silences: [] },
});

const entry = (at: number, fingerprint: string, event: string, extra: Partial<AlertHistoryEntry> = {}) => ({
  at,
  fingerprint,
  event,
  ...extra,
});

describe.each(harnesses.map((h) => [h.name, h] as const))('AlertStateStore contract: %s', (_name, h) => {
  it('loads nothing at first; a save expecting nothing, then the right version, wins; a wrong one changes nothing', async () => {
    const s = await h.create();
    expect(await s.load()).toBeNull();
    expect(await s.save(doc(1), 5)).toBe(false);
    expect(await s.load()).toBeNull();
    expect(await s.save(doc(1, 10), null)).toBe(true);
    expect(await s.load()).toEqual(doc(1, 10));
    expect(await s.save(doc(2), null)).toBe(false);
    expect(await s.save(doc(2), 7)).toBe(false);
    expect(await s.load()).toEqual(doc(1, 10));
    expect(await s.save(doc(2, 20), 1)).toBe(true);
    expect(await s.load()).toEqual(doc(2, 20));
    // the stored document is a copy: changing what was saved or loaded changes nothing stored
    const got = (await s.load())!;
    got.evaluatedAt = 99;
    expect((await s.load())!.evaluatedAt).toBe(20);
  });

  it('two saves at once expecting the same version: exactly one wins', async () => {
    const s = await h.create();
    const first = await Promise.all([s.save(doc(1, 1), null), s.save(doc(1, 2), null), s.save(doc(1, 3), null)]);
    expect(first.filter(Boolean)).toHaveLength(1);
    const stored = (await s.load())!;
    expect(stored.evaluatedAt).toBe(first.indexOf(true) + 1);
    const next = await Promise.all([1, 2, 3, 4].map((i) => s.save(doc(2, 10 + i), 1)));
    expect(next.filter(Boolean)).toHaveLength(1);
    expect((await s.load())!.evaluatedAt).toBe(10 + next.indexOf(true) + 1);
  });

  it('history by alert and time, oldest first, across two local days', async () => {
    const s = await h.create({ now: () => START });
    await s.appendHistory([entry(START, 'a', 'pending', { from: null }), entry(START + MIN, 'b', 'firing')]);
    await s.appendHistory([]);
    await s.appendHistory([
      entry(MIDNIGHT + 5 * MIN, 'a', 'firing', { from: 'pending' }),
      entry(MIDNIGHT + 6 * MIN, 'a', 'ack', { by: '王伟', comment: '已联系' }),
    ]);
    expect((await s.history('a', 0)).map((e) => e.event)).toEqual(['pending', 'firing', 'ack']);
    expect(await s.history('a', MIDNIGHT + 6 * MIN)).toEqual([
      { at: MIDNIGHT + 6 * MIN, fingerprint: 'a', event: 'ack', by: '王伟', comment: '已联系' },
    ]);
    expect((await s.history('b', START)).map((e) => e.at)).toEqual([START + MIN]);
    expect(await s.history('b', START + MIN + 1)).toEqual([]);
    expect(await s.history('c', 0)).toEqual([]);
    if (h.durable) expect((await h.days()).sort()).toEqual([D0, D1]);
  });

  it('a restart (a new store on the same storage) loads the same state and history', async () => {
    const s = await h.create({ now: () => START });
    expect(await s.save(doc(1, 5), null)).toBe(true);
    await s.appendHistory([entry(START, 'a', 'pending'), entry(MIDNIGHT + MIN, 'a', 'firing')]);
    const t = await h.again({ now: () => MIDNIGHT + MIN });
    expect(await t.load()).toEqual(doc(1, 5));
    expect((await t.history('a', 0)).map((e) => e.event)).toEqual(['pending', 'firing']);
    // the new one continues the version: the old version is refused, the stored one accepted
    expect(await t.save(doc(2), null)).toBe(false);
    expect(await t.save(doc(2, 6), 1)).toBe(true);
    await t.appendHistory([entry(MIDNIGHT + 2 * MIN, 'a', 'ack')]);
    expect((await t.history('a', 0)).map((e) => e.event)).toEqual(['pending', 'firing', 'ack']);
  });

  it.runIf(h.durable)('drops whole local days past the retention', async () => {
    let now = START - 10 * DAY;
    const s = await h.create({ retentionDays: 3, now: () => now });
    await s.appendHistory([entry(now, 'a', 'pending')]);
    now = START - 4 * DAY;
    // the day changed: days before (now − 3 days) go, the first one with them
    await s.appendHistory([entry(now, 'a', 'firing')]);
    expect((await h.days()).sort()).toEqual([dayOf(now)]);
    now = START;
    await s.appendHistory([entry(now, 'a', 'resolved')]); // START − 4 days goes too
    expect((await h.days()).sort()).toEqual([D0]);
    expect((await s.history('a', 0)).map((e) => e.event)).toEqual(['resolved']);
    // explicitly, a day at a time: the day of beforeMs is kept
    await s.appendHistory([entry(MIDNIGHT + MIN, 'a', 'pending')]);
    const prune = (s as FileAlertStateStore | RedisAlertStateStore).prune.bind(s);
    expect(await prune(MIDNIGHT)).toEqual([D0]);
    expect(await prune(MIDNIGHT)).toEqual([]);
    expect((await s.history('a', 0)).map((e) => e.event)).toEqual(['pending']);
  });
});

describe('FileAlertStateStore', () => {
  const files = filesHarness();
  afterAll(() => files.cleanup());

  it('writes state.json whole (no temp file left) and history as one JSON line per entry', async () => {
    const s = (await files.create({ now: () => START })) as FileAlertStateStore;
    await s.save(doc(1), null);
    await s.appendHistory([entry(START, 'a', 'pending')]);
    expect((await readdir(s.dir)).sort()).toEqual([`history-${D0}.ndjson`, 'state.json']);
    expect(JSON.parse(await readFile(join(s.dir, 'state.json'), 'utf8'))).toEqual(doc(1));
    expect(await readFile(join(s.dir, `history-${D0}.ndjson`), 'utf8')).toBe(
      '{"at":' + START + ',"fingerprint":"a","event":"pending"}\n',
    );
  });

  it('a torn last line is skipped, and the next entry starts a line of its own', async () => {
    const s = (await files.create({ now: () => START })) as FileAlertStateStore;
    await s.appendHistory([entry(START, 'a', 'pending')]);
    const path = join(s.dir, `history-${D0}.ndjson`);
    await writeFile(path, (await readFile(path, 'utf8')) + '{"at":1,"finger', { flag: 'w' });
    const t = (await files.again({ now: () => START })) as FileAlertStateStore;
    expect((await t.history('a', 0)).map((e) => e.event)).toEqual(['pending']);
    await t.appendHistory([entry(START + 1, 'a', 'firing')]);
    expect((await t.history('a', 0)).map((e) => e.event)).toEqual(['pending', 'firing']);
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(4);
  });

  it('a corrupt state.json is refused, naming the file, and not replaced', async () => {
    const s = (await files.create()) as FileAlertStateStore;
    await s.save(doc(1), null);
    const path = join(s.dir, 'state.json');
    await writeFile(path, '{"version":1,"evaluatedAt":0,"engi');
    const t = await files.again();
    await expect(t.load()).rejects.toThrow(AlertStoreCorruptError);
    await expect(t.load()).rejects.toThrow(path);
    await expect(t.save(doc(1), null)).rejects.toThrow(path);
    expect(await readFile(path, 'utf8')).toBe('{"version":1,"evaluatedAt":0,"engi');
  });
});

describe.runIf(reachable)('RedisAlertStateStore', () => {
  const redis = redisHarness();
  afterAll(() => redis.cleanup());

  it('every key shares the {prefix} tag: one slot on a Cluster', () => {
    const slot = keySlot(alertStateKey('zhdj'));
    expect(keySlot(alertHistoryKey('zhdj', '2026-12-01'))).toBe(slot);
    expect(keySlot(alertHistoryDaysKey('zhdj'))).toBe(slot);
    expect(alertStateKey('zhdj')).toBe('{zhdj}:alerts:state');
    expect(alertHistoryKey('zhdj', '2026-12-01')).toBe('{zhdj}:alerts:history:2026-12-01');
  });

  it('two processes saving at once expecting the same version: exactly one wins', async () => {
    const a = await redis.create();
    const b = await redis.again();
    expect(await a.save(doc(1), null)).toBe(true);
    const got = await Promise.all([a.save(doc(2, 1), 1), b.save(doc(2, 2), 1), a.save(doc(2, 3), 1)]);
    expect(got.filter(Boolean)).toHaveLength(1);
    expect((await b.load())!.evaluatedAt).toBe(got.indexOf(true) + 1);
  });

  it('history streams expire past the retention; a corrupt document is refused', async () => {
    const s = (await redis.create({ now: () => START, retentionDays: 90 })) as RedisAlertStateStore;
    await s.appendHistory([entry(START, 'a', 'pending')]);
    const r = new Redis(REDIS_TEST_URL);
    try {
      const prefix = s.prefix;
      const ttl = await r.expiretime(alertHistoryKey(prefix, D0));
      // kept at least 90 days after the local day's end
      expect(ttl * 1000).toBeGreaterThanOrEqual(MIDNIGHT + 90 * DAY);
      expect(ttl * 1000).toBeLessThanOrEqual(MIDNIGHT + 92 * DAY);
      await r.hset(alertStateKey(prefix), 'v', '1', 'doc', 'not json');
      await expect(s.load()).rejects.toThrow(`Redis key ${alertStateKey(prefix)}`);
      await r.hset(alertStateKey(prefix), 'v', '2', 'doc', JSON.stringify(doc(1)));
      await expect(s.load()).rejects.toThrow(AlertStoreCorruptError);
    } finally {
      r.disconnect();
    }
  });
});

describe('createAlertStateStore', () => {
  const base = {
    REDIS_URL: undefined,
    REDIS_CLUSTER_NODES: undefined,
    REDIS_PREFIX: 'zhdj',
    REDIS_COMMAND_TIMEOUT_MS: 3000,
    DATA_DIR: '/tmp/x',
    TIME_ZONE: TZ,
    ALERT_RETENTION_DAYS: 90,
  };
  it('files under DATA_DIR/alerts without Redis, Redis when REDIS_URL is set', async () => {
    const f = createAlertStateStore(base);
    expect(f).toBeInstanceOf(FileAlertStateStore);
    expect((f as FileAlertStateStore).dir).toBe(join('/tmp/x', 'alerts'));
    await f.close();
    const r = createAlertStateStore({ ...base, REDIS_URL: REDIS_TEST_URL });
    expect(r.engine).toBe('redis');
    await r.close();
  });
});

// ---------------------------------------------------------------------------------------------

const COUNTY = '610113';
const NAMES: Record<string, string> = { '610100': '西安市', [COUNTY]: '雁塔区' };
const overdue = (value: number, region = COUNTY): RuleEvaluation => ({
  rule: 'transfers-overdue',
  samples: [{ region, value, active: value > 0, threshold: 0, ...(value >= 5 ? { severity: 'red' as const } : {}) }],
});

describe.each(harnesses.filter((h) => h.durable).map((h) => [h.name, h] as const))(
  'AlertService over the %s store, restarted',
  (_name, h) => {
    it('a new service over a new store on the same storage continues the lifecycle', async () => {
      let now = START;
      const clock = () => now;
      const service = (store: AlertStateStore) =>
        new AlertService({
          rules: DEFAULT_ALERT_RULES,
          clock,
          store,
          regionName: (c) => NAMES[c] ?? c,
          retentionMs: 90 * DAY,
        });
      const a = service(await h.create({ now: clock }));
      await a.evaluate([overdue(6)]);
      now += 10 * MIN; // past local midnight: the history spans two day files / streams
      await a.evaluate([overdue(6)]);
      const fp = `transfers-overdue:${COUNTY}`;
      expect(a.get(fp)).toMatchObject({ state: 'firing', severity: 'red' });
      now += MIN;
      await a.ack(fp, '王伟', '已联系雁塔区组织部');
      const silence = await a.silence(
        {
          matchers: { region: COUNTY, descendants: true, rule: 'dues-low' },
          untilResolved: false,
          endsAt: now + DAY,
          comment: 'x',
        },
        '李娜',
      );

      now += MIN;
      const b = service(await h.again({ now: clock }));
      expect(b.list()).toEqual([]);
      expect(await b.reload()).toBe(true);
      expect(b.version).toBe(a.version);
      expect(b.evaluatedAt).toBe(a.evaluatedAt);
      expect(b.list()).toEqual(a.list());
      expect(b.silences()).toEqual(a.silences());
      expect(b.silences().map((s) => s.id)).toEqual([silence.id]);
      expect(await b.history(fp)).toEqual(await a.history(fp));
      expect((await b.history(fp)).map((e) => e.event)).toEqual(['pending', 'firing', 'ack']);

      // the condition clears: resolved once false for keepFiringFor (5 min), on the new one
      await b.evaluate([overdue(0)]);
      expect(b.get(fp)?.state).toBe('firing');
      now += 5 * MIN;
      await b.evaluate([overdue(0)]);
      expect(b.get(fp)).toMatchObject({ state: 'resolved', ack: { by: '王伟' } });
      expect((await b.history(fp)).map((e) => e.event)).toEqual(['pending', 'firing', 'ack', 'resolved']);
      // and the old one sees it after a reload: one state
      await a.reload();
      expect(a.list()).toEqual(b.list());
    });
  },
);

// ---------------------------------------------------------------------------------------------

describe('the state document per alert instance (a reported figure)', () => {
  it('500 firing instances', () => {
    const N = 500;
    let now = START;
    const engine = new AlertEngine({ rules: DEFAULT_ALERT_RULES, clock: () => now });
    const regions = Array.from({ length: N }, (_, i) => `${COUNTY}${String(i + 1).padStart(3, '0')}`);
    const ev = (): RuleEvaluation[] => [
      {
        rule: 'transfers-overdue',
        samples: regions.map((region, i) => ({ region, value: 1 + (i % 9), active: true, threshold: 0 })),
      },
    ];
    engine.evaluate(ev());
    now += 10 * MIN;
    engine.evaluate(ev());
    expect(engine.list().filter((v) => v.state === 'firing')).toHaveLength(N);
    const size = (): number =>
      Buffer.byteLength(
        JSON.stringify({ version: 3, evaluatedAt: now, engine: engine.toJSON() } satisfies AlertStateDoc),
      );
    const firing = size() / N;
    for (const r of regions) engine.ack(`transfers-overdue:${r}`, '王伟', '已联系组织部，本周内办结');
    const acked = size() / N;
    console.log(
      `alert state: ${N} firing instances → ${Math.round(firing)} bytes of JSON each ` +
        `(${Math.round(acked)} with an acknowledgement; doc ${(size() / 1024).toFixed(0)} KiB)`,
    );
    expect(firing).toBeGreaterThan(0);
  });
});
