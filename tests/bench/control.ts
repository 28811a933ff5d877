// npm run bench:control -- [--walls 20] [--commands 200] [--processes 2] [--gap-ms 100]
// Tap → applied on every wall of a room: a private redis-server, `--processes` servers on it
// (npm run server, child processes), `--walls` walls joined to one room through the wall's own
// room client (screen/src/room/client.ts, socket.io-client; a wall acknowledges each room
// version as it commits it) spread over the servers, and a presenter's socket on the first
// server. Each command's figure: from the tap (the command sent) to the last wall's
// acknowledgement of the version it made, as the presenter's page receives them. Prints the
// percentiles; the last line is one JSON object.
import { performance } from 'node:perf_hooks';
import type { ControlCommand } from '../../server/contract/control.ts';
import { connectRoom, type RoomClient } from '../../screen/src/room/client.ts';
import { connectControl } from './lib/control-client.ts';
import { startRedisChild, startServerChild, type Child } from './lib/server.ts';
import { arg, percentile, round } from './lib/stats.ts';

const wallCount = Number(arg('walls', '20'));
const commands = Number(arg('commands', '200'));
const processes = Math.max(1, Number(arg('processes', '2')));
const gapMs = Number(arg('gap-ms', '100'));
const ROOM = 'bench-hall';
const OPERATOR = 'bench-operator-token-0123456789';
const SCREEN = 'bench-screen-token-0123456789';
const COUNTIES = ['610102', '610103', '610104', '610111', '610112', '610113', '610114', '610115', '610116'];
const log = (msg: string) => process.stderr.write(`${msg}\n`);

const children: Child[] = [];
const walls: RoomClient[] = [];
try {
  const redis = await startRedisChild();
  children.push(redis);
  const env = {
    REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    OPERATOR_TOKENS: `${OPERATOR}:bench-presenter:610100`,
    SCREEN_TOKENS: `${SCREEN}:610100`,
  };
  const servers = await Promise.all(Array.from({ length: processes }, (_, i) => startServerChild(env, `server ${i}`)));
  children.push(...servers);
  log(`${processes} server(s) on one Redis; ${wallCount} walls in room ${ROOM}`);

  /** v → walls that acknowledged it */
  const acked = new Map<number, Set<string>>();
  const done = new Map<number, () => void>();
  let joined = 0;
  const allJoined = new Promise<void>((resolve) => {
    for (let i = 0; i < wallCount; i++) {
      const wallId = `bench-wall-${i}`;
      let first = true;
      const c: RoomClient = connectRoom({
        origin: servers[i % servers.length]!.url,
        room: ROOM,
        wallId,
        token: SCREEN,
        // a wall's commit: the state received is the state on screen (no DOM here)
        onState: (s) => {
          c.applied(s.v);
          if (first) {
            first = false;
            if (++joined === wallCount) resolve();
          }
        },
      });
      walls.push(c);
    }
  });
  await allJoined;

  const control = await connectControl(servers[0]!.url, ROOM, OPERATOR);
  control.onApplied(({ wallId, v }) => {
    let set = acked.get(v);
    if (!set) acked.set(v, (set = new Set()));
    set.add(wallId);
    if (set.size === wallCount) done.get(v)?.();
  });
  await control.takeControl();

  const ms: number[] = [];
  for (let i = 0; i < commands; i++) {
    const cmd: ControlCommand =
      i % 3 === 2
        ? { type: 'theme', theme: (['study', 'floating', 'transfers'] as const)[i % 3]! }
        : { type: 'region', region: COUNTIES[i % COUNTIES.length]! };
    const t0 = performance.now();
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => (resolveAll = r));
    const r = await control.command(cmd);
    if (!r.ok) throw new Error(`command refused: ${r.reason} ${r.message}`);
    // acknowledgements may have come before the command's own ack
    if ((acked.get(r.v)?.size ?? 0) === wallCount) resolveAll();
    else done.set(r.v, resolveAll);
    const timeout = new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 5000));
    if ((await Promise.race([all, timeout])) === 'timeout')
      throw new Error(`v ${r.v}: ${acked.get(r.v)?.size ?? 0} of ${wallCount} walls applied in 5 s`);
    ms.push(performance.now() - t0);
    done.delete(r.v);
    await new Promise((res) => setTimeout(res, gapMs));
  }
  control.close();
  ms.sort((a, b) => a - b);
  const result = {
    walls: wallCount,
    processes,
    commands,
    tapToAppliedP50Ms: round(percentile(ms, 50)),
    tapToAppliedP95Ms: round(percentile(ms, 95)),
    tapToAppliedP99Ms: round(percentile(ms, 99)),
    tapToAppliedMaxMs: round(ms[ms.length - 1] ?? Number.NaN),
  };
  log(
    `tap → last of ${wallCount} walls applied: p50 ${result.tapToAppliedP50Ms} ms, p95 ${result.tapToAppliedP95Ms} ms, ` +
      `p99 ${result.tapToAppliedP99Ms} ms, max ${result.tapToAppliedMaxMs} ms (${commands} commands)`,
  );
  console.log(JSON.stringify(result));
} finally {
  for (const w of walls) w.close();
  for (const c of children.reverse()) await c.stop().catch(() => undefined);
}
