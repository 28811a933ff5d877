// RegionFeeds on its own: a hand-written store version and views, an injected clock, and fake
// timers where the order of slow builds and interval ticks matters.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Frame, Snapshot } from '../../../server/contract/index.ts';
import { UnknownRegionError } from '../../../server/contract/errors.ts';
import { applyMergePatch } from '../../../server/contract/merge-patch.ts';
import { RegionFeeds, TIME_REFRESH_MS } from '../../../server/push/feeds.ts';
import { RECOVERY_WINDOW_MS } from '../../../server/push/ledger.ts';
import { snapshot, tickerItem } from '../lib/fixtures.ts';

const T0 = 1_700_000_000_000;
const CITY = '610100';
const YANTA = '610113';
const WEIYANG = '610112';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/** The store's version and the views over it: what each region's snapshot holds now, every
 * call recorded. Each build is a fresh copy stamped with the instant asked for, as Views does. */
class FakeSource {
  version = 1;
  readonly content = new Map<string, Snapshot | Error>();
  readonly snapshotCalls: string[] = [];
  readonly snapshotsCalls: string[][] = [];
  /** joins in progress: their builds are logged in snapshotCalls (and by batch) */
  joining = 0;
  readonly joinBatches: string[][] = [];
  /** snapshots() rejects with this while set (the store cannot be read) */
  failure: Error | undefined;
  /** builds wait on this while set */
  gate: Promise<void> | undefined;
  /** builds take this long on the (fake) timers */
  buildMs = 0;

  constructor(regions: string[]) {
    for (const code of regions) this.content.set(code, snapshot({ region: { ...snapshot().region, code } }));
  }

  /** Changes what the region's next build returns; the store's version moves. */
  change(region: string, edit: (s: Snapshot) => Snapshot | Error): void {
    const s = this.content.get(region);
    if (!s || s instanceof Error) throw new Error(`no snapshot for ${region}`);
    this.content.set(region, edit(structuredClone(s)));
    this.version += 1;
  }

  readonly views = {
    snapshot: async (region: string, nowMs: number): Promise<Snapshot> => {
      this.snapshotCalls.push(region);
      await this.#wait();
      const s = this.#read(region, nowMs);
      if (s instanceof Error) throw s;
      return s;
    },
    snapshots: async (regions: readonly string[], nowMs: number): Promise<(Snapshot | Error)[]> => {
      // a joining wall's build (RegionFeeds batches those too) or a tick's read
      if (this.joining > 0) {
        this.snapshotCalls.push(...regions);
        this.joinBatches.push([...regions]);
      } else this.snapshotsCalls.push([...regions]);
      await this.#wait();
      if (this.failure) throw this.failure;
      return regions.map((r) => this.#read(r, nowMs));
    },
  };

  async #wait(): Promise<void> {
    if (this.buildMs > 0) await new Promise((r) => setTimeout(r, this.buildMs));
    await this.gate;
  }

  #read(region: string, nowMs: number): Snapshot | Error {
    const s = this.content.get(region);
    if (s === undefined) return new UnknownRegionError(region);
    return s instanceof Error ? s : { ...structuredClone(s), asOf: nowMs };
  }
}

/** `version` replaces the fake store's plain version read (for reads that fail or move). */
function setup(version?: (src: FakeSource) => Promise<number>) {
  const src = new FakeSource([CITY, YANTA, WEIYANG]);
  const clock = { ms: T0 };
  const frames: Frame[] = [];
  const errors: [region: string, err: unknown][] = [];
  const builds: number[] = [];
  const feeds = new RegionFeeds({
    version: version ? () => version(src) : async () => src.version,
    views: src.views,
    emitFrame: (region, frame) => {
      expect(frame.region).toBe(region);
      frames.push(frame);
    },
    now: () => clock.ms,
    onBuild: (seconds) => builds.push(seconds),
    onError: (region, err) => errors.push([region, err]),
  });
  const join = feeds.join.bind(feeds);
  feeds.join = async (region: string) => {
    src.joining += 1;
    try {
      return await join(region);
    } finally {
      src.joining -= 1;
    }
  };
  /** advances the injected clock, then runs one tick */
  const tickAt = async (ms: number) => {
    clock.ms = ms;
    await feeds.tick();
  };
  return { src, clock, frames, errors, builds, feeds, tickAt };
}

const withoutTicker = ({ ticker: _t, ...rest }: Snapshot) => rest;

afterEach(() => {
  vi.useRealTimers();
});

