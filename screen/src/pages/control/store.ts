// The control page's state (issue 11): the room as the server last sent it, the walls of the room
// by their reports, who this page is. The reducers are pure (state, message) → state, tested
// without a DOM; the zustand store only holds their result. A wall silent for
// WALL_SILENT_MS is forgotten (its `wallGone` may have been lost with a dropped connection).
import { create } from 'zustand';
import { WALL_STATUS_EVERY_MS, type RoomState, type WallStatus } from '../../../../server/contract/control.ts';

export const WALL_SILENT_MS = 3 * WALL_STATUS_EVERY_MS;

/** connecting: no answer yet; live: connected and the room received on this connection */
export type ControlStatus = 'connecting' | 'live' | 'disconnected' | 'unauthorized';

export interface ControlSession {
  id: string;
  name: string;
  via: 'operator' | 'pairing';
  expiresAt: number | null;
}

export interface WallEntry extends WallStatus {
  /** when this page last heard of the wall (its report or its ack), local clock */
  heardAt: number;
  /** the last acknowledgement: version and the server's receipt time */
  appliedV: number;
  appliedAt: number | null;
}

export interface ControlState {
  status: ControlStatus;
  error: { reason: string; message: string } | null;
  room: RoomState | null;
  walls: Record<string, WallEntry>;
  session: ControlSession | null;
}

export const INITIAL: ControlState = { status: 'connecting', error: null, room: null, walls: {}, session: null };

export function onRoom(s: ControlState, room: RoomState): ControlState {
  // an older version arriving late (another process's broadcast) never rolls the mirror back
  if (s.room && s.room.room === room.room && room.v < s.room.v) return { ...s, status: 'live' };
  return { ...s, room, status: 'live', error: null };
}

export function onWall(s: ControlState, w: WallStatus, now: number): ControlState {
  const prev = s.walls[w.wallId];
  const entry: WallEntry = {
    ...w,
    heardAt: now,
    appliedV: Math.max(prev?.appliedV ?? 0, w.v),
    appliedAt: prev?.appliedAt ?? null,
  };
  return { ...s, walls: { ...s.walls, [w.wallId]: entry } };
}

export function onWallGone(s: ControlState, wallId: string): ControlState {
  if (!(wallId in s.walls)) return s;
  const walls = { ...s.walls };
  delete walls[wallId];
  return { ...s, walls };
}

/** a wall committed version v: known walls only (its status names its region, size, …) */
export function onApplied(s: ControlState, msg: { wallId: string; v: number; receivedAt: number }, now: number) {
  const w = s.walls[msg.wallId];
  if (!w) return s;
  if (msg.v < w.appliedV) return { ...s, walls: { ...s.walls, [msg.wallId]: { ...w, heardAt: now } } };
  return {
    ...s,
    walls: { ...s.walls, [msg.wallId]: { ...w, appliedV: msg.v, appliedAt: msg.receivedAt, heardAt: now } },
  };
}

/** forget the walls silent WALL_SILENT_MS or longer */
export function pruneWalls(s: ControlState, now: number): ControlState {
  const stale = Object.values(s.walls).filter((w) => now - w.heardAt >= WALL_SILENT_MS);
  if (stale.length === 0) return s;
  const walls = { ...s.walls };
  for (const w of stale) delete walls[w.wallId];
  return { ...s, walls };
}

export function onSession(s: ControlState, session: ControlSession): ControlState {
  return { ...s, session };
}

/** the walls, stable order: by id */
export function wallList(s: ControlState): WallEntry[] {
  return Object.values(s.walls).sort((a, b) => a.wallId.localeCompare(b.wallId));
}

/** this page drives the room now */
export function inControl(s: Pick<ControlState, 'room' | 'session'>): boolean {
  return s.room?.controller != null && s.session !== null && s.room.controller.id === s.session.id;
}

export interface ControlStore extends ControlState {
  set: (f: (s: ControlState) => ControlState) => void;
  reset: () => void;
}

export const useControlStore = create<ControlStore>((set) => ({
  ...INITIAL,
  set: (f) => set((s) => f(s)),
  reset: () => set(INITIAL),
}));
