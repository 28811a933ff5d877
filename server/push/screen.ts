// Transport for walls: the Socket.IO namespace /screen. Joins, recovery, resyncs and the frame
// clock; what a frame contains is decided by feeds.ts, who builds it by ledger.ts.
import fp from 'fastify-plugin';
import type { Socket } from 'socket.io';
import { actorOf } from '../audit/token.ts';
import type { Config } from '../config.ts';
import { SCREEN_NAMESPACE, type ScreenError } from '../contract/index.ts';
import { UnknownRegionError } from '../contract/errors.ts';
import { StoreUnavailableError } from '../store/types.ts';
import { RegionFeeds } from './feeds.ts';
import { RedisLedger } from './ledger.ts';
import { checkJoin } from './scope.ts';

declare module 'fastify' {
  interface FastifyInstance {
    feeds: RegionFeeds;
  }
}

/** A builder that stops renewing loses its regions this long after its last renewal (renewed
 * every third of an interval: a 1 s interval tolerates a 0.9 s stall of the event loop). A dead
 * builder's regions are taken at the next tick of another process after this: ≤ 2.25 s. */
export const leaseMsOf = (frameIntervalMs: number): number => frameIntervalMs + Math.max(250, frameIntervalMs / 4);

/** Server-side trouble (store or fleet Redis down, frozen, a read failing, a closing feed): the
 * wall is told to retry — after the store's Retry-After when it gave one — and stays stale. */
export function unavailable(message: string, err: unknown): ScreenError {
  const s = err instanceof StoreUnavailableError ? err.retryAfterS : 2;
  return { reason: 'unavailable', message, retryAfterMs: s * 1000 };
}