describe('RegionFeeds.join', () => {
  it('builds once per region, also for concurrent joins (one pending build shared)', async () => {
    const { src, feeds, builds } = setup();
    const gate = deferred();
    src.gate = gate.promise;
    const joins = [feeds.join(CITY), feeds.join(CITY), feeds.join(YANTA), feeds.join(CITY)];
    gate.resolve();
    const msgs = await Promise.all(joins);
    expect(src.snapshotCalls).toEqual([CITY, YANTA]);
    expect(msgs.map((m) => [m.seq, m.snapshot.region.code])).toEqual([
      [0, CITY],
      [0, CITY],
      [0, YANTA],
      [0, CITY],
    ]);
    expect(msgs[1]!.snapshot).toBe(msgs[0]!.snapshot);
    await feeds.join(CITY);
    expect(src.snapshotCalls).toEqual([CITY, YANTA]);
    expect(builds).toHaveLength(2);
    expect(feeds.current(CITY)).toEqual({ seq: 0, snapshot: msgs[0]!.snapshot });
  });

  it('a failed build rejects every concurrent joiner and is not cached: the next join retries', async () => {
    const { src, feeds } = setup();
    src.content.set(CITY, new Error('store down'));
    const joins = [feeds.join(CITY), feeds.join(CITY)];
    for (const j of joins) await expect(j).rejects.toThrow('store down');
    expect(src.snapshotCalls).toEqual([CITY]);
    expect(feeds.current(CITY)).toBeUndefined();
    src.content.set(CITY, snapshot());
    expect((await feeds.join(CITY)).seq).toBe(0);
    expect(src.snapshotCalls).toEqual([CITY, CITY]);
  });

  it('joins that arrive while a build runs are built together next, from one read', async () => {
    const { src, feeds } = setup();
    const gate = deferred();
    src.gate = gate.promise;
    const first = feeds.join(CITY);
    await vi.waitFor(() => expect(src.snapshotCalls).toEqual([CITY]));
    const more = [feeds.join(YANTA), feeds.join(WEIYANG)];
    gate.resolve();
    await Promise.all([first, ...more]);
    expect(src.joinBatches).toEqual([[CITY], [YANTA, WEIYANG]]);
  });

  it('an unknown region rejects with UnknownRegionError', async () => {
    const { feeds } = setup();
    await expect(feeds.join('610199')).rejects.toBeInstanceOf(UnknownRegionError);
  });
});

type Edit = (s: Snapshot) => Snapshot;
type Step = [what: string, edit: Edit | undefined, seq: number | undefined, ticker: string[]];

// Each step edits the city's data (undefined: the version moves, the data does not), ticks one
// interval later, and expects a frame with that seq and those new ticker items, or no frame.
const STEPS: Step[] = [
  ['version moved, same data: only asOf differs', undefined, undefined, []],
  ['a kpi changed', (s) => ({ ...s, kpi: { ...s.kpi, learnersToday: s.kpi.learnersToday + 1 } }), 1, []],
  ['nothing again', undefined, undefined, []],
  ['a new ticker item only', (s) => ({ ...s, ticker: [tickerItem('t3', T0), ...s.ticker] }), 2, ['t3']],
  ['a child removed (a null in the patch)', (s) => ({ ...s, children: { [YANTA]: s.children[YANTA]! } }), 3, []],
  ['an alert added', (s) => ({ ...s, alerts: [alert()] }), 4, []],
  ['the day rolled over', (s) => ({ ...s, day: '2023-11-16' }), 5, []],
];

function alert(): Snapshot['alerts'][number] {
  return {
    id: 'a1',
    level: 'warn',
    rule: 'study-rate-low',
    region: CITY,
    regionName: '西安市',
    value: 0.1,
    threshold: 0.2,
    message: { zh: '学习率低', en: 'low study rate' },
  };
}

