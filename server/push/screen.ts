// Transport for walls: the Socket.IO namespace /screen. Joins, resyncs and the frame clock;
// what a frame contains is decided by feeds.ts.
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { SCREEN_NAMESPACE, type ScreenError } from '../contract/index.ts';
import { UnknownRegionError } from '../contract/errors.ts';
import { RegionFeeds } from './feeds.ts';
import { checkJoin } from './scope.ts';

declare module 'fastify' {
  interface FastifyInstance {
    feeds: RegionFeeds;
  }
}

export default fp<{ config: Config }>(
  async (fastify, { config }) => {
    const nsp = fastify.io.of(SCREEN_NAMESPACE);
    const { metrics } = fastify;
    /** walls per region on this process; only these regions get frames */
    const walls = new Map<string, number>();
    const feeds = new RegionFeeds({
      version: () => fastify.store.version(),
      views: fastify.views,
      // local: every process frames its own walls; the adapter must not fan a frame out to
      // walls of other processes, which have their own seq.
      emitFrame: (region, frame) => {
        metrics.framesSent.inc();
        nsp.local.to(region).emit('frame', frame);
      },
      onBuild: (seconds) => metrics.frameBuildSeconds.observe(seconds),
      onError: (region, err) => {
        metrics.storeErrors.inc({ op: 'snapshot' });
        fastify.log.error({ err, region }, 'frame build failed');
      },
    });
    fastify.decorate('feeds', feeds);

    nsp.on('connection', async (socket) => {
      const check = checkJoin(socket.handshake.auth, fastify.auth.screenScope);
      const refuse = (error: ScreenError) => {
        socket.emit('error', error);
        socket.disconnect(true);
      };
      if (!check.ok) return refuse(check.error);
      const { region } = check;
      // Counted before the first await so that the region's feed is retained while it opens.
      walls.set(region, (walls.get(region) ?? 0) + 1);
      socket.on('disconnect', () => {
        const n = (walls.get(region) ?? 1) - 1;
        if (n > 0) walls.set(region, n);
        else walls.delete(region);
      });
      try {
        await feeds.join(region);
      } catch (err) {
        if (err instanceof UnknownRegionError) return refuse({ reason: 'unknown_region', message: err.message });
        metrics.storeErrors.inc({ op: 'snapshot' });
        fastify.log.error({ err, region }, 'wall join failed');
        return refuse({ reason: 'bad_request', message: 'the server could not read this region; retry shortly' });
      }
      if (socket.disconnected) return;
      // Synchronous from here: the snapshot and the room membership are taken together, so
      // the next frame applies exactly to this snapshot.
      const current = feeds.current(region);
      if (!current) return refuse({ reason: 'bad_request', message: 'region feed closed; retry' });
      void socket.join(region);
      metrics.wallsConnected.inc();
      socket.on('disconnect', () => metrics.wallsConnected.dec());
      socket.emit('snapshot', current);
      socket.on('resync', () => {
        const latest = feeds.current(region);
        if (latest) socket.emit('snapshot', latest);
      });
    });

    const timer = setInterval(() => {
      feeds.retain(new Set(walls.keys()));
      feeds.tick().catch((err: unknown) => {
        metrics.storeErrors.inc({ op: 'version' });
        fastify.log.error({ err }, 'frame tick failed');
      });
    }, config.FRAME_INTERVAL_MS);
    timer.unref();
    fastify.addHook('preClose', async () => clearInterval(timer));
  },
  { name: 'push', dependencies: ['socket', 'store', 'auth', 'metrics'] },
);