export default fp<{ config: Config }>(
  async (fastify, { config }) => {
    const nsp = fastify.io.of(SCREEN_NAMESPACE);
    const { metrics } = fastify;
    /** walls per region on this process; only these regions are claimed and built here */
    const walls = new Map<string, number>();
    const interval = config.FRAME_INTERVAL_MS;
    const ledger = fastify.fleet
      ? new RedisLedger({
          redis: fastify.fleet.redis,
          prefix: config.REDIS_PREFIX,
          id: fastify.fleet.id,
          frameIntervalMs: interval,
          leaseMs: leaseMsOf(interval),
        })
      : undefined;
    const feeds = new RegionFeeds({
      // the store's and the alert panels' versions both only increase: their sum moves when
      // either does, so an acknowledgement rebuilds the walls' frames at the next tick (an
      // evaluation that changed only the evaluation times does not)
      version: async () => (await fastify.store.version()) + fastify.alerts.wallVersion,
      views: fastify.views,
      ledger,
      // above any seq handed out before, by this process or one before it
      firstSeq: () => Date.now(),
      frameIntervalMs: interval,
      // to the room on every process (the adapter); a frame gets an offset for recovery
      emitFrame: (region, frame) => {
        metrics.framesSent.inc();
        nsp.to(region).emit('frame', frame);
      },
      // not volatile: a heartbeat carries a recovery offset like a frame, so a wall of a quiet
      // region can recover from where it was too (a replayed old heartbeat confirms nothing)
      emitBeat: (region, beat) => {
        metrics.heartbeatsSent.inc();
        nsp.to(region).emit('beat', beat);
      },
      onInterval: () => metrics.regionIntervals.inc(),
      onBuild: (seconds) => metrics.frameBuildSeconds.observe(seconds),
      onError: (region, err) => {
        metrics.storeErrors.inc({ op: 'snapshot' });
        fastify.log.error({ err, region }, 'frame build failed');
      },
    });
    fastify.decorate('feeds', feeds);

    // With connection state recovery every socket.emit is a broadcast to the socket's own room,
    // which the Streams adapter writes to Redis for every process to read (a city snapshot is
    // ~100 KB). What is meant for one wall stays on this process: a local emit to its room.
    const toWall = (socket: Socket) => nsp.local.to(socket.id);

    const count = (socket: Socket, region: string) => {
      walls.set(region, (walls.get(region) ?? 0) + 1);
      metrics.wallsConnected.inc();
      socket.on('disconnect', () => {
        const n = (walls.get(region) ?? 1) - 1;
        if (n > 0) walls.set(region, n);
        else walls.delete(region);
        metrics.wallsConnected.dec();
      });
      socket.on('resync', () => {
        feeds.latest(region).then(
          (latest) => latest && toWall(socket).emit('snapshot', latest),
          (err: unknown) => fastify.log.warn({ err, region }, 'resync failed'),
        );
      });
    };

    nsp.on('connection', async (socket) => {
      const check = checkJoin(socket.handshake.auth, fastify.auth.screenScope);
      const refuse = (error: ScreenError) => {
        // local, like every message meant for one wall: a socket.emit would go through the
        // adapter's stream and reach the wall only after Redis answered — after the disconnect,
        // or never while Redis is down
        toWall(socket).emit('error', error);
        socket.disconnect(true);
      };
      if (!check.ok) {
        const { reason } = check.error;
        if (reason === 'unauthorized' || reason === 'out_of_scope') {
          // audit: a bad token or a region outside the token's scope (counted per hour, capped)
          const a = (socket.handshake.auth ?? {}) as { token?: unknown; region?: unknown };
          fastify.audit.count(
            {
              kind: 'socket',
              action: `join ${SCREEN_NAMESPACE}`,
              actor: actorOf(typeof a.token === 'string' ? a.token : undefined, fastify.auth.screenAuth),
              address: socket.handshake.address,
              result: reason,
              ...(typeof a.region === 'string' ? { detail: { region: a.region.slice(0, 12) } } : {}),
            },
            undefined,
            true,
          );
        }
        return refuse(check.error);
      }
      const { region } = check;
      if (socket.recovered && socket.rooms.has(region)) {
        // Socket.IO restored the session and sends the frames it missed: nothing else to send
        count(socket, region);
        metrics.wallJoins.inc({ how: 'recovered' });
        feeds
          .join(region)
          .catch((err: unknown) => fastify.log.warn({ err, region }, 'recovered wall: region open failed'));
        return;
      }
      for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
      // Counted before the first await so that the region's feed is retained while it opens.
      count(socket, region);
      const held = (socket.handshake.auth as { seq?: unknown }).seq;
      let missed: Awaited<ReturnType<RegionFeeds['since']>>;
      let current: Awaited<ReturnType<RegionFeeds['latest']>>;
      try {
        const built = feeds.current(region) !== undefined;
        await feeds.join(region);
        // a state built here earlier is served only when the store answers now: a wall joining
        // during an outage is told `unavailable`, not handed an old picture that looks live
        if (built) await fastify.store.version();
        missed = Number.isSafeInteger(held) ? await feeds.since(region, held as number) : undefined;
        current = missed ? undefined : await feeds.latest(region);
      } catch (err) {
        if (err instanceof UnknownRegionError) return refuse({ reason: 'unknown_region', message: err.message });
        metrics.storeErrors.inc({ op: 'snapshot' });
        fastify.log.error({ err, region }, 'wall join failed');
        return refuse(unavailable('the server cannot read this region now; retry shortly', err));
      }
      if (socket.disconnected) return;
      if (!missed && !current) return refuse(unavailable('region feed closed; retry', undefined));
      // Synchronous from here: the state sent and the room membership are taken together, so
      // the next frame applies exactly to what this wall holds.
      void socket.join(region);
      if (missed) {
        metrics.wallJoins.inc({ how: 'frames' });
        for (const frame of missed) toWall(socket).emit('frame', frame);
      } else {
        metrics.wallJoins.inc({ how: 'snapshot' });
        toWall(socket).emit('snapshot', current!);
      }
    });

    const timer = setInterval(() => {
      feeds.retain(new Set(walls.keys()));
      feeds.tick().catch((err: unknown) => {
        metrics.storeErrors.inc({ op: 'version' });
        fastify.log.error({ err }, 'frame tick failed');
      });
    }, interval);
    timer.unref();
    // leases are renewed between ticks too: a tick slowed by a loaded machine keeps its regions
    const keepalive = setInterval(() => void feeds.renew().catch(() => undefined), interval / 3);
    keepalive.unref();
    fastify.addHook('preClose', async () => {
      clearInterval(timer);
      clearInterval(keepalive);
      await feeds.close().catch(() => undefined);
    });
  },
  { name: 'push', dependencies: ['socket', 'store', 'auth', 'metrics', 'audit'] },
);
