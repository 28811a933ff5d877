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
import { socketGuard } from './security.ts';
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
      // surface (issue 9): the handshake passes the Host allow-list and the Origin check of HTTP
      // (a foreign page's socket is refused; no Origin, a non-browser client: the token decides)
      allowRequest: socketGuard(config, (req, status, message) =>
        // a foreign Origin or Host at the WebSocket handshake: counted like HTTP refusals
        fastify.audit.count(
          {
            kind: 'refusal',
            action: 'WS /socket.io',
            actor: 'none',
            address: req.socket.remoteAddress ?? '',
            status,
            result: status === 421 ? 'misdirected' : 'forbidden',
            detail: { why: message.slice(0, 80) },
          },
          undefined,
          true,
        ),
      ),
    });
    const clients: RedisClient[] = [];
    const closers: (() => Promise<void>)[] = [];
    const target = redisTarget(config);
    let fleet: { id: string; redis: RedisClient } | null = null;
    if (target) {
      // The adapter's client queues while disconnected and never drops what it queued
      // (maxRetriesPerRequest null): its stream reader waits instead of spinning, its pub/sub
      // subscription is not lost, and it starts reading once Redis answers. It is not lazy: the
      // adapter connects the duplicates it makes of a lazy client itself, and an unreachable
      // Redis would reject that promise unhandled (the process would exit). The fleet's lease
      // and state commands fail fast (no heartbeat for what could not be read). Neither waits
      // for Redis at start: the server starts and listens while Redis is down.
      const adapterClient = createRedisClient(target, { maxRetriesPerRequest: null });
      const dropped = (err: unknown, command: DroppedCommand) =>
        fastify.log.warn(
          { err, command },
          `push redis: the adapter's ${command.toUpperCase()} failed (${DROPPED_WHAT[command]})`,
        );
      handleDroppedPromises(adapterClient, PUBLISHER_DROPS, dropped);
      const dups = trackDuplicates(adapterClient, (d) => handleDroppedPromises(d, SUBSCRIBER_DROPS, dropped));
      const fleetClient = createRedisClient(target, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
      });
      clients.push(adapterClient, fleetClient);
      for (const c of clients) c.on('error', (err: Error) => fastify.log.warn({ err }, 'push redis connection error'));
      fleetClient.connect().catch(() => undefined); // retried by the client until Redis answers
      closers.push(async () => dups.forEach((d) => d.disconnect()));
      const p = config.REDIS_PREFIX;
      const make = createAdapter(adapterClient, {
        streamName: `{${p}}:sio`,
        sessionKeyPrefix: `{${p}}:sio:session:`,
        channelPrefix: `{${p}}:sio`,
        maxLen: STREAM_MAX_LEN,
      });
      // A recovery lookup Redis cannot answer (down, frozen) must not hold the handshake until it
      // does: after the command timeout the wall joins afresh (and is told `unavailable` then).
      // (a function, not an arrow: Socket.IO calls it with `new`)
      io.adapter(function adapterOf(nsp: Parameters<typeof make>[0]) {
        const adapter = make(nsp);
        const restore = adapter.restoreSession.bind(adapter);
        adapter.restoreSession = async (pid, offset) =>
          withTimeout(restore(pid, offset), config.REDIS_COMMAND_TIMEOUT_MS);
        return adapter;
      });
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
      // quit waits for the commands sent before it (the sessions persisted on close); a client
      // that is not connected (Redis down) is dropped, not left reconnecting
      await Promise.allSettled(clients.map(closeClient));
      await Promise.allSettled(closers.map(async (c) => c()));
    });
  },
  { name: 'socket', dependencies: ['audit'] },
);

/** The connections the adapter duplicates from `client` (its stream reader, its subscriber): to
 * end them on close even while a read waits for a Redis that is down. */
function trackDuplicates(client: RedisClient, onDuplicate: (d: RedisClient) => void): RedisClient[] {
  const dups: RedisClient[] = [];
  const duplicate = client.duplicate.bind(client) as () => RedisClient;
  (client as { duplicate: () => RedisClient }).duplicate = () => {
    const d = duplicate();
    dups.push(d);
    onDuplicate(d);
    return d;
  };
  return dups;
}

/**
 * Commands whose promise the adapter (0.3.1) drops. Its client queues while Redis is away
 * (maxRetriesPerRequest null) and is disconnected on close: whatever is still queued then (a
 * Redis killed, or restarted and not yet reconnected to) is rejected "Connection is closed." —
 * unhandled, and an unhandled rejection ends the process (close-with-grace). Here each is logged.
 * - its own client: SET in persistSession (every wall whose transport drops, a shutdown's
 *   included, stores its recovery session), PUBLISH/SPUBLISH in doPublish (the ephemeral
 *   messages: fetchSockets, serverSideEmit, broadcasts with acks);
 * - its subscriber (a duplicate): SUBSCRIBE/SSUBSCRIBE in util.js SUBSCRIBE, and ioredis' own
 *   resubscribe after a reconnect.
 */
const PUBLISHER_DROPS = ['set', 'publish', 'spublish'] as const;
const SUBSCRIBER_DROPS = ['subscribe', 'ssubscribe'] as const;
type DroppedCommand = (typeof PUBLISHER_DROPS)[number] | (typeof SUBSCRIBER_DROPS)[number];
const DROPPED_WHAT: Record<DroppedCommand, string> = {
  set: "a disconnected wall's recovery session is not stored: it joins afresh",
  publish: 'fetchSockets, serverSideEmit or their answers',
  spublish: 'fetchSockets, serverSideEmit or their answers',
  subscribe: 'its fetchSockets and serverSideEmit',
  ssubscribe: 'its fetchSockets and serverSideEmit',
};

/** Wraps `names` on this client: each call's promise gets a handler (`onError`) and is handed
 * back as it is, so a caller that awaits it still sees the rejection. */
function handleDroppedPromises(
  client: RedisClient,
  names: readonly DroppedCommand[],
  onError: (err: unknown, command: DroppedCommand) => void,
): void {
  const c = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of names) {
    const original = c[name];
    if (typeof original !== 'function') continue;
    c[name] = (...args: unknown[]) => {
      const p = original.apply(client, args);
      p.catch((err: unknown) => onError(err, name));
      return p;
    };
  }
}

const QUIT_WAIT_MS = 2000;

async function closeClient(c: RedisClient): Promise<void> {
  if (c.status !== 'ready') return c.disconnect();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([c.quit(), new Promise((r) => (timer = setTimeout(r, QUIT_WAIT_MS)))]);
  } finally {
    clearTimeout(timer);
    if ((c.status as string) !== 'end') c.disconnect();
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
