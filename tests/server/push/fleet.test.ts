// Two real server processes on one Redis behind a plain TCP balancer (no stickiness): a
// region's frames are built once for the fleet and reach the walls of both processes with the
// same seq; a wall that drops comes back — to the other process — with the frames it missed
// (connection state recovery), not a snapshot; when the builder is killed the other process
// takes the region over, seq continuing, and the killed process's walls catch up from the seq
// they hold. WebSocket only: long-polling is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, serverProcess, type ServerProc } from '../../e2e/harness.ts';
import { startBalancer, type Balancer } from '../lib/tcp-balancer.ts';
import { ROSTER } from '../lib/fixtures.ts';
import { dropPrefix, privatePrefix, REDIS_TEST_URL, REQUIRE_REDIS, redisReachable } from '../lib/redis.ts';
import { connectWall, sleep, until, type Wall } from '../lib/walls.ts';

const reachable = await redisReachable();
if (!reachable && !REQUIRE_REDIS) {
  console.warn(`\n*** SKIPPING tests/server/push/fleet.test.ts: Redis at ${REDIS_TEST_URL} is unreachable ***\n`);
}

const INTERVAL = 200;
const CITY = '610100';

/** every frame, beat and snapshot a wall received, in order, with its local receive time */
function timeline(w: Wall): { at: number; kind: string; seq: number }[] {
  const out: { at: number; kind: string; seq: number }[] = [];
  w.socket.on('frame', (f) => out.push({ at: Date.now(), kind: 'frame', seq: f.seq }));
  w.socket.on('beat', (b) => out.push({ at: Date.now(), kind: 'beat', seq: b.seq }));
  w.socket.on('snapshot', (s) => out.push({ at: Date.now(), kind: 'snapshot', seq: s.seq }));
  return out;
}

/** The seq a wall holds: its last snapshot, advanced by each contiguous frame after it. */
function heldSeq(w: Wall): number {
  let seq = w.snapshots.at(-1)?.seq ?? -1;
  for (const f of w.frames) if (f.seq === seq + 1) seq = f.seq;
  return seq;
}

