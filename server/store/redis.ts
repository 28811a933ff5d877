// RedisStore: the scale-out engine, on a single Redis or a Redis Cluster. A batch is split by
// slot group (the county of each event's org, redis/keys.ts); each group is one EVALSHA of
// redis/ingest.lua, which does its dedupe and every aggregate update atomically. Per master
// node one pipeline carries that node's groups (and a WAIT when replicas must hold the batch),
// the nodes in parallel. Reads go through RollupReader (two rounds of one pipeline per node,
// cached per version and section). Several server processes share one Redis or cluster.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { NormalizedEvent, Org } from '../contract/index.ts';
import type { RollupInput } from '../aggregate/model.ts';
import { clockFor } from '../aggregate/rollup.ts';
import { DAY_MS, withDefaults } from './options.ts';
import { createRedisClient, type RedisClient, type RedisTarget } from './redis/client.ts';
import { LayoutError, prepareLayout } from './redis/convert.ts';
import { encodeBatch, genMsOf, tickerCapOf, type EncodeParams } from './redis/encode.ts';
import { redisHealth, sampleDedupeBytes, sweepDedupe } from './redis/ops.ts';
import { basePattern, countyBase, countyPattern, K, keyBase, NO_COUNTY } from './redis/keys.ts';
import { Nodes, TOPOLOGY_ERROR } from './redis/nodes.ts';
import { RollupReader } from './redis/read.ts';
import { StoreUnavailableError, type IngestResult, type Store, type StoreHealth, type StoreOptions } from './types.ts';

const INGEST_LUA = readFileSync(new URL('./redis/ingest.lua', import.meta.url), 'utf8');
const INGEST_SHA = createHash('sha1').update(INGEST_LUA).digest('hex');
const ROSTER_POLL_MS = 2000;
/** how often the one-time open work is tried again while Redis answers but it failed */
const PREPARE_RETRY_MS = 1000;
/** a node pipeline that has not answered by then fails the batch (503; the retry is safe) */
const NODE_TIMEOUT_MS = 10_000;

export interface RedisStoreOptions extends Partial<StoreOptions> {
  /** a single Redis (default redis://127.0.0.1:6379 when no `target`) */
  url?: string;
  /** a single Redis or a Redis Cluster (seed nodes); wins over `url` */
  target?: RedisTarget;
  /** key prefix; keys are `{prefix}:…` and `{prefix:CCCCCC}:…` (default "zhdj") */
  prefix?: string;
  /**
   * dedupe buckets of a county's generation when the one before it holds fewer than 100 ids per
   * bucket (default 1024); a new generation doubles it until that holds
   */
  dedupeBuckets?: number;
  /**
   * dedupe generations checked per id (default 2: ids kept 1–2× the retention; 3: 1–1.5×, one more HEXISTS
   * per event)
   */
  dedupeGenerations?: number;
  /** replicas of each master that must hold a batch before ingest resolves (WAIT; default 0) */
  minReplicas?: number;
  /** how long that WAIT waits, ms (default 1000) */
  replicaTimeoutMs?: number;
  /** a command unanswered this long fails (a frozen Redis: 503, not a hang); at least the WAIT
   * timeout + 500 ms (default 3000) */
  commandTimeoutMs?: number;
}

interface Group {
  county: string;
  key: string;
  /** indexes into the batch */
  idx: number[];
  args: (string | Buffer)[];
  dups?: number[];
}