describe('RegionFeeds.tick frames', () => {
  it('seq starts at 0 and moves by 1 per frame; no frame when only asOf changed; patches apply', async () => {
    const { src, feeds, frames, errors, tickAt } = setup();
    const joined = await feeds.join(CITY);
    expect(joined.seq).toBe(0);
    let prev = joined.snapshot;
    let ms = T0;
    for (const [i, [what, edit, seq, ticker]] of STEPS.entries()) {
      if (edit) src.change(CITY, edit);
      else src.version += 1;
      const before = frames.length;
      await tickAt((ms += 1000));
      // every step rebuilds: a missing frame is the diff's verdict, not a skipped build
      expect(src.snapshotsCalls, what).toHaveLength(i + 1);
      if (seq === undefined) {
        expect(frames.length, what).toBe(before);
        continue;
      }
      expect(frames.length, what).toBe(before + 1);
      const next = { ...(src.content.get(CITY) as Snapshot), asOf: ms };
      const frame = frames.at(-1)!;
      expect({ seq: frame.seq, region: frame.region, asOf: frame.asOf }, what).toEqual({ seq, region: CITY, asOf: ms });
      expect(applyMergePatch(withoutTicker(prev), frame.patch), what).toEqual(withoutTicker(next));
      expect(
        frame.ticker.map((t) => t.id),
        what,
      ).toEqual(ticker);
      expect(feeds.current(CITY), what).toEqual({ seq, snapshot: next });
      prev = feeds.current(CITY)!.snapshot;
    }
    expect(errors).toEqual([]);
    // a wall joining now starts from the current state, not from seq 0
    expect((await feeds.join(CITY)).seq).toBe(5);
  });

  it('each region has its own seq and frames; an unchanged region gets none', async () => {
    const { src, feeds, frames, tickAt } = setup();
    await Promise.all([feeds.join(CITY), feeds.join(YANTA), feeds.join(WEIYANG)]);
    src.change(CITY, (s) => ({ ...s, kpi: { ...s.kpi, onlineNow: 1 } }));
    src.change(YANTA, (s) => ({ ...s, kpi: { ...s.kpi, onlineNow: 2 } }));
    await tickAt(T0 + 1000);
    src.change(YANTA, (s) => ({ ...s, kpi: { ...s.kpi, onlineNow: 3 } }));
    await tickAt(T0 + 2000);
    expect(src.snapshotsCalls).toEqual([
      [CITY, YANTA, WEIYANG],
      [CITY, YANTA, WEIYANG],
    ]);
    expect(frames.map((f) => [f.region, f.seq])).toEqual([
      [CITY, 1],
      [YANTA, 1],
      [YANTA, 2],
    ]);
  });
});

type RefreshCase = [what: string, versionMoves: boolean, elapsedMs: number, rebuilt: boolean];

const REFRESH: RefreshCase[] = [
  ['same version, no time passed', false, 0, false],
  ['same version, just under TIME_REFRESH_MS', false, TIME_REFRESH_MS - 1, false],
  ['same version, TIME_REFRESH_MS passed', false, TIME_REFRESH_MS, true],
  ['same version, long after', false, 10 * TIME_REFRESH_MS, true],
  ['version moved, no time passed', true, 0, true],
  ['version moved, just under TIME_REFRESH_MS', true, TIME_REFRESH_MS - 1, true],
];

describe('RegionFeeds.tick rebuilds', () => {
  it.each(REFRESH)('%s → rebuilt: %s', async (_what, versionMoves, elapsedMs, rebuilt) => {
    const { src, feeds, tickAt } = setup();
    await feeds.join(CITY);
    if (versionMoves) src.version += 1;
    await tickAt(T0 + elapsedMs);
    expect(src.snapshotsCalls).toEqual(rebuilt ? [[CITY]] : []);
  });

  it('a rebuild restarts the refresh clock even when it produced no frame', async () => {
    const { src, feeds, frames, tickAt } = setup();
    await feeds.join(CITY);
    await tickAt(T0 + TIME_REFRESH_MS);
    await tickAt(T0 + 2 * TIME_REFRESH_MS - 1);
    expect(src.snapshotsCalls).toHaveLength(1);
    await tickAt(T0 + 2 * TIME_REFRESH_MS);
    expect(src.snapshotsCalls).toHaveLength(2);
    expect(frames).toEqual([]);
  });

  it('a rebuild records the version it read: the same version does not rebuild again', async () => {
    const { src, feeds, tickAt } = setup();
    await feeds.join(CITY);
    src.version += 1;
    await tickAt(T0 + 1);
    await tickAt(T0 + 2);
    expect(src.snapshotsCalls).toHaveLength(1);
  });

  it('only the due regions are read: a region built later is not yet due for a time refresh', async () => {
    const { src, clock, feeds, tickAt } = setup();
    await feeds.join(CITY);
    clock.ms = T0 + 10_000;
    await feeds.join(YANTA);
    await tickAt(T0 + TIME_REFRESH_MS);
    expect(src.snapshotsCalls).toEqual([[CITY]]);
  });

  it('observes one build time per join and per region rebuilt in a tick', async () => {
    const { src, feeds, builds, tickAt } = setup();
    await Promise.all([feeds.join(CITY), feeds.join(YANTA)]);
    src.version += 1;
    await tickAt(T0 + 1000);
    expect(builds).toHaveLength(4);
    for (const s of builds) expect(s).toBeGreaterThanOrEqual(0);
  });
});

