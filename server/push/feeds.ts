// Per-region feeds: one snapshot and one frame per region per interval, computed once and
// shared by every wall of the region — on this process, or across the fleet when the ledger
// is shared (ledger.ts: one builder per region at a time, seq and state in Redis). In an
// interval without a frame each built region gets a heartbeat: the pipeline is alive and the
// state was confirmed current by a read of the store. Orchestration only: transport lives in
// screen.ts, the merge-patch logic in diff.ts.
import type { Frame, Heartbeat, Snapshot, SnapshotMessage } from '../contract/index.ts';
import type { Views } from '../aggregate/views.ts';
import { frameBody } from './diff.ts';
import { LocalLedger, type FeedLedger, type StoredFeed } from './ledger.ts';

/** Time alone changes some aggregates (onlineNow decays, the day rolls over): rebuild a
 * region at least this often even when the store version has not moved. */
export const TIME_REFRESH_MS = 30_000;

/** A joining wall waits this long for another process to store a region's first state (it
 * holds the lease and is building it; under load a first build can take seconds). */
const JOIN_WAIT_MS = 15_000;

export interface FeedDeps {
  /** the store's version: a region is rebuilt only when it moved (or TIME_REFRESH_MS passed) */
  version: () => Promise<number>;
  views: Pick<Views, 'snapshot' | 'snapshots'>;
  emitFrame: (region: string, frame: Frame) => void;
  /** a region built this interval without a frame */
  emitBeat?: (region: string, beat: Heartbeat) => void;
  /** who builds what, and the fleet's stored state (default: one process, LocalLedger) */
  ledger?: FeedLedger;
  /** the seq of a region's first state when none is stored (default 0). A value above any
   * seq handed out before (e.g. the clock in ms) keeps a wall that held an earlier state of
   * the region from taking the new one for the one it holds. */
  firstSeq?: () => number;
  frameIntervalMs?: number;
  now?: () => number;
  /** observed once per built snapshot, seconds */
  onBuild?: (seconds: number) => void;
  /** once per region per interval this process served as its builder (frame or heartbeat) */
  onInterval?: (region: string) => void;
  onError?: (region: string, err: unknown) => void;
}

export class RegionFeeds {
  /** regions this process builds now, with their state */
  readonly #states = new Map<string, StoredFeed>();
  /** regions with walls here (joined and not dropped by retain) */
  readonly #wanted = new Set<string>();
  readonly #pending = new Map<string, Promise<SnapshotMessage>>();
  #joinQueue = new Map<
    string,
    { resolve: (b: { now: number; snapshot: Snapshot }) => void; reject: (e: unknown) => void }[]
  >();
  #joinBuilding = false;
  readonly #deps: FeedDeps;
  readonly #ledger: FeedLedger;
  readonly #now: () => number;
  #ticking = false;
  #ticks = 0;
  readonly #tickWaiters: { at: number; resolve: () => void }[] = [];

  constructor(deps: FeedDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#ledger = deps.ledger ?? new LocalLedger(this.#now);
  }

  /** The region's current snapshot and seq, building it for its first wall in the fleet.
   * Throws what the store throws (UnknownRegionError for a region outside the area). */
  async join(region: string): Promise<SnapshotMessage> {
    this.#wanted.add(region);
    const held = this.current(region);
    if (held) return held;
    let pending = this.#pending.get(region);
    if (!pending) {
      pending = this.#open(region).finally(() => this.#pending.delete(region));
      this.#pending.set(region, pending);
    }
    return pending;
  }

  /** The state of a region this process builds (the next frame's patch applies to it). */
  current(region: string): SnapshotMessage | undefined {
    const s = this.#states.get(region);
    return s && { seq: s.seq, snapshot: s.snapshot };
  }

  /** What a wall gets on resync: this process's state, or the fleet's stored one. */
  async latest(region: string): Promise<SnapshotMessage | undefined> {
    const held = this.current(region);
    if (held) return held;
    const stored = await this.#ledger.load(region);
    return stored && { seq: stored.seq, snapshot: stored.snapshot };
  }

  /** The frames a wall holding `seq` missed, when they are all still known. */
  async since(region: string, seq: number): Promise<Frame[] | undefined> {
    return this.#ledger.since(region, seq);
  }