export class RedisStore implements Store {
  readonly engine = 'redis' as const;
  readonly opts: StoreOptions;
  readonly prefix: string;
  /** the deployment-wide keys' base, `{prefix}:` */
  readonly base: string;
  private readonly redis: RedisClient;
  readonly nodes: Nodes;
  private readonly reader: RollupReader;
  private readonly enc: EncodeParams;
  private readonly minReplicas: number;
  private readonly replicaTimeoutMs: number;
  private poll: NodeJS.Timeout | null = null;
  /** retries the one-time open work while it is not done */
  private retry: NodeJS.Timeout | null = null;
  private prepared = false;
  private preparing: Promise<void> | null = null;
  private closed = false;
  /** what the last attempt at the open work failed on */
  private openError: Error | null = null;
  private resolveOpened!: () => void;
  private readonly openedPromise = new Promise<void>((resolve) => (this.resolveOpened = resolve));
  private sweptGen = -1;
  /** counties this process knows to be in the registry */
  private registered = new Set<string>();
  /** node connections the ingest script was loaded on */
  private scriptOn = new WeakSet<Redis>();
  /** newest layout-2 dedupe generation still to check (single Redis after a conversion) */
  private legacyGen: number | null = null;
  /** the latest sweep of expired dedupe generations (resolves to keys removed) */
  sweeping: Promise<number> = Promise.resolve(0);
  /** round trips to Redis made by ingest(): one pipeline per master touched per batch (plus a
   * registry SADD the first time this process writes a county) */
  ingestRoundTrips = 0;
  /** masters touched by ingest() batches, summed */
  ingestShards = 0;
  /** slot groups (script calls) written by ingest(), summed */
  ingestGroups = 0;

  constructor(o: RedisStoreOptions = {}) {
    this.opts = withDefaults(o);
    this.prefix = o.prefix ?? 'zhdj';
    this.base = keyBase(this.prefix);
    this.minReplicas = Math.max(0, Math.floor(o.minReplicas ?? 0));
    this.replicaTimeoutMs = Math.max(1, Math.floor(o.replicaTimeoutMs ?? 1000));
    this.redis = createRedisClient(o.target ?? { kind: 'single', url: o.url ?? 'redis://127.0.0.1:6379' }, {
      lazyConnect: true,
      // fail fast while disconnected: ingest answers 503 instead of hanging
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(100 * times, 2000),
      // a frozen Redis (SIGSTOP, a stalled network) keeps the connection open: without a
      // timeout every request and the frame tick would wait for it
      commandTimeout: Math.max(o.commandTimeoutMs ?? 3000, this.replicaTimeoutMs + 500),
    });
    this.redis.on('error', () => undefined); // surfaced per command as StoreUnavailableError
    this.nodes = new Nodes(this.redis);
    const clock = clockFor(this.opts.timeZone);
    this.reader = new RollupReader(this.nodes, this.prefix, clock, this.opts.onlineWindowMs);
    this.enc = {
      clock,
      retentionMs: this.opts.retentionDays * DAY_MS,
      replayMs: this.opts.replayHours * 3_600_000,
      onlineWindowMs: this.opts.onlineWindowMs,
      buckets: o.dedupeBuckets ?? 1024,
      gens: Math.max(2, Math.floor(o.dedupeGenerations ?? 2)),
    };
  }

  /** The key base of a county's slot group, `{prefix:CCCCCC}:`. */
  countyBase(county: string): string {
    return countyBase(this.prefix, county);
  }

  /**
   * Connects and, once Redis answers, does the one-time work (layout conversion, registry,
   * roster). Redis down at start is no error: open() resolves, the client keeps reconnecting,
   * every operation answers StoreUnavailableError ("redis unreachable") and health() is not ok
   * until Redis first answers and that work is done (`opened` resolves then). A layout Redis
   * cannot be opened on (LayoutError) still fails open() when Redis answers at once; found later,
   * it keeps the store unavailable and is the health's reason.
   */
  async open(): Promise<void> {
    this.closed = false;
    this.redis.on('ready', this.onReady);
    await this.redis.connect().catch(() => undefined); // retried by the client's retryStrategy
    if (this.redis.status === 'ready') {
      try {
        await this.prepare();
      } catch (e) {
        if (e instanceof LayoutError) {
          await this.close();
          throw e;
        }
      }
    }
    // a frozen Redis or a failed first attempt: retried while the connection stays up too
    if (!this.isOpen) {
      this.retry = setInterval(this.onReady, PREPARE_RETRY_MS);
      this.retry.unref();
    }
  }

  /** Resolves once the one-time open work is done (at once when Redis answered at open()). */
  get opened(): Promise<void> {
    return this.openedPromise;
  }

  /** whether the one-time open work is done: store operations are refused before */
  get isOpen(): boolean {
    return this.prepared;
  }

  private readonly onReady = (): void => {
    if (this.prepared || this.closed || this.redis.status !== 'ready') return;
    this.prepare().catch(() => undefined); // the reason is kept in openError; retried
  };

