// The wall's side of a room (issue 11): the room's state in a zustand store (overlays read it
// without rendering the wall), the acknowledgement of each committed version, and the wall's
// status for the control page's mirror (on a change, every WALL_STATUS_EVERY_MS, when asked).
import { useEffect, useRef } from 'react';
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { WALL_STATUS_EVERY_MS, type RoomState } from '../../../server/contract/control.ts';
import { tabStorage } from '../params.ts';
import { connectRoom, wallIdFor, type RoomClient, type WallRoomStatus } from './client.ts';

export interface RoomLinkState {
  state: RoomState | null;
  /** linked to the room now (a wall that lost its room keeps the last picture, marked) */
  connected: boolean;
  error: string | null;
}

export const roomStore = createStore<RoomLinkState>(() => ({ state: null, connected: false, error: null }));

export function useRoomLink<T>(selector: (s: RoomLinkState) => T): T {
  return useStore(roomStore, selector);
}

/** Joins `room` (null: none) for the life of the page; returns the state to follow. */
export function useRoom(
  room: string | null,
  token: string | undefined,
  status: () => WallRoomStatus,
): { state: RoomState | null; client: RoomClient | null } {
  const state = useRoomLink((s) => s.state);
  const client = useRef<RoomClient | null>(null);
  const statusRef = useRef(status);
  statusRef.current = status;

  useEffect(() => {
    if (room === null) return;
    const c = connectRoom({
      room,
      wallId: wallIdFor(tabStorage()),
      token,
      // another process's broadcast of an older version may arrive after a newer one: never go back
      onState: (s) => {
        const held = roomStore.getState().state;
        if (held && held.room === s.room && held.v > s.v) return;
        roomStore.setState({ state: s, error: null });
      },
      onConnection: (connected) => {
        roomStore.setState({ connected });
        if (connected) c.status(statusRef.current());
      },
      onReport: () => c.status(statusRef.current()),
      onError: (e) => roomStore.setState({ error: e.message }),
    });
    client.current = c;
    const id = setInterval(() => c.status(statusRef.current()), WALL_STATUS_EVERY_MS);
    return () => {
      clearInterval(id);
      c.close();
      client.current = null;
      roomStore.setState({ state: null, connected: false, error: null });
    };
  }, [room, token]);

  // the version on screen: acknowledged once React committed it (an effect runs after the commit)
  const v = state?.v;
  useEffect(() => {
    if (v !== undefined) client.current?.applied(v);
  }, [v]);

  return { state, client: client.current };
}

/** sends the wall's status when what it shows changes (the key), besides the periodic one */
export function useStatusOnChange(client: RoomClient | null, key: string, status: () => WallRoomStatus): void {
  useEffect(() => {
    client?.status(status());
    // status() reads the latest values; the key says when they changed
  }, [client, key]);
}
