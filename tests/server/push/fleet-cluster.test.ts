// Two real server processes on a real Redis Cluster (3 masters + 3 replicas started here):
// REDIS_CLUSTER_NODES runs the store, the fleet's leases and the Socket.IO Streams adapter on
// ioredis' Cluster client. Events ingested through both processes reach the walls of both with
// one seq; the walls' state equals the snapshot API's; a wall that drops comes back to the other
// process with the frames it missed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFrame } from '../../../server/push/diff.ts';
import type { Snapshot } from '../../../server/contract/index.ts';
import { postJson, serverProcess, type ServerProc } from '../../e2e/harness.ts';
import { ROSTER } from '../lib/fixtures.ts';
import { startBalancer } from '../lib/tcp-balancer.ts';
import { connectWall, sleep, until, type Wall } from '../lib/walls.ts';
import { haveRedisCluster, REQUIRE_REDIS, type PrivateCluster, startClusterOrSkip } from '../store/redis-cluster.ts';

const INTERVAL = 200;
const CITY = '610100';
const can = haveRedisCluster() || REQUIRE_REDIS;

/** The wall's state: its snapshot with every contiguous frame applied. */
function held(w: Wall): { seq: number; snapshot: Snapshot } {
  let { seq, snapshot } = w.snapshots.at(-1)!;
  for (const f of w.frames) {
    if (f.seq !== seq + 1) continue;
    snapshot = applyFrame(snapshot, f);
    seq = f.seq;
  }
  return { seq, snapshot };
}

describe.skipIf(!can)('a fleet of two processes on a Redis Cluster', () => {
  let cluster: PrivateCluster | null;
  let a: ServerProc;
  let b: ServerProc;
  const walls: Wall[] = [];
  let n = 0;
  const study = (member: string, org: string) => ({
    id: `fc${n++}`,
    type: 'study.completed',
    ts: Date.now() - 1000,
    org,
    member,
    course: 'c',
    minutes: 10,
  });

  beforeAll(async () => {
    cluster = await startClusterOrSkip('tests/server/push/fleet-cluster.test.ts');
    if (!cluster) return;
    const env = { REDIS_CLUSTER_NODES: cluster.seeds, REDIS_PREFIX: 'fleetc', FRAME_INTERVAL_MS: String(INTERVAL) };
    [a, b] = await Promise.all([serverProcess('server/server.ts', env), serverProcess('server/server.ts', env)]);
    await postJson(`${a.url}/api/v1/roster`, ROSTER, 'PUT');
    await sleep(2500); // the other process picks the roster up by polling
  }, 120_000);

  afterAll(async () => {
    for (const w of walls) w.socket.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
    await cluster?.stop();
  });

  it('events through both processes: one seq on both walls, their state equals the snapshot API', async () => {
    const wa = connectWall(a.url, { region: CITY });
    const wb = connectWall(b.url, { region: CITY });
    walls.push(wa, wb);
    await until(() => wa.snapshots.length === 1 && wb.snapshots.length === 1, 15_000, 'snapshots');
    for (let i = 0; i < 4; i++) {
      await postJson(`${a.url}/api/v1/events`, [study(`ma${i}`, 'b1')]);
      await postJson(`${b.url}/api/v1/events`, [study(`mb${i}`, 'b2')]);
    }
    const api = async () =>
      ((await (await fetch(`${b.url}/api/v1/snapshot?region=${CITY}`)).json()) as Snapshot).kpi.learnersToday;
    expect(await api()).toBe(8);
    await until(() => held(wa).snapshot.kpi.learnersToday === 8, 15_000, 'wall on a');
    await until(() => held(wb).snapshot.kpi.learnersToday === 8, 15_000, 'wall on b');
    expect(held(wa).seq).toBe(held(wb).seq);
    await until(() => wa.beats.length > 2 && wb.beats.length > 2, 10_000, 'heartbeats on both');
    expect(wa.beats.at(-1)!.seq).toBe(held(wa).seq);
    expect(wb.beats.at(-1)!.seq).toBe(held(wb).seq);
    expect(wa.snapshots).toHaveLength(1);
  }, 60_000);

  it('a wall that drops comes back to the other process with what it missed (recovery on the cluster)', async () => {
    // round robin: the reconnection goes to the other process
    const lb = await startBalancer([a.port, b.port]);
    const w = connectWall(lb.url, { region: '610113' }, { reconnect: true });
    walls.push(w);
    // a heartbeat gives the wall a recovery offset (a snapshot is sent to it alone, without one)
    await until(() => w.snapshots.length === 1 && w.beats.length > 0, 15_000, 'snapshot and a heartbeat');
    const seq0 = w.snapshots[0]!.seq;
    w.socket.io.reconnectionDelay(800);
    w.socket.io.engine.close();
    await postJson(`${b.url}/api/v1/events`, [study('mr1', 'b1')]);
    await until(() => w.socket.connected && w.frames.some((f) => f.seq === seq0 + 1), 15_000, 'the missed frame');
    expect([...lb.counts.values()]).toEqual([1, 1]);
    expect(w.socket.recovered).toBe(true);
    expect(w.snapshots).toHaveLength(1);
    w.socket.disconnect();
    await lb.close();
  }, 40_000);
});
