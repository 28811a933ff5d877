// A counting TCP proxy in front of Redis: the server talks to Redis through it, and it counts
// what the server sends — top-level RESP commands (commands run inside a Lua script are not
// on the wire) and turns (a client write that follows a reply: with one request in flight,
// one turn is one round trip; pipelined commands share a turn). MONITOR-free. A replica's
// replication link through the proxy (a cluster node announcing the proxy's port) is not
// counted: a connection that sends REPLCONF or PSYNC is dropped from the counts.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface ProxyCounts {
  commands: number;
  turns: number;
}

/** Counts RESP commands in a client → server byte stream, across chunk boundaries. */
export class RespCommandCounter {
  commands = 0;
  #line = '';
  #args = 0; // bulk strings still expected in the current command
  #skip = 0; // bytes of bulk data (+ CRLF) still to skip

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - i);
        this.#skip -= n;
        i += n;
        continue;
      }
      const nl = chunk.indexOf(10, i);
      if (nl < 0) {
        this.#line += chunk.toString('latin1', i);
        return;
      }
      const line = (this.#line + chunk.toString('latin1', i, nl)).replace(/\r$/, '');
      this.#line = '';
      i = nl + 1;
      if (this.#args === 0) {
        this.commands += 1;
        if (line.startsWith('*')) this.#args = Number(line.slice(1));
      } else if (line.startsWith('$')) {
        this.#skip = Number(line.slice(1)) + 2;
        this.#args -= 1;
      }
    }
  }
}

export async function startRespProxy(
  targetPort: number,
): Promise<{ port: number; counts: () => ProxyCounts; close: () => Promise<void> }> {
  const counters: RespCommandCounter[] = [];
  let turns = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const counter = new RespCommandCounter();
    counters.push(counter);
    let replied = true;
    let mine = 0; // this connection's turns
    let replication = false;
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      if (replication) return;
      if (/REPLCONF|PSYNC/i.test(chunk.toString('latin1', 0, Math.min(chunk.length, 256)))) {
        replication = true;
        turns -= mine;
        counters.splice(counters.indexOf(counter), 1);
        return;
      }
      if (replied) {
        turns += 1;
        mine += 1;
      }
      replied = false;
      counter.push(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      replied = true;
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    counts: () => ({ commands: counters.reduce((n, c) => n + c.commands, 0), turns }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
