// The wall's state machine, pure: applies snapshots, frames and heartbeats, tracks seq, detects
// gaps (→ needsResync), caps the ticker and computes liveness from an injected clock.
import type {
  Frame,
  Heartbeat,
  ScreenError,
  SnapshotMessage,
  Snapshot,
  TickerItem,
} from '../../../server/contract/index.ts';
import { TICKER_MAX_ITEMS } from '../../../server/contract/snapshot.ts';
import { applyMergePatch } from '../../../server/contract/merge-patch.ts';

export const STALE_AFTER_FRAMES = 3;
export const DEFAULT_FRAME_INTERVAL_MS = 1000;

export type WallMessage =
  | { kind: 'snapshot'; msg: SnapshotMessage; at: number }
  | { kind: 'frame'; frame: Frame; at: number }
  | { kind: 'beat'; beat: Heartbeat; at: number }
  | { kind: 'connected'; at: number }
  | { kind: 'disconnected'; at: number }
  | { kind: 'error'; error: ScreenError; at: number }
  | { kind: 'region'; region: string; at: number }
  | { kind: 'resyncRequested'; at: number }
  /** a replayed picture (issue 11): any region, never live, no frame applies to it */
  | { kind: 'replayed'; msg: SnapshotMessage; at: number }
  /** the room's replay begins (live messages are set aside; the connection stays, so that the
   * region's feed stays warm) or ends (a fresh snapshot is asked for) */
  | { kind: 'replay'; on: boolean; at: number };

export interface WallState {
  /** the region this wall asked for */
  region: string;
  snapshot: Snapshot | null;
  seq: number;
  ticker: TickerItem[];
  /** newest ticker time of the last snapshot: items after it arrived by frame and slide in */
  tickerBaseTs: number;
  connected: boolean;
  /** local receive time of the last proof that the pipeline is alive: a snapshot, a frame, or a
   * heartbeat that confirmed a newer `asOf` (what `isLive` measures) */
  lastDataAt: number | null;
  /** the newest instant the server confirmed this region's state current (snapshot, frame or
   * heartbeat `asOf`): what 数据截至 shows. Kept apart from `snapshot.asOf`, so that a heartbeat
   * leaves the snapshot object (and every panel) untouched */
  confirmedAsOf: number | null;
  needsResync: boolean;
  error: ScreenError | null;
  /** applied frames since load (for the bench) */
  framesApplied: number;
  /** the snapshot held is a replayed one (a room's replay): not live, frames do not apply to it,
   * and a reconnection asks for a fresh snapshot (no seq) */
  replayed: boolean;
  /** the room replays: live snapshots, frames and beats are set aside until it ends */
  replaying: boolean;
}

export function initialState(region: string): WallState {
  return {
    region,
    snapshot: null,
    seq: 0,
    ticker: [],
    tickerBaseTs: 0,
    connected: false,
    lastDataAt: null,
    confirmedAsOf: null,
    needsResync: false,
    error: null,
    framesApplied: 0,
    replayed: false,
    replaying: false,
  };
}

function assertNever(x: never): never {
  throw new Error(`unhandled message ${JSON.stringify(x)}`);
}

/** newest first, deduplicated by id, capped */
export function mergeTicker(fresh: TickerItem[], old: TickerItem[], cap = TICKER_MAX_ITEMS): TickerItem[] {
  if (fresh.length === 0) return old;
  const seen = new Set<string>();
  const out: TickerItem[] = [];
  for (const item of [...fresh, ...old]) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    out.push(item);
    if (out.length >= cap) break;
  }
  return out;
}

function applyFrame(state: WallState, frame: Frame, at: number): WallState {
  if (state.replayed || state.snapshot === null || frame.region !== state.snapshot.region.code) return state;
  if (frame.seq <= state.seq) return state; // duplicate or replay
  if (frame.seq !== state.seq + 1) return { ...state, needsResync: true };
  const { ticker: _old, ...rest } = state.snapshot;
  const patched = applyMergePatch<Omit<Snapshot, 'ticker'>>(rest, frame.patch);
  const ticker = mergeTicker(frame.ticker, state.ticker);
  return {
    ...state,
    snapshot: { ...patched, asOf: frame.asOf, ticker },
    seq: frame.seq,
    ticker,
    lastDataAt: at,
    confirmedAsOf: Math.max(state.confirmedAsOf ?? frame.asOf, frame.asOf),
    framesApplied: state.framesApplied + 1,
  };
}

