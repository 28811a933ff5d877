// Per-region feeds: one snapshot and one frame per region per interval, computed once and
// shared by every wall of the region. Orchestration only: transport lives in screen.ts, the
// merge-patch logic in diff.ts.
import type { Frame, Snapshot, SnapshotMessage } from '../contract/index.ts';
import type { Views } from '../aggregate/views.ts';
import { frameBody } from './diff.ts';

/** Time alone changes some aggregates (onlineNow decays, the day rolls over): rebuild a
 * region at least this often even when the store version has not moved. */
export const TIME_REFRESH_MS = 30_000;

interface FeedState {
  seq: number;
  snapshot: Snapshot;
  version: number;
  builtAt: number;
}

export interface FeedDeps {
  /** the store's version: a region is rebuilt only when it moved (or TIME_REFRESH_MS passed) */
  version: () => Promise<number>;
  views: Pick<Views, 'snapshot' | 'snapshots'>;
  emitFrame: (region: string, frame: Frame) => void;
  now?: () => number;
  /** observed once per built snapshot, seconds */
  onBuild?: (seconds: number) => void;
  onError?: (region: string, err: unknown) => void;
}

export class RegionFeeds {
  readonly #states = new Map<string, FeedState>();
  readonly #pending = new Map<string, Promise<FeedState>>();
  readonly #deps: FeedDeps;
  readonly #now: () => number;
  #ticking = false;
  #ticks = 0;
  readonly #tickWaiters: { at: number; resolve: () => void }[] = [];

  constructor(deps: FeedDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** The region's current snapshot and seq, building it for its first wall. Throws what the
   * store throws (UnknownRegionError for a region outside the area). */
  async join(region: string): Promise<SnapshotMessage> {
    const state = this.#states.get(region) ?? (await this.#open(region));
    return { seq: state.seq, snapshot: state.snapshot };
  }

  /** What a wall gets on resync: the state the next frame's patch applies to. */
  current(region: string): SnapshotMessage | undefined {
    const s = this.#states.get(region);
    return s && { seq: s.seq, snapshot: s.snapshot };
  }

  /** Forget regions that have no walls left. */
  retain(active: ReadonlySet<string>): void {
    for (const region of this.#states.keys()) if (!active.has(region)) this.#states.delete(region);
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

  /** One interval: every open region whose data may have changed is rebuilt — all of them at
   * one instant from one read of the store, so they share the roll-up — then diffed and emitted
   * region by region (at most one frame each). Overlapping ticks are skipped rather than queued. */
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
    if (this.#states.size === 0) return;
    const version = await this.#deps.version();
    const now = this.#now();
    const due = [...this.#states].filter(([, s]) => s.version !== version || now - s.builtAt >= TIME_REFRESH_MS);
    if (due.length === 0) return;
    const start = process.hrtime.bigint();
    let built: (Snapshot | Error)[];
    try {
      built = await this.#deps.views.snapshots(
        due.map(([region]) => region),
        now,
      );
    } catch (err) {
      for (const [region] of due) this.#deps.onError?.(region, err);
      return;
    }
    due.forEach(([region, state], i) => {
      const next = built[i]!;
      if (next instanceof Error) return this.#deps.onError?.(region, next);
      try {
        const frame = this.#advance(region, state, version, now, next);
        // per region: from the start of the tick's read until its frame is ready to go
        this.#deps.onBuild?.(Number(process.hrtime.bigint() - start) / 1e9);
        if (frame) this.#deps.emitFrame(region, frame);
      } catch (err) {
        this.#deps.onError?.(region, err);
      }
    });
  }

  async #open(region: string): Promise<FeedState> {
    let pending = this.#pending.get(region);
    if (!pending) {
      pending = (async () => {
        const version = await this.#deps.version();
        const snapshot = await this.#build(region);
        const state: FeedState = { seq: 0, snapshot, version, builtAt: this.#now() };
        this.#states.set(region, state);
        return state;
      })().finally(() => this.#pending.delete(region));
      this.#pending.set(region, pending);
    }
    return pending;
  }

  /** Moves the region's state to `next`; the frame to emit, if anything but asOf changed and
   * the region still has walls. */
  #advance(region: string, state: FeedState, version: number, now: number, next: Snapshot): Frame | undefined {
    state.version = version;
    state.builtAt = now;
    const body = frameBody(state.snapshot, next);
    if (!body) return undefined;
    state.seq += 1;
    state.snapshot = next;
    if (this.#states.get(region) !== state) return undefined;
    return { seq: state.seq, region, asOf: next.asOf, patch: body.patch, ticker: body.ticker };
  }

  async #build(region: string): Promise<Snapshot> {
    const start = process.hrtime.bigint();
    const snapshot = await this.#deps.views.snapshot(region, this.#now());
    this.#deps.onBuild?.(Number(process.hrtime.bigint() - start) / 1e9);
    return snapshot;
  }
}