  /** The one-time work of open(), once; a failure leaves it to be tried again. */
  private async prepare(): Promise<void> {
    if (this.prepared) return;
    this.preparing ??= (async () => {
      try {
        const { legacyDedupeGen } = await prepareLayout(this.nodes, this.prefix);
        this.legacyGen = legacyDedupeGen;
        this.registered = new Set(await this.reader.refreshCounties());
        await this.loadRoster();
        if (this.closed) return;
        this.prepared = true;
        this.openError = null;
        if (this.retry) clearInterval(this.retry);
        this.retry = null;
        this.poll = setInterval(() => void this.loadRoster().catch(() => undefined), ROSTER_POLL_MS);
        this.poll.unref();
        this.resolveOpened();
      } catch (e) {
        this.openError = e as Error;
        throw e;
      } finally {
        this.preparing = null;
      }
    })();
    return this.preparing;
  }

  private async loadRoster(): Promise<void> {
    await this.reader.refreshRoster();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.redis.off('ready', this.onReady);
    if (this.poll) clearInterval(this.poll);
    if (this.retry) clearInterval(this.retry);
    this.poll = null;
    this.retry = null;
    if (this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async health(): Promise<StoreHealth> {
    if (!this.prepared) {
      const why = this.unavailable();
      return { ok: false, engine: 'redis', persistence: 'unknown', reason: why.reason, detail: why };
    }
    const h = await redisHealth(this.nodes);
    return h.ok ? h : { ...h, reason: 'redis unreachable', detail: { reason: 'redis unreachable', ...h.detail } };
  }

  /** Why the store refuses while not open: Redis not answering yet, or what the open work hit. */
  private unavailable(): { reason: string; error?: string } {
    const err = this.openError;
    if (err instanceof LayoutError) return { reason: 'redis layout', error: err.message };
    if (this.redis.status !== 'ready') return { reason: 'redis unreachable', error: `redis is ${this.redis.status}` };
    return err
      ? { reason: 'redis unreachable', error: err.message }
      : { reason: 'redis opening', error: 'layout check in progress' };
  }

  async putRoster(orgs: Org[]): Promise<void> {
    const copy = orgs.map((o) => ({ ...o }));
    const B = this.base;
    await this.guard(async () => {
      const home = this.nodes.masterFor(B);
      await home
        .multi()
        .set(B + K.roster, JSON.stringify(copy))
        .incr(B + K.rosterVersion)
        .exec();
      await this.waitReplicas(home);
    });
    await this.loadRoster();
  }

  async getRoster(): Promise<Org[]> {
    await this.guard(() => this.loadRoster());
    return this.reader.roster.map((o) => ({ ...o }));
  }

  isKnownOrg(org: string): boolean {
    // the roster is not loaded before Redis first answered: no org is called unknown then (the
    // batch is answered 503 by ingest, not 200 with every event rejected)
    if (!this.prepared) return true;
    // the map split() reads next: the org's entry is in cache (and its string's hash computed)
    return this.reader.countyOfOrg.has(org);
  }

  async ingest(events: NormalizedEvent[], nowMs = Date.now()): Promise<IngestResult> {
    if (events.length === 0) return { accepted: 0, duplicates: 0, duplicateIndexes: [] };
    const n = events.length;
    const groups = this.split(events, nowMs);
    const gen = Math.floor(nowMs / genMsOf(this.enc.retentionMs, this.enc.gens));
    await this.guard(() => this.write(groups, gen));
    const dupIdx: number[] = [];
    for (const g of groups) for (const d of g.dups!) dupIdx.push(g.idx[Number(d)]!);
    if (groups.length > 1) dupIdx.sort((a, b) => a - b);
    if (gen !== this.sweptGen) {
      this.sweptGen = gen;
      this.sweeping = sweepDedupe(this.nodes, this.prefix, gen, this.enc.gens).catch(() => ((this.sweptGen = -1), 0));
    }
    return { accepted: n - dupIdx.length, duplicates: dupIdx.length, duplicateIndexes: dupIdx };
  }

  /** The batch's slot groups (one per county of its events' orgs), each encoded for the script. */
  private split(events: NormalizedEvent[], nowMs: number): Group[] {
    const n = events.length;
    const { countyOfOrg, countyNames } = this.reader;
    // by county index (+1: 0 is an org off the roster): one map lookup per event
    const idxOf: number[][] = [];
    const evsOf: NormalizedEvent[][] = [];
    for (let i = 0; i < n; i++) {
      const ev = events[i]!;
      const c = (countyOfOrg.get(ev.org) ?? -1) + 1;
      const ix = idxOf[c];
      if (ix) {
        ix.push(i);
        evsOf[c]!.push(ev);
      } else {
        idxOf[c] = [i];
        evsOf[c] = [ev];
      }
    }
    const groups: Group[] = [];
    idxOf.forEach((ix, c) => {
      const county = c === 0 ? NO_COUNTY : countyNames[c - 1]!;
      const args = encodeBatch(ix.length === n ? events : evsOf[c]!, nowMs, this.enc, tickerCapOf(ix.length, n));
      groups.push({ county, key: this.countyBase(county), idx: ix, args });
    });
    return groups;
  }

  /** Registers new counties, then writes every group: one pipeline per master, in parallel.
   * Any node failing fails the batch (the groups that did apply answer a retry as duplicates). */
  private async write(groups: Group[], gen: number): Promise<void> {
    if (this.redis.status !== 'ready') throw new StoreUnavailableError(`redis is ${this.redis.status}`);
    const fresh = groups.map((g) => g.county).filter((c) => !this.registered.has(c));
    if (fresh.length > 0) {
      // the registry must outlive a failover as the county's data does: WAIT here too
      const home = this.nodes.masterFor(this.base);
      await home.sadd(this.base + K.counties, ...fresh);
      await this.waitReplicas(home);
      this.ingestRoundTrips += 1;
      for (const c of fresh) this.registered.add(c);
    }
    const legacy = this.legacyGen !== null && gen <= this.legacyGen + this.enc.gens - 1 ? this.base : null;
    const byNode = this.nodes.group(groups, (g) => g.key);
    this.ingestShards += byNode.size;
    this.ingestGroups += groups.length;
    const settled = await Promise.allSettled([...byNode].map(([node, gs]) => this.writeNode(node, gs, legacy)));
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
  }

  private async writeNode(node: Redis, groups: Group[], legacy: string | null): Promise<void> {
    let todo = groups;
    for (let attempt = 0; todo.length > 0; attempt++) {
      if (attempt === 2) throw new Error('redis: NOSCRIPT right after SCRIPT LOAD');
      const pipe = node.pipeline();
      const load = !this.scriptOn.has(node);
      if (load) pipe.script('LOAD', INGEST_LUA);
      for (const g of todo) {
        if (legacy) pipe.evalsha(INGEST_SHA, 2, g.key, legacy, ...g.args);
        else pipe.evalsha(INGEST_SHA, 1, g.key, ...g.args);
      }
      if (this.minReplicas > 0) pipe.call('WAIT', this.minReplicas, this.replicaTimeoutMs);
      this.ingestRoundTrips += 1;
      const res = (await withTimeout(pipe.exec(), NODE_TIMEOUT_MS + this.replicaTimeoutMs)) ?? [];
      const missing: [Error, null] = [new StoreUnavailableError('redis: pipeline reply missing'), null];
      let k = 0;
      let failure: Error | null = null;
      if (load) {
        const [e] = res[k++] ?? missing;
        if (e) failure = e;
        else this.scriptOn.add(node);
      }
      const again: Group[] = [];
      for (const g of todo) {
        const [e, v] = res[k++] ?? missing;
        if (!e) g.dups = v as number[];
        else if (/NOSCRIPT/.test(e.message)) again.push(g);
        else failure ??= e;
      }
      if (this.minReplicas > 0) {
        const [e, v] = res[k] ?? missing;
        if (e) failure ??= e;
        else if (Number(v) < this.minReplicas)
          failure ??= new StoreUnavailableError(
            `redis: ${Number(v)} of ${this.minReplicas} replicas acknowledged the batch ` +
              `within ${this.replicaTimeoutMs} ms`,
          );
      }
      if (failure) throw failure;
      if (again.length > 0) this.scriptOn.delete(node); // a script flush or a restarted node
      todo = again;
    }
  }

  /** WAIT for REDIS_MIN_REPLICAS replicas of `node` to hold this connection's writes. */
  private async waitReplicas(node: Redis): Promise<void> {
    if (this.minReplicas === 0) return;
    const n = Number(await node.call('WAIT', this.minReplicas, this.replicaTimeoutMs));
    if (n < this.minReplicas) {
      throw new StoreUnavailableError(
        `redis: ${n} of ${this.minReplicas} replicas acknowledged the write within ${this.replicaTimeoutMs} ms`,
      );
    }
  }

  /** Runs a command; connection trouble becomes StoreUnavailableError (503 + Retry-After). */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.prepared) {
      const { reason, error } = this.unavailable();
      throw new StoreUnavailableError(`${reason}: ${error ?? ''}`);
    }
    if (this.redis.status !== 'ready') throw new StoreUnavailableError(`redis is ${this.redis.status}`);
    try {
      return await fn();
    } catch (e) {
      if (e instanceof StoreUnavailableError) {
        this.nodes.refresh();
        throw e;
      }
      const msg = (e as Error).message ?? String(e);
      const topology = TOPOLOGY_ERROR.test(msg);
      if (!topology && /ERR|WRONGTYPE|NOSCRIPT/.test(msg) && this.redis.status === 'ready') throw e;
      this.nodes.refresh();
      throw new StoreUnavailableError(`redis write failed: ${msg}`);
    }
  }

