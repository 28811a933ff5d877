// Socket.IO on the app's HTTP server. With REDIS_URL the Redis adapter joins the processes,
// so several servers behind a sticky load balancer serve walls together.
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Config } from '../config.ts';
import type { ScreenToServer, ServerToScreen } from '../contract/index.ts';

export type ScreenServer = Server<ScreenToServer, ServerToScreen>;

declare module 'fastify' {
  interface FastifyInstance {
    io: ScreenServer;
  }
}

// A snapshot of a city is tens of KB; walls never send anything large.
const MAX_HTTP_BUFFER_BYTES = 64 * 1024;

export default fp<{ config: Config }>(
  async (fastify, { config }) => {
    const io: ScreenServer = new Server(fastify.server, {
      serveClient: false,
      maxHttpBufferSize: MAX_HTTP_BUFFER_BYTES,
      // The screen is served from the same origin; other origins need a reverse proxy.
      cors: { origin: false },
    });
    const clients: Redis[] = [];
    if (config.REDIS_URL) {
      const pub = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
      const sub = pub.duplicate();
      clients.push(pub, sub);
      for (const c of clients)
        c.on('error', (err: Error) => fastify.log.warn({ err }, 'socket.io redis adapter connection error'));
      await Promise.all([pub.connect(), sub.connect()]);
      io.adapter(createAdapter(pub, sub, { key: `${config.REDIS_PREFIX}:socket.io` }));
      fastify.log.info('socket.io redis adapter on');
    }
    fastify.decorate('io', io);
    // Upgraded websockets are not idle HTTP connections: close them before the HTTP server
    // waits for its connections to end. Closing the transports (not a server-side disconnect)
    // makes socket.io-client reconnect by itself, to the restarted or another process.
    fastify.addHook('preClose', async () => {
      io.engine.close();
    });
    fastify.addHook('onClose', async () => {
      await Promise.allSettled([...io._nsps.values()].map(async (nsp) => nsp.adapter.close()));
      await Promise.allSettled(clients.map(async (c) => c.quit()));
    });
  },
  { name: 'socket' },
);
