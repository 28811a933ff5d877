// The replay source (issue 11, server/replay/): `fastify.replay` records the area's snapshots
// every REPLAY_RECORD_INTERVAL_MS (a timer at each interval's start, unless `manual`: the test
// calls `replay.record(now)`) and answers a region's recorded picture at an instant. Files in
// DATA_DIR/replay/ for the embedded store, Redis Streams when Redis is configured.
import { join } from 'node:path';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { FileReplayEngine } from '../replay/files.ts';
import { Recorder, recordedRegions, type ReplayAnswer } from '../replay/recorder.ts';
import { RedisReplayEngine } from '../replay/redis.ts';
import type { DayRange, ReplayEngine } from '../replay/types.ts';
import { redisTarget } from '../store/redis/client.ts';
import { defaultRegion } from './auth.ts';

export interface Replay {
  readonly intervalMs: number;
  readonly engine: ReplayEngine['engine'];
  /** the picture of a region (or its nearest recorded ancestor) at `at`; null when none recorded */
  snapshotAt(region: string, at: number): Promise<ReplayAnswer | null>;
  /** what is held for a region (or its nearest recorded ancestor); null when nothing */
  range(region: string): Promise<(DayRange & { region: string }) | null>;
  /** the recorded region that answers for `region` (itself or its nearest recorded ancestor); null: none */
  recorded(region: string): string | null;
  /** records the interval of `now` */
  record(now: number): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    replay: Replay;
  }
}

export function createReplayEngine(config: Config, onError?: (err: Error) => void): ReplayEngine {
  const target = redisTarget(config);
  if (!target) return new FileReplayEngine(join(config.DATA_DIR, 'replay'));
  return new RedisReplayEngine({
    target,
    prefix: config.REDIS_PREFIX,
    retentionDays: config.REPLAY_RETENTION_DAYS,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    ...(onError ? { onError } : {}),
  });
}

export interface ReplayPluginOptions {
  config: Config;
  now?: () => number;
  manual?: boolean;
  /** an engine built by the caller (it then opens and closes it) */
  engine?: ReplayEngine;
}

export default fp<ReplayPluginOptions>(
  async (fastify, { config, now = Date.now, manual, engine: given }) => {
    const engine = given ?? createReplayEngine(config, (err) => fastify.log.warn({ err }, 'replay redis connection'));
    if (!given) await engine.open();
    const intervalMs = config.REPLAY_RECORD_INTERVAL_MS;
    const recorder = new Recorder({
      engine,
      snapshots: (regions, nowMs) => fastify.views.snapshots(regions, nowMs),
      regions: recordedRegions(defaultRegion()),
      intervalMs,
      retentionDays: config.REPLAY_RETENTION_DAYS,
      timeZone: config.TIME_ZONE,
      onError: (err, region) => fastify.log.warn({ err, region }, 'replay: a record failed'),
    });
    fastify.decorate('replay', {
      intervalMs,
      engine: engine.engine,
      snapshotAt: (region, at) => recorder.snapshotAt(region, at, now()),
      range: (region) => recorder.range(region, now()),
      recorded: (region) => recorder.recordedRegion(region),
      record: (at) => recorder.record(at),
    } satisfies Replay);

    let timer: NodeJS.Timeout | undefined;
    let recording: Promise<void> = Promise.resolve();
    let closed = false;
    const schedule = () => {
      // just after the next interval's start, so a record's snapshot is of its own interval
      const t = now();
      timer = setTimeout(tick, intervalMs - (t % intervalMs) + 50);
      timer.unref();
    };
    const tick = () => {
      recording = recorder.record(now()).catch((err: unknown) => fastify.log.warn({ err }, 'replay: recording failed'));
      void recording.finally(() => {
        if (!closed) schedule();
      });
    };
    if (!manual) fastify.addHook('onReady', async () => schedule());
    fastify.addHook('onClose', async () => {
      closed = true;
      clearTimeout(timer);
      await recording;
      if (!given) await engine.close();
    });
  },
  { name: 'replay', dependencies: ['store'] },
);