describe('RegionFeeds.retain', () => {
  it('forgets regions without walls: no more reads or frames; a later join continues the kept state', async () => {
    const { src, clock, feeds, frames, tickAt } = setup();
    await Promise.all([feeds.join(CITY), feeds.join(YANTA)]);
    src.change(YANTA, (s) => ({ ...s, kpi: { ...s.kpi, onlineNow: 2 } }));
    await tickAt(T0 + 1000);
    expect(feeds.current(YANTA)?.seq).toBe(1);
    feeds.retain(new Set([CITY]));
    expect(feeds.current(YANTA)).toBeUndefined();
    expect(feeds.current(CITY)).toBeDefined();
    src.change(YANTA, (s) => ({ ...s, kpi: { ...s.kpi, onlineNow: 3 } }));
    await tickAt(T0 + 2000);
    expect(src.snapshotsCalls.at(-1)).toEqual([CITY]);
    expect(frames.map((f) => f.region)).toEqual([YANTA]);
    // back within the recovery window: the state a returning wall holds (seq 1) is continued,
    // what changed meanwhile comes as the next frame
    const again = await feeds.join(YANTA);
    expect(again.seq).toBe(2);
    expect(again.snapshot.kpi.onlineNow).toBe(3);
    expect(frames.map((f) => [f.region, f.seq])).toEqual([
      [YANTA, 1],
      [YANTA, 2],
    ]);
    expect(src.snapshotCalls).toEqual([CITY, YANTA, YANTA]);
    // past the window the kept state is gone: a fresh start (firstSeq; 0 by default)
    feeds.retain(new Set([CITY]));
    clock.ms = T0 + 2000 + RECOVERY_WINDOW_MS + 1;
    expect((await feeds.join(YANTA)).seq).toBe(0);
  });

  it('a region forgotten while its tick builds gets no frame', async () => {
    const { src, feeds, frames, tickAt } = setup();
    await Promise.all([feeds.join(CITY), feeds.join(YANTA)]);
    src.change(CITY, (s) => ({ ...s, kpi: { ...s.kpi, onlineNow: 1 } }));
    src.change(YANTA, (s) => ({ ...s, kpi: { ...s.kpi, onlineNow: 2 } }));
    const gate = deferred();
    src.gate = gate.promise;
    const tick = tickAt(T0 + 1000);
    await vi.waitFor(() => expect(src.snapshotsCalls).toHaveLength(1));
    feeds.retain(new Set([YANTA]));
    gate.resolve();
    await tick;
    expect(frames.map((f) => f.region)).toEqual([YANTA]);
  });

  it('a tick with no regions reads nothing', async () => {
    const { src, feeds, tickAt } = setup();
    await tickAt(T0 + TIME_REFRESH_MS);
    expect(src.snapshotsCalls).toEqual([]);
    expect(feeds.ticks).toBe(1);
  });
});

describe('RegionFeeds.tick errors', () => {
  it('the store cannot be read: onError for every due region, nothing emitted, the next tick recovers', async () => {
    const { src, feeds, frames, errors, tickAt } = setup();
    await Promise.all([feeds.join(CITY), feeds.join(YANTA)]);
    const before = feeds.current(CITY)!.snapshot;
    src.change(CITY, (s) => ({ ...s, kpi: { ...s.kpi, onlineNow: 1 } }));
    const down = new Error('ECONNREFUSED');
    src.failure = down;
    await tickAt(T0 + 1000);
    expect(errors).toEqual([
      [CITY, down],
      [YANTA, down],
    ]);
    expect(frames).toEqual([]);
    expect(feeds.current(CITY)).toEqual({ seq: 0, snapshot: before });
    src.failure = undefined;
    await tickAt(T0 + 2000);
    expect(frames.map((f) => [f.region, f.seq])).toEqual([[CITY, 1]]);
    expect(applyMergePatch<{ kpi: Snapshot['kpi'] }>(withoutTicker(before), frames[0]!.patch).kpi.onlineNow).toBe(1);
  });

  it('a failed read reports only the due regions', async () => {
    const { src, clock, feeds, errors, tickAt } = setup();
    await feeds.join(CITY);
    clock.ms = T0 + 10_000;
    await feeds.join(YANTA);
    src.failure = new Error('timeout');
    await tickAt(T0 + TIME_REFRESH_MS);
    expect(errors.map(([r]) => r)).toEqual([CITY]);
  });

  it('a region whose snapshot is an Error gets onError; the others still get frames', async () => {
    const { src, feeds, frames, errors, tickAt } = setup();
    await Promise.all([feeds.join(CITY), feeds.join(YANTA), feeds.join(WEIYANG)]);
    const broken = new Error('bad roll-up for 610113');
    src.change(CITY, (s) => ({ ...s, kpi: { ...s.kpi, onlineNow: 1 } }));
    src.content.set(YANTA, broken);
    src.change(WEIYANG, (s) => ({ ...s, kpi: { ...s.kpi, onlineNow: 3 } }));
    await tickAt(T0 + 1000);
    expect(errors).toEqual([[YANTA, broken]]);
    expect(frames.map((f) => [f.region, f.seq])).toEqual([
      [CITY, 1],
      [WEIYANG, 1],
    ]);
    expect(feeds.current(YANTA)?.seq).toBe(0);
  });

  it('a failed version read rejects the tick, emits nothing and does not block the next tick', async () => {
    const { src, feeds, frames, errors, tickAt } = setup(async (src) => {
      if (src.version === 2) throw new Error('version down');
      return src.version;
    });
    await feeds.join(CITY);
    src.change(CITY, (s) => ({ ...s, kpi: { ...s.kpi, onlineNow: 1 } }));
    await expect(tickAt(T0 + 1000)).rejects.toThrow('version down');
    expect(frames).toEqual([]);
    expect(errors).toEqual([]); // the caller (screen.ts) logs a failed tick once
    src.version = 3;
    await tickAt(T0 + 2000);
    expect(frames.map((f) => f.seq)).toEqual([1]);
    expect(feeds.ticks).toBe(2);
  });
});

