// Socket.IO `/screen` namespace events, typed on both ends (SPEC section 6).
import type { Frame, SnapshotMessage } from './snapshot.ts';

export const SCREEN_NAMESPACE = '/screen';

export interface ScreenAuth {
  region: string;
  token?: string;
  /** the seq of this region's state the wall already holds (a reconnecting wall): the server
   * then sends the frames after it when it still has them all (about 2 minutes), not a snapshot */
  seq?: number;
}

/** What a region's room gets in an interval with no frame: the pipeline is alive. `seq` is
 * the region's current seq (a wall behind it missed a frame: resync); `asOf` the instant the
 * server last read the store and found the region's state current. ~60 bytes on the wire. */
export interface Heartbeat {
  region: string;
  seq: number;
  asOf: number;
}

/** Why a wall was refused, then disconnected. `unavailable` is the server's side (the store or
 * the fleet's Redis cannot be read now): the wall keeps what it shows, stale, and connects
 * again after `retryAfterMs`; the others are about the wall's own request. */
export interface ScreenError {
  reason: 'unknown_region' | 'out_of_scope' | 'unauthorized' | 'bad_request' | 'unavailable';
  message: string;
  /** with `unavailable`: when to try again, ms */
  retryAfterMs?: number;
}

export interface ServerToScreen {
  snapshot: (msg: SnapshotMessage) => void;
  frame: (frame: Frame) => void;
  beat: (beat: Heartbeat) => void;
  error: (err: ScreenError) => void;
}

export interface ScreenToServer {
  resync: () => void;
}