/** A heartbeat: the region's current seq and the instant the server last confirmed it. Ahead of
 * our seq → a frame was missed (resync). At our seq with a newer asOf → the pipeline is alive:
 * liveness time and 数据截至 move, the snapshot object does not (no panel renders). Anything else
 * (an older beat, one replayed after a recovery, an equal asOf) proves nothing and changes nothing. */
function applyBeat(state: WallState, beat: Heartbeat, at: number): WallState {
  if (state.replayed || state.snapshot === null || beat.region !== state.snapshot.region.code) return state;
  if (beat.seq > state.seq) return state.needsResync ? state : { ...state, needsResync: true };
  if (beat.seq < state.seq) return state;
  if (state.confirmedAsOf !== null && beat.asOf <= state.confirmedAsOf) return state;
  return { ...state, lastDataAt: at, confirmedAsOf: beat.asOf };
}

export function reduce(state: WallState, m: WallMessage): WallState {
  switch (m.kind) {
    case 'snapshot': {
      if (state.replaying) return state;
      const snap = m.msg.snapshot;
      if (snap.region.code !== state.region) return state; // a late answer for a region we left
      return {
        ...state,
        snapshot: snap,
        seq: m.msg.seq,
        ticker: mergeTicker(snap.ticker, []),
        tickerBaseTs: snap.ticker.reduce((m, t) => Math.max(m, t.ts), 0),
        lastDataAt: m.at,
        confirmedAsOf: snap.asOf,
        needsResync: false,
        error: null,
        replayed: false,
      };
    }
    case 'replayed': {
      const snap = m.msg.snapshot;
      // lastDataAt stays null: a replayed picture is never live, whatever its age
      return {
        ...state,
        region: snap.region.code,
        snapshot: snap,
        seq: 0,
        ticker: snap.ticker,
        tickerBaseTs: snap.ticker.reduce((m, t) => Math.max(m, t.ts), 0),
        lastDataAt: null,
        confirmedAsOf: snap.asOf,
        needsResync: false,
        error: null,
        replayed: true,
      };
    }
    case 'frame':
      return state.replaying ? state : applyFrame(state, m.frame, m.at);
    case 'beat':
      return state.replaying ? state : applyBeat(state, m.beat, m.at);
    case 'replay':
      if (m.on === state.replaying) return state;
      // leaving: the picture held is a replayed one; the transport asks for the live snapshot
      // (a reconnection meanwhile asks without a seq: handshakeAuth)
      return m.on
        ? { ...state, replaying: true, needsResync: false }
        : { ...state, replaying: false, needsResync: state.replayed && state.connected };
    case 'connected':
      return { ...state, connected: true };
    case 'disconnected':
      return { ...state, connected: false };
    case 'error':
      // `unavailable` refuses nothing the wall asked: what it shows stays (stale, as no data
      // comes) and the transport connects again after the hint
      return { ...state, error: m.error };
    case 'region':
      // keep the old picture until the new region's snapshot arrives: never blank
      return { ...state, region: m.region, needsResync: false, error: null };
    case 'resyncRequested':
      return { ...state, needsResync: false };
    default:
      return assertNever(m);
  }
}

/** A refusal of what the wall asked (scope, token, region): not to be asked again as is. An
 * `unavailable` error is the server's trouble of the moment: retry, keep the region. */
export function isRefusal(error: ScreenError | null): boolean {
  return error !== null && error.reason !== 'unavailable';
}

export function reduceAll(state: WallState, messages: readonly WallMessage[]): WallState {
  let s = state;
  for (const m of messages) s = reduce(s, m);
  return s;
}

/** live = connected, showing the asked region, and the last snapshot, frame or newer heartbeat
 * received no more than 3 frame intervals ago (the server sends one of them every interval) */
export function isLive(
  state: Pick<WallState, 'snapshot' | 'connected' | 'lastDataAt' | 'region'>,
  now: number,
  frameIntervalMs = DEFAULT_FRAME_INTERVAL_MS,
): boolean {
  if (!state.connected || state.snapshot === null || state.lastDataAt === null) return false;
  if (state.snapshot.region.code !== state.region) return false;
  return now - state.lastDataAt <= STALE_AFTER_FRAMES * frameIntervalMs;
}
