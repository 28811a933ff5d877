// Socket.IO on the app's HTTP server, WebSocket only (any process behind a plain TCP or HTTP
// load balancer serves any wall: no sticky sessions). Connection state recovery: a wall that
// drops for under 2 minutes gets the packets it missed. With Redis (REDIS_URL or
// REDIS_CLUSTER_NODES) the Redis Streams adapter joins the processes: a broadcast reaches every
// process's walls, and recovery works on whichever process the wall comes back to.
import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Config } from '../config.ts';
import type { ScreenToServer, ServerToScreen } from '../contract/index.ts';
import { RECOVERY_WINDOW_MS } from '../push/ledger.ts';
import { createRedisClient, redisTarget, type RedisClient } from '../store/redis/client.ts';
import { capSocketsPerAddress } from './socket-cap.ts';

export type ScreenServer = Server<ScreenToServer, ServerToScreen>;

declare module 'fastify' {
  interface FastifyInstance {
    io: ScreenServer;
    /** the fleet's coordination, when the processes share a Redis */
    fleet: { id: string; redis: RedisClient } | null;
  }
}

// A snapshot of a city is tens of KB; walls never send anything large.
const MAX_HTTP_BUFFER_BYTES = 64 * 1024;
/** Entries the adapter's stream keeps (one per broadcast: a frame or a heartbeat of a region
 * with walls). Recovery needs the last 2 minutes of them: up to ~800 broadcasts a second. */
const STREAM_MAX_LEN = 100_000;

export default fp<{ config: Config }>(
  async (fastify, { config }) => {
    const io: ScreenServer = new Server(fastify.server, {
      serveClient: false,
      transports: ['websocket'],
      maxHttpBufferSize: MAX_HTTP_BUFFER_BYTES,
      // The screen is served from the same origin; other origins need a reverse proxy.
      cors: { origin: false },
      connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: true },
    });
    const clients: RedisClient[] = [];
    const target = redisTarget(config);
    let fleet: { id: string; redis: RedisClient } | null = null;
    if (target) {
      // the adapter's client queues while disconnected (its stream reader must not spin); the
      // fleet's lease and state commands fail fast (no heartbeat for what could not be read)
      const adapterClient = createRedisClient(target, { lazyConnect: true });
      const fleetClient = createRedisClient(target, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
      });
      clients.push(adapterClient, fleetClient);
      for (const c of clients) c.on('error', (err: Error) => fastify.log.warn({ err }, 'push redis connection error'));
      await Promise.all(clients.map(async (c) => c.connect()));
      const p = config.REDIS_PREFIX;
      io.adapter(
        createAdapter(adapterClient, {
          streamName: `{${p}}:sio`,
          sessionKeyPrefix: `{${p}}:sio:session:`,
          channelPrefix: `{${p}}:sio`,
          maxLen: STREAM_MAX_LEN,
        }),
      );
      fleet = { id: randomUUID(), redis: fleetClient };
      fastify.log.info({ redis: target.kind }, 'socket.io redis streams adapter on');
    }
    // Walls use /screen only. The default namespace would otherwise admit any socket with no
    // token (and, over the adapter, let it hold a recovery session): refuse it at the handshake.
    io.of('/').use((_socket, next) => next(new Error('connect to the /screen namespace')));
    // admission: concurrent sockets per remote address (SOCKETS_PER_ADDRESS, SOCKETS_PER_LOOPBACK)
    capSocketsPerAddress(io, config);
    fastify.decorate('io', io);
    fastify.decorate('fleet', fleet);
    // Upgraded websockets are not idle HTTP connections: close them before the HTTP server
    // waits for its connections to end. Closing the transports (not a server-side disconnect)
    // makes socket.io-client reconnect by itself, to the restarted or another process, and
    // keeps each wall's session for recovery there.
    fastify.addHook('preClose', async () => {
      io.engine.close();
    });
    fastify.addHook('onClose', async () => {
      await Promise.allSettled([...io._nsps.values()].map(async (nsp) => nsp.adapter.close()));
      // quit waits for the commands sent before it (the sessions persisted on close)
      await Promise.allSettled(clients.map(async (c) => c.quit()));
    });
  },
  { name: 'socket' },
);