describe('RegionFeeds overlapping ticks', () => {
  it('a tick while one is running is skipped, not queued', async () => {
    const { src, feeds, tickAt } = setup();
    await feeds.join(CITY);
    const gate = deferred();
    src.gate = gate.promise;
    src.version += 1;
    const first = tickAt(T0 + 1000);
    await vi.waitFor(() => expect(src.snapshotsCalls).toHaveLength(1));
    src.version += 1;
    await tickAt(T0 + 1100); // returns at once: skipped
    expect(feeds.ticks).toBe(0);
    gate.resolve();
    await first;
    expect(feeds.ticks).toBe(1);
    expect(src.snapshotsCalls).toHaveLength(1);
    await tickAt(T0 + 1200);
    expect(src.snapshotsCalls).toHaveLength(2);
  });

  it('on an interval with builds slower than the interval, ticks start only on the interval', async () => {
    vi.useFakeTimers();
    // a version that moves on every read, so every tick that runs rebuilds
    const { src, feeds } = setup(async (src) => ++src.version);
    await feeds.join(CITY);
    src.buildMs = 250;
    const timer = setInterval(() => void feeds.tick(), 100);
    // ticks at 100, 400, 700 and 1000 run; those at 200, 300, 500, … find one running
    await vi.advanceTimersByTimeAsync(1000);
    expect(src.snapshotsCalls).toHaveLength(4);
    expect(feeds.ticks).toBe(3);
    // the build started at 1000 ends at 1250; nothing queued runs before the 1300 tick
    await vi.advanceTimersByTimeAsync(290);
    expect(src.snapshotsCalls).toHaveLength(4);
    expect(feeds.ticks).toBe(4);
    clearInterval(timer);
  });
});

describe('RegionFeeds.afterTicks', () => {
  it('resolves once n more ticks have run to the end; a skipped tick does not count', async () => {
    const { src, feeds, tickAt } = setup();
    await feeds.join(CITY);
    let resolved = false;
    const two = feeds.afterTicks(2).then(() => (resolved = true));
    await tickAt(T0 + 1);
    await Promise.resolve();
    expect(resolved).toBe(false);
    const gate = deferred();
    src.gate = gate.promise;
    src.version += 1;
    const running = tickAt(T0 + 2);
    await vi.waitFor(() => expect(src.snapshotsCalls).toHaveLength(1));
    await tickAt(T0 + 3); // skipped
    await Promise.resolve();
    expect(resolved).toBe(false);
    gate.resolve();
    await running;
    await two;
    expect(resolved).toBe(true);
    expect(feeds.ticks).toBe(2);
  });

  it('waiters for different counts resolve in their own tick', async () => {
    const { feeds, tickAt } = setup();
    await feeds.join(CITY);
    const seen: string[] = [];
    void feeds.afterTicks(1).then(() => seen.push('one'));
    void feeds.afterTicks(3).then(() => seen.push('three'));
    await tickAt(T0 + 1);
    await tickAt(T0 + 2);
    await Promise.resolve();
    expect(seen).toEqual(['one']);
    await tickAt(T0 + 3);
    await Promise.resolve();
    expect(seen).toEqual(['one', 'three']);
  });
});
