// Closing while Redis is frozen (SIGSTOP), with a wall connected: the shutdown drops the wall's
// transport, and the Socket.IO Redis Streams adapter stores its recovery session (SET) on its
// own client, a command it never awaits. Unanswered, that SET is still queued when close ends
// the client, which rejects it "Connection is closed." — the rejection is handled (logged by
// the socket plugin), not an unhandled rejection (one ends the process under close-with-grace).
// The same happens after a Redis restart the adapter's client has not reconnected to yet
// (faults/redis-kill.test.ts, where it was found).
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../lib/app.ts';
import { ROSTER } from '../lib/fixtures.ts';
import { REQUIRE_REDIS } from '../lib/redis.ts';
import { connectWall, sleep, until, type Wall } from '../lib/walls.ts';
import { haveRedisServer, PrivateRedis } from '../store/redis-server.ts';

const ok = haveRedisServer();
if (!ok && !REQUIRE_REDIS)
  console.warn('\n*** SKIPPING tests/server/faults/redis-frozen-at-close.test.ts: no redis-server ***\n');

describe.skipIf(!ok && !REQUIRE_REDIS)('closing while Redis is frozen', () => {
  let redis: PrivateRedis | undefined;
  let t: TestApp | undefined;
  let wall: Wall | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    wall?.socket.disconnect();
    if (redis?.proc?.pid) process.kill(redis.proc.pid, 'SIGCONT');
    await redis?.stop();
  });

  it("the adapter's session write still queued at close fails handled, not as an unhandled rejection", async () => {
    redis = await PrivateRedis.start([]);
    t = await buildTestApp({ REDIS_URL: redis.url, FRAME_INTERVAL_MS: '200', REDIS_COMMAND_TIMEOUT_MS: '300' });
    await t.listen();
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/roster', payload: ROSTER })).statusCode).toBe(200);
    wall = connectWall(t.url, { region: '610113' });
    await until(() => wall!.snapshots.length === 1 && wall!.beats.length > 0, 10_000, 'snapshot and heartbeats');

    const warn = vi.spyOn(t.app.log, 'warn');
    const sessionWriteFailed = () =>
      warn.mock.calls.some(([o]) => (o as { command?: string } | undefined)?.command === 'set');
    process.on('unhandledRejection', onUnhandled);
    process.kill(redis.proc!.pid!, 'SIGSTOP');
    await t.close();
    // the adapter's client is ended on close: its socket, to a Redis that answers nothing, is
    // destroyed after ioredis' disconnect timeout, and what it still held is rejected then
    await until(() => sessionWriteFailed() || unhandled.length > 0, 10_000, "the adapter's session write rejected");
    await sleep(100);
    expect(
      unhandled.map((e) => String(e)),
      'unhandled rejections',
    ).toEqual([]);
    expect(sessionWriteFailed(), 'the failed session write logged').toBe(true);
  }, 30_000);
});
