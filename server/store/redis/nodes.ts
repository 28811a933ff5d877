// Which connection serves a key: on a single Redis, the one client; on a Redis Cluster, the
// master that owns the key's slot, reached on its own connection (cluster.nodes('master') and
// the slot map), so that one pipeline can carry every slot group of that master and end in a
// WAIT on the same connection. After MOVED or a connection error the slot map is refreshed.
import type { Redis } from 'ioredis';
import { StoreUnavailableError } from '../types.ts';
import { isCluster, type RedisClient } from './client.ts';
import { keySlot } from './slot.ts';

/** Commands on keys of one slot group, routed by `key`. */
export interface Req {
  key: string;
  cmds: readonly (readonly (string | number | Buffer)[])[];
}

export class Nodes {
  constructor(readonly client: RedisClient) {}

  get isCluster(): boolean {
    return isCluster(this.client);
  }

  /** The master connection owning `key`'s slot. */
  masterFor(key: string): Redis {
    const c = this.client;
    if (!isCluster(c)) return c;
    const slot = keySlot(key);
    const owner = c.slots[slot]?.[0];
    const node = owner === undefined ? undefined : c.nodes('master').find((n) => nodeKey(n) === owner);
    if (!node) {
      this.refresh();
      throw new StoreUnavailableError(`redis cluster: no master for slot ${slot} (${owner ?? 'unassigned'})`);
    }
    return node;
  }

  /** Every master (the single Redis itself). */
  masters(): Redis[] {
    const c = this.client;
    return isCluster(c) ? c.nodes('master') : [c];
  }

  /** Items grouped by the master of their key, in first-seen order. */
  group<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<Redis, T[]> {
    const out = new Map<Redis, T[]>();
    for (const it of items) {
      const n = this.masterFor(keyOf(it));
      const l = out.get(n);
      if (l) l.push(it);
      else out.set(n, [it]);
    }
    return out;
  }

  /**
   * Runs requests (commands on keys of one slot group each) as one pipeline per master, the
   * pipelines in parallel; answers each request's replies in order. A failed command throws.
   */
  async run(reqs: readonly Req[]): Promise<{ results: unknown[][]; pipelines: number }> {
    const groups = this.group(
      reqs.map((_, i) => i),
      (i) => reqs[i]!.key,
    );
    const results = new Array<unknown[]>(reqs.length);
    await Promise.all(
      [...groups].map(async ([node, idxs]) => {
        const pipe = node.pipeline();
        for (const i of idxs) for (const [cmd, ...args] of reqs[i]!.cmds) pipe.call(String(cmd), ...args);
        const res = (await pipe.exec()) ?? [];
        let j = 0;
        for (const i of idxs) {
          results[i] = reqs[i]!.cmds.map(() => {
            const [err, v] = res[j++] ?? [new Error('redis: pipeline reply missing'), null];
            if (err) throw err;
            return v;
          });
        }
      }),
    );
    return { results, pipelines: groups.size };
  }

  /** SCANs every master for `pattern`, handing each page of keys to `onKeys` with its node
   * (`false` from it ends that node's scan). */
  async scanMasters(
    pattern: string,
    count: number,
    onKeys: (node: Redis, keys: string[]) => Promise<boolean | void>,
  ): Promise<void> {
    for (const node of this.masters()) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
        cursor = next;
        if (keys.length && (await onKeys(node, keys)) === false) break;
      } while (cursor !== '0');
    }
  }

  /** UNLINKs keys found on `node` (one command per key: they may lie in different slots). */
  static async unlink(node: Redis, keys: string[]): Promise<number> {
    const res = (await keys.reduce((p, k) => p.unlink(k), node.pipeline()).exec()) ?? [];
    let n = 0;
    for (const [err, v] of res) {
      if (err) throw err;
      n += Number(v);
    }
    return n;
  }

  /** Asks the cluster client for a fresh slot map (after MOVED, CLUSTERDOWN, a dead node). */
  refresh(): void {
    const c = this.client;
    if (isCluster(c)) c.refreshSlotsCache(() => undefined);
  }
}

export const nodeKey = (n: Redis): string => `${n.options.host}:${n.options.port}`;

/** Errors that mean "the cluster moved or a node is away": refresh the map, answer 503. */
export const TOPOLOGY_ERROR = /MOVED|ASK|CLUSTERDOWN|TRYAGAIN|LOADING|READONLY|MASTERDOWN|NOREPLICAS/;
