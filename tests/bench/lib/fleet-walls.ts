// A process holding many walls for bench:fleet (socket.io-client, WebSocket only). Each wall
// reconnects forever as the screen does (screen/src/transport.ts: auth a function returning the
// seq it holds, backoff 500 ms → 5 s) and, unlike the screen, rotates through the fleet's URLs:
// every reconnection attempt goes to the next process in the list. It records what a wall sees:
// connections (which process, recovered or not, what arrived first), every message's arrival,
// seq continuity, and the bytes of the heartbeats on the wire.
// Parent ↔ child over IPC: child sends {ready}, parent sends {stop, from, to}, child answers
// {results}.
import { Manager, type Socket } from 'socket.io-client';
import type {
  Frame,
  Heartbeat,
  ScreenAuth,
  ScreenToServer,
  ServerToScreen,
  SnapshotMessage,
} from '../../../server/contract/index.ts';
import { SCREEN_NAMESPACE } from '../../../server/contract/index.ts';

export interface FleetWallsConfig {
  urls: string[];
  regions: string[];
  /** this child's walls: global indices first, first + step, …  (count of them); wall i joins
   * regions[i % R] on urls[⌊i / R⌋ % N] */
  first: number;
  step: number;
  count: number;
  /** walls with a global index below this connect first, and the rest once they hold a snapshot
   * (one wall per region per process: every region is open on every process before the crowd
   * comes); 0: all at once */
  firstWave: number;
  token: string;
  /** regions whose frames are kept for latency (walls that see every event) */
  latencyRegions: string[];
}

/** One (re)connection of a wall, as the wall saw it. */
export interface Connection {
  url: number;
  at: number;
  /** Socket.IO connection state recovery (socket.recovered) */
  recovered: boolean;
  /** the seq the wall held when it sent its handshake (-1: none) */
  heldSeq: number;
  /** first snapshot, frame or heartbeat on this connection */
  firstMessageAt?: number;
  firstMessage?: 'snapshot' | 'frame' | 'beat';
  /** a snapshot arrived on this connection before any frame or beat (a resync's snapshot later is not counted) */
  snapshot: boolean;
  /** frames on this connection whose seq was not held + 1, and the first one's delay after the connect */
  gaps: number;
  firstGapAfterMs?: number;
  /** frames on this connection at or below the seq held */
  repeats: number;
  endedAt?: number;
  endReason?: string;
}

export interface FleetWallResult {
  region: string;
  connections: Connection[];
  /** arrival of every snapshot, frame and heartbeat (epoch ms) */
  messages: number[];
  /** [asOf, arrival, url index] per frame; only walls of latencyRegions */
  frames: [asOf: number, arrivedMs: number, url: number][];
  /** [seq, asOf] per frame: one seq means one frame across the fleet */
  seqs: [seq: number, asOf: number][];
  /** a frame whose seq is not held + 1 */
  seqGaps: number;
  /** a frame at or below the seq held (a duplicate) */
  seqRepeats: number;
  /** a heartbeat ahead of the seq held (a frame was missed) */
  beatsAhead: number;
  /** arrival of each heartbeat ahead of the seq held */
  beatsAheadAt: number[];
  /** a heartbeat behind the seq held (its sender has an older state than the wall) */
  beatsBehind: number;
  beatsBehindAt: number[];
  resyncs: number;
  /** heartbeats and their bytes (engine.io + Socket.IO text) between `from` and `to` of the stop message */
  beatsInWindow: number;
  beatBytesInWindow: number;
  /** ms connected between `from` and `to` */
  connectedMsInWindow: number;
}

export type FleetChildMessage =
  | { kind: 'ready'; connected: number; snapshotBytes: number }
  | {
      kind: 'results';
      walls: FleetWallResult[];
      errors: string[];
      connectErrors: number;
      connectErrorsByMessage: Record<string, number>;
    };
export interface StopMessage {
  kind: 'stop';
  from: number;
  to: number;
}

const CONNECT_BATCH = 25;
const RECONNECT_DELAY_MS = 500;
const RECONNECT_DELAY_MAX_MS = 5000;
const RESYNC_MIN_GAP_MS = 2000;
/** A heartbeat on the wire: engine.io packet type 4 ("message"), then Socket.IO's text. */
const BEAT_PREFIX = `2${SCREEN_NAMESPACE},["beat",`;

const cfg = JSON.parse(process.argv[2] ?? '{}') as FleetWallsConfig;
const walls: FleetWallResult[] = [];
const beatLog: [at: number, bytes: number][][] = [];
const sockets: Socket<ServerToScreen, ScreenToServer>[] = [];
const errors: string[] = [];
const note = (e: string) => {
  if (errors.length < 50) errors.push(e);
};
/** failed connection attempts (expected while a process is down) */
let connectErrors = 0;
const connectErrorsByMessage: Record<string, number> = {};
let snapshotBytes = 0;
let firstSnapshots = 0;

