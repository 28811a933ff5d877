// Per-region feeds: one snapshot and one frame per region per interval, computed once and
// shared by every wall of the region. Orchestration only: transport lives in screen.ts, the
// merge-patch logic in diff.ts.
import type { Frame, Snapshot, SnapshotMessage } from '../contract/index.ts';
import type { Store } from '../store/types.ts';
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
  store: Store;
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

  /** One interval: for every open region whose data may have changed, rebuild, diff and emit
   * at most one frame. Overlapping ticks are skipped rather than queued. */
  async tick(): Promise<void> {
    if (this.#ticking || this.#states.size === 0) return;
    this.#ticking = true;
    try {
      const version = await this.#deps.store.version();
      const now = this.#now();
      await Promise.all(
        [...this.#states.entries()].map(async ([region, state]) => {
          if (state.version === version && now - state.builtAt < TIME_REFRESH_MS) return;
          await this.#advance(region, state, version);
        }),
      );
    } finally {
      this.#ticking = false;
    }
  }

  async #open(region: string): Promise<FeedState> {
    let pending = this.#pending.get(region);
    if (!pending) {
      pending = (async () => {
        const version = await this.#deps.store.version();
        const snapshot = await this.#build(region);
        const state: FeedState = { seq: 0, snapshot, version, builtAt: this.#now() };
        this.#states.set(region, state);
        return state;
      })().finally(() => this.#pending.delete(region));
      this.#pending.set(region, pending);
    }
    return pending;
  }

  async #advance(region: string, state: FeedState, version: number): Promise<void> {
    try {
      const next = await this.#build(region);
      state.version = version;
      state.builtAt = this.#now();
      const body = frameBody(state.snapshot, next);
      if (!body) return;
      state.seq += 1;
      state.snapshot = next;
      if (this.#states.get(region) !== state) return;
      this.#deps.emitFrame(region, { seq: state.seq, region, asOf: next.asOf, patch: body.patch, ticker: body.ticker });
    } catch (err) {
      this.#deps.onError?.(region, err);
    }
  }

  async #build(region: string): Promise<Snapshot> {
    const start = process.hrtime.bigint();
    const snapshot = await this.#deps.store.snapshot(region, this.#now());
    this.#deps.onBuild?.(Number(process.hrtime.bigint() - start) / 1e9);
    return snapshot;
  }
}
