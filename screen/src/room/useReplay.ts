// A room's replay on the wall (issue 11): while the room replays, the wall's live messages are
// set aside (the store's `replaying`) and this hook shows the recorded picture of the replayed instant — the
// server's periodic snapshot series (GET /api/v1/replay/snapshot), fetched when the replayed
// time enters the next record, when the presenter seeks or changes speed, or the region changes.
import { useEffect, useRef, useState } from 'react';
import { replayTimeAt, type RoomReplay } from '../../../server/contract/control.ts';
import type { Snapshot } from '../../../server/contract/index.ts';
import { dispatch } from '../state/store.ts';

/** the server records a picture this often (REPLAY_RECORD_INTERVAL_MS's default; /api/v1/config says) */
export const REPLAY_RECORD_MS = 60_000;
const POLL_MS = 100;

export interface ReplaySnapshotAnswer {
  region: string;
  at: number;
  snapshot: Snapshot;
}

export type ReplayNote = null | 'loading' | 'none' | 'error';

/** which record a replayed instant needs: a new key means a fetch */
export function replayKey(region: string, replay: RoomReplay, at: number, recordMs = REPLAY_RECORD_MS): string {
  return `${region}|${replay.anchorAt}|${Math.floor(at / recordMs)}`;
}

export function useReplay(
  replay: RoomReplay | null,
  region: string,
  token: string | undefined,
  recordMs = REPLAY_RECORD_MS,
): ReplayNote {
  const [note, setNote] = useState<ReplayNote>(null);
  const held = useRef<{ key: string; inFlight: boolean }>({ key: '', inFlight: false });
  useEffect(() => {
    if (replay === null) {
      held.current = { key: '', inFlight: false };
      setNote(null);
      return;
    }
    let closed = false;
    const ctl = new AbortController();
    const tick = () => {
      const at = replayTimeAt(replay, Date.now());
      const key = replayKey(region, replay, at, recordMs);
      if (held.current.inFlight || key === held.current.key) return;
      held.current = { key, inFlight: true };
      const headers: Record<string, string> = {};
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      const url = `/api/v1/replay/snapshot?region=${encodeURIComponent(region)}&at=${Math.floor(at)}`;
      fetch(url, { headers, signal: ctl.signal })
        .then(async (res) => {
          if (closed) return;
          if (res.status === 404) return setNote('none');
          if (!res.ok) throw new Error(`replay snapshot ${res.status}`);
          const body = (await res.json()) as ReplaySnapshotAnswer;
          if (closed) return;
          dispatch({ kind: 'replayed', msg: { seq: 0, snapshot: body.snapshot }, at: Date.now() });
          setNote(null);
        })
        .catch(() => {
          if (closed) return;
          held.current.key = ''; // try again on the next poll
          setNote('error');
        })
        .finally(() => {
          held.current.inFlight = false;
        });
    };
    setNote((n) => n ?? 'loading');
    tick();
    const id = setInterval(tick, POLL_MS);
    return () => {
      closed = true;
      clearInterval(id);
      ctl.abort();
      held.current = { key: '', inFlight: false };
    };
  }, [replay, region, token, recordMs]);
  return note;
}