function connect(i: number): void {
  const R = cfg.regions.length;
  const region = cfg.regions[i % R]!;
  let url = Math.floor(i / R) % cfg.urls.length;
  const result: FleetWallResult = {
    region,
    connections: [],
    messages: [],
    frames: [],
    seqs: [],
    seqGaps: 0,
    seqRepeats: 0,
    beatsAhead: 0,
    beatsAheadAt: [],
    beatsBehind: 0,
    beatsBehindAt: [],
    resyncs: 0,
    beatsInWindow: 0,
    beatBytesInWindow: 0,
    connectedMsInWindow: 0,
  };
  walls.push(result);
  const beats: [number, number][] = [];
  beatLog.push(beats);
  const keepFrames = cfg.latencyRegions.includes(region);
  let seq = -1;
  let lastResyncAt = 0;
  const manager = new Manager(cfg.urls[url], {
    transports: ['websocket'],
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: RECONNECT_DELAY_MS,
    reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
    randomizationFactor: 0.3,
  });
  // every attempt after a drop or a failed attempt goes to the next process
  manager.on('reconnect_attempt', () => {
    url = (url + 1) % cfg.urls.length;
    (manager as unknown as { uri: string }).uri = cfg.urls[url]!;
  });
  manager.on('open', () => {
    manager.engine.on('packet', (p: { type: string; data?: unknown }) => {
      if (p.type === 'message' && typeof p.data === 'string' && p.data.startsWith(BEAT_PREFIX)) {
        beats.push([Date.now(), 1 + Buffer.byteLength(p.data)]);
      }
    });
  });
  const socket: Socket<ServerToScreen, ScreenToServer> = manager.socket(SCREEN_NAMESPACE, {
    auth: (cb) => cb({ region, token: cfg.token, ...(seq >= 0 ? { seq } : {}) } satisfies ScreenAuth),
  });
  sockets.push(socket);
  let current: Connection | undefined;
  const arrived = (kind: 'snapshot' | 'frame' | 'beat'): number => {
    const now = Date.now();
    result.messages.push(now);
    if (current && current.firstMessageAt === undefined) {
      current.firstMessageAt = now;
      current.firstMessage = kind;
      current.snapshot = kind === 'snapshot';
    }
    return now;
  };
  const resync = () => {
    const now = Date.now();
    if (now - lastResyncAt < RESYNC_MIN_GAP_MS || !socket.connected) return;
    lastResyncAt = now;
    result.resyncs += 1;
    socket.emit('resync');
  };
  socket.on('connect', () => {
    current = { url, at: Date.now(), recovered: socket.recovered, heldSeq: seq, snapshot: false, gaps: 0, repeats: 0 };
    result.connections.push(current);
  });
  socket.on('disconnect', (reason) => {
    if (current) {
      current.endedAt = Date.now();
      current.endReason = reason;
    }
    current = undefined;
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), RECONNECT_DELAY_MAX_MS);
  });
  socket.on('snapshot', (m: SnapshotMessage) => {
    arrived('snapshot');
    if (i === cfg.first) snapshotBytes = Buffer.byteLength(JSON.stringify(m));
    if (seq < 0) firstSnapshots += 1;
    seq = m.seq;
  });
  socket.on('frame', (f: Frame) => {
    const now = arrived('frame');
    if (keepFrames) result.frames.push([f.asOf, now, url]);
    result.seqs.push([f.seq, f.asOf]);
    if (f.seq <= seq) {
      result.seqRepeats += 1;
      if (current) current.repeats += 1;
    } else if (f.seq !== seq + 1) {
      result.seqGaps += 1;
      if (current) {
        current.gaps += 1;
        current.firstGapAfterMs ??= now - current.at;
      }
      resync();
    }
    seq = Math.max(seq, f.seq);
  });
  socket.on('beat', (b: Heartbeat) => {
    const now = arrived('beat');
    if (b.seq > seq) {
      result.beatsAhead += 1;
      result.beatsAheadAt.push(now);
      resync();
    } else if (b.seq < seq) {
      result.beatsBehind += 1;
      result.beatsBehindAt.push(now);
    }
  });
  socket.on('error', (e) => note(`${region}: ${e.reason}: ${e.message}`));
  socket.on('connect_error', (e: Error & { data?: unknown }) => {
    connectErrors += 1;
    connectErrorsByMessage[e.message] = (connectErrorsByMessage[e.message] ?? 0) + 1;
    // refused by the server (a middleware), not a process that is down
    if (e.data !== undefined) note(`${region} → ${cfg.urls[url]}: connect_error: ${e.message}`);
  });
}

const until = async (done: () => boolean, ms: number) => {
  const start = Date.now();
  while (!done() && Date.now() - start < ms) await new Promise((r) => setTimeout(r, 50));
};

async function main(): Promise<void> {
  const all = Array.from({ length: cfg.count }, (_, k) => cfg.first + k * cfg.step);
  const waves = [all.filter((i) => i < cfg.firstWave), all.filter((i) => i >= cfg.firstWave)];
  let started = 0;
  for (const wave of waves) {
    for (let k = 0; k < wave.length; k += CONNECT_BATCH) {
      for (const i of wave.slice(k, k + CONNECT_BATCH)) connect(i);
      await new Promise((r) => setTimeout(r, 20));
    }
    started += wave.length;
    await until(() => firstSnapshots >= started, 60_000);
  }
  process.send!({ kind: 'ready', snapshotBytes, connected: firstSnapshots } satisfies FleetChildMessage);
}

process.on('message', (msg: StopMessage) => {
  if (msg.kind !== 'stop') return;
  for (const s of sockets) s.disconnect();
  walls.forEach((w, k) => {
    for (const [at, bytes] of beatLog[k]!) {
      if (at < msg.from || at > msg.to) continue;
      w.beatsInWindow += 1;
      w.beatBytesInWindow += bytes;
    }
    for (const c of w.connections) {
      const from = Math.max(c.at, msg.from);
      const to = Math.min(c.endedAt ?? msg.to, msg.to);
      if (to > from) w.connectedMsInWindow += to - from;
    }
  });
  process.send!(
    { kind: 'results', walls, errors, connectErrors, connectErrorsByMessage } satisfies FleetChildMessage,
    () => process.exit(0),
  );
});

void main();
