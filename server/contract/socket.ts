// Socket.IO `/screen` namespace events, typed on both ends (SPEC section 6).
import type { Frame, SnapshotMessage } from './snapshot.ts';

export const SCREEN_NAMESPACE = '/screen';

export interface ScreenAuth {
  region: string;
  token?: string;
}

export interface ScreenError {
  reason: 'unknown_region' | 'out_of_scope' | 'unauthorized' | 'bad_request';
  message: string;
}

export interface ServerToScreen {
  snapshot: (msg: SnapshotMessage) => void;
  frame: (frame: Frame) => void;
  error: (err: ScreenError) => void;
}

export interface ScreenToServer {
  resync: () => void;
}
