// A cap on concurrent Socket.IO connections per remote address (a wall is 1; a test machine
// running many walls is the exception, by config). Counted per engine connection, refused at
// the namespace handshake with a clear connect_error ("too many sockets from this address"),
// before the namespace's own auth runs. Loopback addresses have their own cap (default none):
// a reverse proxy on the same host, and the benches' and tests' fleets, connect from there.
import type { Server, Socket } from 'socket.io';
import { isLoopback, type Config } from '../config.ts';

export const TOO_MANY_SOCKETS = 'too_many_sockets';

export function socketLimitFor(
  address: string,
  config: Pick<Config, 'SOCKETS_PER_ADDRESS' | 'SOCKETS_PER_LOOPBACK'>,
): number {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return isLoopback(plain) ? config.SOCKETS_PER_LOOPBACK : config.SOCKETS_PER_ADDRESS;
}

export function capSocketsPerAddress(
  io: Server,
  config: Pick<Config, 'SOCKETS_PER_ADDRESS' | 'SOCKETS_PER_LOOPBACK'>,
): void {
  const open = new Map<string, number>();
  io.engine.on('connection', (conn: { remoteAddress: string; once(e: 'close', f: () => void): void }) => {
    const address = conn.remoteAddress;
    open.set(address, (open.get(address) ?? 0) + 1);
    conn.once('close', () => {
      const n = (open.get(address) ?? 1) - 1;
      if (n > 0) open.set(address, n);
      else open.delete(address);
    });
  });
  const guard = (socket: Socket, next: (err?: Error) => void) => {
    const address = socket.conn.remoteAddress;
    const limit = socketLimitFor(address, config);
    if (limit > 0 && (open.get(address) ?? 0) > limit) {
      const err = new Error(`too many sockets from this address (at most ${limit}); close some and retry`);
      (err as Error & { data: unknown }).data = { code: TOO_MANY_SOCKETS, limit };
      next(err);
      return;
    }
    next();
  };
  for (const nsp of io._nsps.values()) nsp.use(guard);
  // runs as a namespace is created, before whoever created it adds its own middlewares
  io.on('new_namespace', (nsp) => nsp.use(guard));
}
