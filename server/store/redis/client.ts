// One way to reach Redis for the store and the Socket.IO adapter: a single server
// (REDIS_URL) or a Redis Cluster through ioredis' Cluster client (REDIS_CLUSTER_NODES).
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../../config.ts';

export type RedisTarget =
  { kind: 'single'; url: string } | { kind: 'cluster'; nodes: { host: string; port: number }[] };

/** Either client: both speak the commands the store and the adapter use. */
export type RedisClient = Redis | Cluster;

/** The Redis a configuration points at; undefined for the embedded store. */
export function redisTarget(config: Pick<Config, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>): RedisTarget | undefined {
  if (config.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: parseNodes(config.REDIS_CLUSTER_NODES) };
  if (config.REDIS_URL) return { kind: 'single', url: config.REDIS_URL };
  return undefined;
}

export function parseNodes(list: string): { host: string; port: number }[] {
  return list.split(',').map((hp) => {
    const at = hp.lastIndexOf(':');
    return { host: hp.slice(0, at), port: Number(hp.slice(at + 1)) };
  });
}

/**
 * A client for the target. `options` are per connection (for a cluster: every node's); the
 * cluster client refreshes its slot map on MOVED/ASK and after a failover, and fails commands
 * fast while it has no node for a slot rather than queueing them.
 */
export function createRedisClient(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  if (target.kind === 'single') return new Redis(target.url, options);
  return new Cluster(target.nodes, {
    redisOptions: options,
    lazyConnect: options.lazyConnect,
    enableOfflineQueue: options.enableOfflineQueue,
    maxRedirections: 16,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    slotsRefreshTimeout: 2000,
    clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
  });
}

export const isCluster = (c: RedisClient): c is Cluster => c instanceof Cluster;
