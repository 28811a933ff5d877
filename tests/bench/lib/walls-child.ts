// A process holding many walls (socket.io-client) for bench:push. Parent ↔ child over IPC:
// child sends {ready, snapshotBytes}, parent sends 'stop', child answers {results}.
import { io, type Socket } from 'socket.io-client';
import type { Frame, ScreenToServer, ServerToScreen, SnapshotMessage } from '../../../server/contract/index.ts';

export interface WallResult {
  region: string;
  /** [asOf, arrival epoch ms] per frame, in arrival order */
  frames: [asOf: number, arrivedMs: number][];
  seqGaps: number;
}
export type ChildMessage =
  | { kind: 'ready'; snapshotBytes: number; connected: number }
  | { kind: 'results'; walls: WallResult[]; deltaBytes: number[]; errors: string[] };

const [url, regionsArg, countArg, token] = process.argv.slice(2);
const regions = (regionsArg ?? '610100').split(',');
const count = Number(countArg ?? '1');
const CONNECT_BATCH = 25;

const walls: WallResult[] = [];
const sockets: Socket<ServerToScreen, ScreenToServer>[] = [];
const deltaBytes: number[] = [];
const errors: string[] = [];
let snapshotBytes = 0;
let snapshots = 0;

function connect(i: number): void {
  const region = regions[i % regions.length]!;
  const result: WallResult = { region, frames: [], seqGaps: 0 };
  walls.push(result);
  const socket: Socket<ServerToScreen, ScreenToServer> = io(`${url}/screen`, {
    auth: token ? { region, token } : { region },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  let seq = -1;
  socket.on('snapshot', (m: SnapshotMessage) => {
    if (i === 0) snapshotBytes = Buffer.byteLength(JSON.stringify(m));
    seq = m.seq;
    snapshots += 1;
  });
  socket.on('frame', (f: Frame) => {
    result.frames.push([f.asOf, Date.now()]);
    if (f.seq !== seq + 1) result.seqGaps += 1;
    seq = f.seq;
    // every wall of a region gets the same frame: measure it once, on the wall whose
    // snapshot is measured (the first region's), so that the ratio compares like with like
    if (i === 0) deltaBytes.push(Buffer.byteLength(JSON.stringify(f)));
  });
  socket.on('error', (e) => errors.push(`${e.reason}: ${e.message}`));
  socket.on('connect_error', (e) => errors.push(`connect_error: ${e.message}`));
}

async function main(): Promise<void> {
  for (let i = 0; i < count; i += CONNECT_BATCH) {
    for (let j = i; j < Math.min(count, i + CONNECT_BATCH); j++) connect(j);
    await new Promise((r) => setTimeout(r, 20));
  }
  const start = Date.now();
  while (snapshots < count && Date.now() - start < 60_000) await new Promise((r) => setTimeout(r, 50));
  process.send!({ kind: 'ready', snapshotBytes, connected: snapshots } satisfies ChildMessage);
}

process.on('message', (msg) => {
  if (msg !== 'stop') return;
  for (const s of sockets) s.disconnect();
  process.send!({ kind: 'results', walls, deltaBytes, errors: errors.slice(0, 20) } satisfies ChildMessage, () =>
    process.exit(0),
  );
});

void main();