/** Frames arrive in seq order with no gap after the first snapshot (no resync was needed). */
function contiguous(w: Wall): boolean {
  let seq = w.snapshots[0]!.seq;
  for (const f of w.frames) {
    if (f.seq <= seq) continue;
    if (f.seq !== seq + 1) return false;
    seq = f.seq;
  }
  return true;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

describe.skipIf(!reachable && !REQUIRE_REDIS)('a fleet of two processes on one Redis', () => {
  const prefix = privatePrefix('fleet');
  const env = { REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: prefix, FRAME_INTERVAL_MS: String(INTERVAL) };
  let a: ServerProc;
  let b: ServerProc;
  let lb: Balancer;
  const walls: Wall[] = [];
  let n = 0;
  const study = (member: string) => ({
    id: `f${n++}-${prefix}`,
    type: 'study.completed',
    ts: Date.now() - 1000,
    org: 'b1',
    member,
    course: 'c',
    minutes: 10,
  });
  const ingest = async (p: ServerProc, count = 1) =>
    postJson(
      `${p.url}/api/v1/events`,
      Array.from({ length: count }, () => study(`m${n}`)),
    );
  const wall = (url: string, opts: { reconnect?: boolean } = {}): Wall => {
    let w: Wall | undefined = undefined;
    w = connectWall(url, () => (w && heldSeq(w) >= 0 ? { region: CITY, seq: heldSeq(w) } : { region: CITY }), opts);
    walls.push(w);
    return w;
  };

  beforeAll(async () => {
    expect(reachable, `Redis at ${REDIS_TEST_URL} is unreachable and REQUIRE_REDIS=1`).toBe(true);
    [a, b] = await Promise.all([serverProcess('server/server.ts', env), serverProcess('server/server.ts', env)]);
    await postJson(`${a.url}/api/v1/roster`, ROSTER, 'PUT');
    // the other process picks the roster up by polling
    await sleep(2500);
    lb = await startBalancer([a.port, b.port]);
  }, 90_000);

  afterAll(async () => {
    for (const w of walls) w.socket.disconnect();
    await lb?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await dropPrefix(prefix);
  });

  it('long-polling is refused: walls use WebSocket only', async () => {
    const r = await fetch(`${a.url}/socket.io/?EIO=4&transport=polling`);
    expect(r.status).toBe(400);
  });

  it("a region's frames are built once for the fleet: one seq on both processes, one build per interval", async () => {
    const wa = wall(a.url);
    const wb = wall(b.url);
    await until(() => wa.snapshots.length === 1 && wb.snapshots.length === 1, 10_000, 'snapshots');
    // both processes serve the same state at the same seq
    await until(() => heldSeq(wa) === heldSeq(wb), 5000, 'same seq on both processes');
    const intervalsBefore =
      (await metric(a.url, 'zhdj_region_intervals_total')) + (await metric(b.url, 'zhdj_region_intervals_total'));
    const t0 = Date.now();
    await ingest(b, 3);
    await until(() => wa.frames.length > 0 && wb.frames.length > 0, 10_000, 'a frame on both processes');
    const fa = wa.frames[0]!;
    const fb = wb.frames.find((f) => f.seq === fa.seq);
    expect(fb, 'the same frame (same seq) on the other process').toBeDefined();
    expect(fb!.patch).toEqual(fa.patch);
    // a quiet interval: heartbeats with the region's seq on both
    const beatsA = wa.beats.length;
    const beatsB = wb.beats.length;
    await until(() => wa.beats.length > beatsA + 3 && wb.beats.length > beatsB + 3, 10_000, 'heartbeats on both');
    expect(wa.beats.at(-1)!.seq).toBe(heldSeq(wa));
    expect(wb.beats.at(-1)!.seq).toBe(heldSeq(wb));
    expect(wa.beats.at(-1)!.region).toBe(CITY);
    expect(JSON.stringify(wa.beats.at(-1)).length).toBeLessThan(80);
    await sleep(3000);
    const elapsed = Date.now() - t0;
    const built =
      (await metric(a.url, 'zhdj_region_intervals_total')) +
      (await metric(b.url, 'zhdj_region_intervals_total')) -
      intervalsBefore;
    // one region with walls on both processes: built once per interval, not once per process
    expect(built).toBeGreaterThan(0);
    expect(built / (elapsed / INTERVAL)).toBeLessThan(1.3);
    expect(contiguous(wa) && contiguous(wb)).toBe(true);
  }, 40_000);

  it('a wall that drops comes back through the balancer to the other process with the frames it missed', async () => {
    const w = wall(lb.url, { reconnect: true });
    // a heartbeat gives the wall a recovery offset (a snapshot is sent to it alone, without one)
    await until(() => w.snapshots.length === 1 && w.beats.length > 0, 10_000, 'snapshot and a heartbeat');
    const seqBefore = heldSeq(w);
    const before = new Map(lb.counts);
    // drop the connection (like a network blip), and make a frame while it is away
    w.socket.io.reconnectionDelay(800);
    w.socket.io.engine.close();
    await ingest(a, 2);
    await until(() => w.socket.connected, 10_000, 'reconnected');
    await until(() => heldSeq(w) > seqBefore, 10_000, 'the missed frame');
    const moved = [...lb.counts].filter(([port, c]) => c > (before.get(port) ?? 0)).map(([port]) => port);
    expect(moved, 'the balancer sent the reconnection to one backend').toHaveLength(1);
    expect(w.socket.recovered, 'Socket.IO connection state recovery').toBe(true);
    expect(w.snapshots, 'no new snapshot').toHaveLength(1);
    expect(contiguous(w)).toBe(true);
  }, 30_000);

  it('the builder killed: the other process takes over, seq continuing; its walls catch up without a snapshot', async () => {
    // which process builds the city now
    const ia = await metric(a.url, 'zhdj_region_intervals_total');
    const ib = await metric(b.url, 'zhdj_region_intervals_total');
    await sleep(1000);
    const builderIsA =
      (await metric(a.url, 'zhdj_region_intervals_total')) - ia >
      (await metric(b.url, 'zhdj_region_intervals_total')) - ib;
    const [builder, survivor] = builderIsA ? [a, b] : [b, a];
    lb.backends = [builder.port];
    const onBuilder = wall(lb.url, { reconnect: true });
    const onSurvivor = wall(survivor.url);
    const seen = timeline(onSurvivor);
    await until(() => onBuilder.snapshots.length === 1 && onSurvivor.snapshots.length === 1, 10_000, 'snapshots');
    await sleep(1000);
    lb.backends = [survivor.port];
    const killedAt = Date.now();
    await builder.kill();
    await ingest(survivor, 2);
    await until(() => onBuilder.socket.connected && heldSeq(onBuilder) === heldSeq(onSurvivor), 15_000, 'caught up');
    await sleep(2000);
    const after = seen.filter((e) => e.at >= killedAt);
    expect(after.length, 'messages after the kill').toBeGreaterThan(0);
    // the longest silence a wall of the surviving process saw across the takeover
    let last = killedAt;
    let gap = 0;
    for (const e of after) {
      gap = Math.max(gap, e.at - last);
      last = e.at;
    }
    console.log(`fleet: takeover after SIGKILL of the builder: longest silence on a survivor's wall ${gap} ms`);
    expect(gap, 'the other process took the region over within 3 s').toBeLessThan(3000);
    expect(onSurvivor.snapshots, 'the survivor wall needed no snapshot').toHaveLength(1);
    expect(contiguous(onSurvivor), 'seq continued across the takeover').toBe(true);
    expect(onBuilder.snapshots, "the killed process's wall caught up from its seq").toHaveLength(1);
    expect(contiguous(onBuilder)).toBe(true);
  }, 60_000);
});