  /** Forget regions that have no walls left (their leases are given back). */
  retain(active: ReadonlySet<string>): void {
    const dropped = [...this.#wanted].filter((r) => !active.has(r));
    for (const region of dropped) {
      this.#wanted.delete(region);
      this.#states.delete(region);
    }
    if (dropped.length > 0) void this.#ledger.release(dropped).catch(() => undefined);
  }

  /** Gives back every lease (shutdown): the fleet takes the regions over at once. */
  async close(): Promise<void> {
    const regions = [...this.#states.keys()];
    this.#states.clear();
    this.#wanted.clear();
    await this.#ledger.release(regions);
  }

  /** Ticks run to the end so far (a skipped overlapping tick is not one). */
  get ticks(): number {
    return this.#ticks;
  }

  /** Resolves once `n` more ticks have run to the end. A "nothing was sent" check waits on
   * this rather than on a sleep: after two, at least one whole tick began after the call. */
  afterTicks(n: number): Promise<void> {
    return new Promise((resolve) => this.#tickWaiters.push({ at: this.#ticks + n, resolve }));
  }

  /** One interval: the regions with walls here are claimed; every claimed region whose data
   * may have changed is rebuilt — all of them at one instant from one read of the store, so
   * they share the roll-up — then diffed and sent region by region (at most one frame each, a
   * heartbeat when there is none). Overlapping ticks are skipped rather than queued. */
  async tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      await this.#tick();
    } finally {
      this.#ticking = false;
      this.#ticks += 1;
      for (let i = this.#tickWaiters.length - 1; i >= 0; i--) {
        const w = this.#tickWaiters[i]!;
        if (w.at > this.#ticks) continue;
        this.#tickWaiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  async #tick(): Promise<void> {
    if (this.#wanted.size === 0) return;
    const wanted = [...this.#wanted].filter((r) => !this.#pending.has(r));
    const held = await this.#claim(wanted);
    if (held.length === 0) return;
    const version = await this.#deps.version();
    const now = this.#now();
    // regions taken over from another process continue from the fleet's stored state
    const taken = held.filter((r) => !this.#states.has(r));
    const stored = await Promise.all(taken.map((r) => this.#ledger.load(r)));
    const fresh: string[] = [];
    taken.forEach((r, i) => {
      const s = stored[i];
      if (s) this.#states.set(r, s);
      else fresh.push(r);
    });
    const due = held.filter((r) => {
      const s = this.#states.get(r);
      return s === undefined || s.version !== version || now - s.builtAt >= TIME_REFRESH_MS;
    });
    const beats = held.filter((r) => !due.includes(r));
    if (due.length > 0) await this.#rebuild(due, new Set(fresh), version, now, beats);
    for (const region of beats) this.#beat(region, now);
  }

  /** Leases taken or renewed; a region whose state here is not the fleet's (another builder
   * moved it on meanwhile) is dropped, to be reloaded as a takeover. */
  async #claim(regions: string[]): Promise<string[]> {
    if (regions.length === 0) return [];
    const mine = await this.#ledger.claim(regions);
    for (const r of regions) {
      const stored = mine.get(r);
      if (stored === undefined || (stored !== null && this.#states.get(r)?.seq !== stored)) this.#states.delete(r);
    }
    return regions.filter((r) => mine.has(r));
  }

  /** Renews the leases of the regions built here, between ticks: a tick whose builds take
   * longer than the lease (a loaded machine) must not lose them to another process mid-build. */
  async renew(): Promise<void> {
    const regions = [...new Set([...this.#states.keys(), ...this.#pending.keys()])];
    if (regions.length > 0) await this.#claim(regions);
  }

  async #rebuild(due: string[], fresh: Set<string>, version: number, now: number, beats: string[]): Promise<void> {
    const start = process.hrtime.bigint();
    let built: (Snapshot | Error)[];
    try {
      built = await this.#deps.views.snapshots(due, now);
    } catch (err) {
      for (const region of due) this.#deps.onError?.(region, err);
      return;
    }
    await Promise.all(
      due.map(async (region, i) => {
        const next = built[i]!;
        if (next instanceof Error) return this.#deps.onError?.(region, next);
        try {
          // per region: from the start of the tick's read until its frame is ready to go
          const frame = fresh.has(region)
            ? await this.#first(region, version, now, next)
            : await this.#advance(region, version, now, next);
          this.#deps.onBuild?.(Number(process.hrtime.bigint() - start) / 1e9);
          if (frame === null) return;
          if (frame) this.#deps.emitFrame(region, frame);
          else beats.push(region);
        } catch (err) {
          this.#deps.onError?.(region, err);
        }
      }),
    );
  }

  #beat(region: string, now: number): void {
    const s = this.#states.get(region);
    if (!s) return;
    this.#deps.onInterval?.(region);
    this.#deps.emitBeat?.(region, { region, seq: s.seq, asOf: now });
  }

  async #open(region: string): Promise<SnapshotMessage> {
    const interval = this.#deps.frameIntervalMs ?? 1000;
    const deadline = this.#now() + JOIN_WAIT_MS;
    for (;;) {
      const mine = await this.#ledger.claim([region]);
      if (mine.has(region)) {
        const version = await this.#deps.version();
        const stored = await this.#ledger.load(region);
        const { now, snapshot: next } = await this.#firstBuild(region);
        if (stored) {
          this.#states.set(region, stored);
          const frame = await this.#advance(region, version, now, next);
          if (frame) this.#deps.emitFrame(region, frame);
        } else await this.#first(region, version, now, next);
        const s = this.current(region);
        if (s) return s;
      } else {
        // another process builds it: its stored state is the region's
        const stored = await this.#ledger.load(region);
        if (stored) return { seq: stored.seq, snapshot: stored.snapshot };
      }
      if (this.#now() > deadline) throw new Error(`no state for region ${region} yet; retry`);
      await new Promise((r) => setTimeout(r, interval / 4));
    }
  }

  /** A joining region's snapshot. Joins that arrive while a build runs (walls reconnecting
   * together after a restart) are built together next, at one instant from one read of the
   * store, so they share the roll-up as a tick does — not one roll-up each. */
  #firstBuild(region: string): Promise<{ now: number; snapshot: Snapshot }> {
    return new Promise((resolve, reject) => {
      const waiting = this.#joinQueue.get(region);
      if (waiting) waiting.push({ resolve, reject });
      else this.#joinQueue.set(region, [{ resolve, reject }]);
      if (!this.#joinBuilding) void this.#buildJoins();
    });
  }

  async #buildJoins(): Promise<void> {
    this.#joinBuilding = true;
    try {
      while (this.#joinQueue.size > 0) {
        const batch = this.#joinQueue;
        this.#joinQueue = new Map();
        const regions = [...batch.keys()];
        const now = this.#now();
        const start = process.hrtime.bigint();
        let built: (Snapshot | Error)[];
        try {
          built = await this.#deps.views.snapshots(regions, now);
        } catch (err) {
          for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
          continue;
        }
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        regions.forEach((region, i) => {
          const snapshot = built[i]!;
          if (!(snapshot instanceof Error)) this.#deps.onBuild?.(seconds);
          for (const w of batch.get(region)!) {
            if (snapshot instanceof Error) w.reject(snapshot);
            else w.resolve({ now, snapshot });
          }
        });
      }
    } finally {
      this.#joinBuilding = false;
    }
  }

  /** The region's first state in the fleet. null: the lease was lost meanwhile. */
  async #first(region: string, version: number, now: number, snapshot: Snapshot): Promise<null | undefined> {
    const state: StoredFeed = { seq: this.#deps.firstSeq?.() ?? 0, version, builtAt: now, snapshot };
    if ((await this.#ledger.commit(region, null, state, undefined)) !== 'ok') return null;
    if (this.#wanted.has(region)) this.#states.set(region, state);
    return undefined;
  }

  /** Moves the region's state to `next`; the frame to send, if anything but asOf changed and
   * the region still has walls; null when this process no longer builds it. */
  async #advance(region: string, version: number, now: number, next: Snapshot): Promise<Frame | undefined | null> {
    const state = this.#states.get(region);
    if (!state) return null;
    const body = frameBody(state.snapshot, next);
    if (!body) {
      state.version = version;
      state.builtAt = now;
      return undefined; // a heartbeat goes instead
    }
    const frame: Frame = { seq: state.seq + 1, region, asOf: next.asOf, patch: body.patch, ticker: body.ticker };
    const after: StoredFeed = { seq: frame.seq, version, builtAt: now, snapshot: next };
    if ((await this.#ledger.commit(region, state.seq, after, frame)) !== 'ok') {
      // another process holds the region, or moved it on: reload it when it is ours again
      if (this.#states.get(region) === state) this.#states.delete(region);
      return null;
    }
    if (this.#states.get(region) !== state) return null; // forgotten meanwhile (retain)
    this.#states.set(region, after);
    this.#deps.onInterval?.(region);
    return frame;
  }
}