  async isEmpty(): Promise<boolean> {
    return (await this.guard(() => this.reader.accepted())) === 0;
  }

  /** Events accepted so far, summed over the counties (`meta` n). */
  async acceptedEvents(): Promise<number> {
    return this.guard(() => this.reader.accepted());
  }

  async rollupInput(nowMs: number): Promise<RollupInput> {
    return this.guard(() => this.reader.input(nowMs));
  }

  async version(): Promise<number> {
    return this.guard(() => this.reader.version());
  }

  async dedupeBytesPerId(): Promise<number> {
    return this.guard(() => sampleDedupeBytes(this.nodes, this.prefix));
  }

  /**
   * Accepted raw events (names masked) of the last `replayHours`, oldest first, from the
   * counties' streams: one entry per batch and county holding its events and the indexes of its
   * duplicates; entries of several counties ordered by the batch's arrival (`at`).
   */
  async recentEvents(sinceMs: number, limitBatches = 10_000): Promise<NormalizedEvent[]> {
    const counties = await this.guard(() => this.reader.refreshCounties());
    const since = String(Math.max(0, Math.floor(sinceMs)));
    const { results } = await this.guard(() =>
      this.nodes.run(
        counties.map((c) => ({
          key: this.countyBase(c),
          cmds: [['XRANGE', this.countyBase(c) + K.stream, since, '+', 'COUNT', limitBatches]],
        })),
      ),
    );
    const entries: { at: number; id: string; f: Record<string, string> }[] = [];
    for (const [list] of results) {
      for (const [id, fields] of list as [string, string[]][]) {
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
        entries.push({ at: Number(f.at ?? 0), id, f });
      }
    }
    if (counties.length > 1) entries.sort((a, b) => a.at - b.at || streamIdCompare(a.id, b.id));
    const out: NormalizedEvent[] = [];
    for (const { f } of entries.slice(0, limitBatches)) {
      const dups = new Set((f.dups ?? '').split(',').filter(Boolean).map(Number));
      (JSON.parse(f.events ?? '[]') as NormalizedEvent[]).forEach((ev, i) => dups.has(i) || out.push(ev));
    }
    return out;
  }

  /** Read round trips so far (for the README figures): pipelines, one per master per round. */
  get readRoundTrips(): number {
    return this.reader.roundTrips;
  }

  /** Deletes every key under this store's prefix on every master (tests and measurements only). */
  async destroyAllData(): Promise<void> {
    for (const pattern of [countyPattern(this.prefix), basePattern(this.prefix)]) {
      await this.nodes.scanMasters(pattern, 1000, async (node, keys) => {
        await Nodes.unlink(node, keys);
      });
    }
    this.registered.clear();
  }
}

export { LayoutError };

function streamIdCompare(a: string, b: string): number {
  const [ams, aseq] = a.split('-').map(Number) as [number, number];
  const [bms, bseq] = b.split('-').map(Number) as [number, number];
  return ams - bms || aseq - bseq;
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StoreUnavailableError(`redis: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
