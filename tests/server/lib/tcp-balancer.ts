// A plain TCP load balancer for tests: each new connection goes to the next live backend,
// round robin, bytes passed through untouched (no HTTP parsing, no stickiness) — what a
// layer-4 balancer (HAProxy `mode tcp`, nginx `stream`) does in front of the processes.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Balancer {
  url: string;
  /** backends by port; a removed one gets no new connections (its open ones stay) */
  backends: number[];
  /** connections made to each backend so far */
  counts: Map<number, number>;
  close(): Promise<void>;
}

export async function startBalancer(backends: number[]): Promise<Balancer> {
  const sockets = new Set<Socket>();
  const counts = new Map<number, number>();
  let next = 0;
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const live = b.backends;
    if (live.length === 0) return client.destroy();
    const port = live[next++ % live.length]!;
    counts.set(port, (counts.get(port) ?? 0) + 1);
    const upstream = connect(port, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const b: Balancer = {
    url: `http://127.0.0.1:${port}`,
    backends: [...backends],
    counts,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return b;
}
