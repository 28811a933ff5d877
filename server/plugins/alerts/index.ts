// The early-warning center's wiring (issue 10): the alert service over the configured store,
// the interval that evaluates the rules once for the fleet, the ingest tap that notes sources
// and study events, and the walls' `alerting` panel. Routes: routes/api/v1/alerts.ts; the
// console's namespace: console.ts.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fp from 'fastify-plugin';
import { levelOf, nameOf } from '../../../geo/registry.ts';
import type { AlertsApi } from '../../alerts/api.ts';
import { DEFAULT_ALERT_RULES, loadAlertRules, type AlertRule } from '../../alerts/rules.ts';
import { AlertService, type AlertStateStore } from '../../alerts/service.ts';
import type { Config } from '../../config.ts';
import type { NormalizedEvent } from '../../contract/index.ts';
import { redisTarget } from '../../store/redis/client.ts';
import { defaultRegion } from '../auth.ts';
import { ActivityTap, FileActivityStore, RedisActivityStore, type AlertActivityStore } from './activity.ts';
import { gatherEvaluations, type InputDeps } from './inputs.ts';
import { createAlertStateStore } from '../../alerts/store.ts';

const DAY_MS = 86_400_000;

export interface AlertsPlugin extends AlertsApi {
  /** an accepted batch (ingest route): its source's last batch, its study events per county */
  noteIngest(source: string | null, events: readonly NormalizedEvent[], duplicateIndexes: readonly number[]): void;
  /** one evaluation now (tests, the demo's first picture); answers whether this process evaluated */
  tick(): Promise<boolean>;
  readonly rules: readonly AlertRule[];
  /** the alerts' clock */
  now(): number;
}

declare module 'fastify' {
  interface FastifyInstance {
    alerts: AlertsPlugin;
  }
}

export interface AlertsPluginOptions {
  config: Config;
  /** the alerts' clock (tests) */
  now?: () => number;
  /** a state store built by the caller (tests) */
  stateStore?: AlertStateStore;
  /** no interval: evaluations happen when `alerts.tick()` is called (tests) */
  manual?: boolean;
}

/** The rules of ALERT_RULES_FILE, or the shipped defaults; a bad file stops the start. */
export async function rulesOf(config: Pick<Config, 'ALERT_RULES_FILE'>): Promise<AlertRule[]> {
  const file = config.ALERT_RULES_FILE;
  if (!file) return [...DEFAULT_ALERT_RULES];
  const text = await readFile(file, 'utf8').catch((err: Error) => {
    throw new Error(`ALERT_RULES_FILE ${file}: ${err.message}`);
  });
  return loadAlertRules(text, /\.ya?ml$/i.test(file) ? 'yaml' : 'json');
}

export default fp<AlertsPluginOptions>(
  async (fastify, opts) => {
    const { config } = opts;
    const now = opts.now ?? Date.now;
    const rules = await rulesOf(config);
    const retentionMs = config.ALERT_RETENTION_DAYS * DAY_MS;
    const stateStore =
      opts.stateStore ??
      createAlertStateStore(config, { now, onError: (err) => fastify.log.warn({ err }, 'alert state store (redis)') });
    const service = new AlertService({
      rules,
      clock: now,
      store: stateStore,
      regionName: (code) => nameOf(code) ?? code,
      retentionMs,
    });
    // the stored state now; a store that cannot answer (Redis down at the start) does not hold
    // the start: each tick reloads, and actions load the latest state before they change it
    await service.reload().catch((err: unknown) => fastify.log.warn({ err }, 'alerts: state not loaded yet'));

    // study hours are kept for the longest baseline and two days more
    const keepMs = (Math.max(7, ...rules.map((r) => Number((r.params as { days?: number }).days ?? 0))) + 2) * DAY_MS;
    const target = redisTarget(config);
    const activity: AlertActivityStore = target
      ? new RedisActivityStore(target, config.REDIS_PREFIX, keepMs, config.REDIS_COMMAND_TIMEOUT_MS)
      : new FileActivityStore(join(config.DATA_DIR, 'alerts', 'activity.json'), keepMs);
    const tap = new ActivityTap(config.TIME_ZONE);

    // an org's county, from the roster (refreshed when an unknown org is seen, at most once a minute)
    let countyOfOrg = new Map<string, string>();
    let rosterAt = -Infinity;
    let rosterLoading: Promise<void> | null = null;
    const refreshRoster = (): void => {
      if (rosterLoading || now() - rosterAt < 60_000) return;
      rosterAt = now();
      rosterLoading = fastify.store
        .getRoster()
        .then((orgs) => {
          const m = new Map<string, string>();
          for (const o of orgs) {
            const county = o.region.slice(0, 6);
            if (/^\d{6}$/.test(county) && levelOf(county) === 'county') m.set(o.id, county);
          }
          countyOfOrg = m;
        })
        .catch((err: unknown) => fastify.log.warn({ err }, 'alerts: roster not read'))
        .finally(() => (rosterLoading = null));
    };
    refreshRoster();

    const top = defaultRegion();
    const deps: InputDeps = {
      rules,
      top,
      sources: [...new Set(config.ingestSources.values())],
      snapshots: (regions, nowMs) => fastify.views.snapshots(regions, nowMs),
      activity,
      clock: tap.hourClock,
      timeZone: config.TIME_ZONE,
    };
    const interval = config.ALERT_EVAL_INTERVAL_MS;

    const flushActivity = async (): Promise<void> => {
      const delta = tap.take();
      if (delta.seen.size === 0 && delta.study.size === 0 && service.evaluatedAt !== null) return;
      try {
        await activity.add(delta, now());
      } catch (err) {
        tap.giveBack(delta);
        throw err;
      }
    };

    let running: Promise<boolean> | null = null;
    const tick = async (): Promise<boolean> => {
      await flushActivity();
      await service.reload(true);
      const last = service.evaluatedAt;
      // another process of the fleet evaluated within this interval: not again
      const minGapMs = interval * 0.9;
      if (last !== null && now() - last < minGapMs) return false;
      const evaluations = await gatherEvaluations(deps, now());
      return (await service.evaluate(evaluations, { minGapMs })) !== null;
    };
    const runTick = (): Promise<boolean> => {
      running ??= tick()
        .catch((err: unknown) => {
          fastify.log.error({ err }, 'alert evaluation failed');
          return false;
        })
        .finally(() => (running = null));
      return running;
    };
    const timer = opts.manual ? undefined : setInterval(() => void runTick(), interval);
    timer?.unref();
    // an action on another process reaches this one's walls within a frame interval
    const watcher = target
      ? setInterval(() => {
          void service.reload(true).catch(() => undefined);
        }, config.FRAME_INTERVAL_MS)
      : undefined;
    watcher?.unref();

    const plugin: AlertsPlugin = {
      get version() {
        return service.version;
      },
      get wallVersion() {
        return service.wallVersion;
      },
      get evaluatedAt() {
        return service.evaluatedAt;
      },
      list: (q) => service.list(q),
      get: (f) => service.get(f),
      ack: (f, by, comment) => service.ack(f, by, comment),
      unack: (f, by) => service.unack(f, by),
      silences: () => service.silences(),
      silence: (input, by) => service.silence(input, by),
      expireSilence: (id, by) => service.expireSilence(id, by),
      history: (f) => service.history(f),
      panel: (region) => service.panel(region),
      onChange: (l) => service.onChange(l),
      rules,
      now,
      tick: runTick,
      noteIngest(source: string | null, events: readonly NormalizedEvent[], duplicateIndexes: readonly number[]) {
        const dup = new Set(duplicateIndexes);
        const study: { county: string; ts: number }[] = [];
        let unknown = false;
        events.forEach((e, i) => {
          if (dup.has(i) || e.type !== 'study.completed') return;
          const county = countyOfOrg.get(e.org);
          if (county) study.push({ county, ts: e.ts });
          else unknown = true;
        });
        if (unknown) refreshRoster();
        tap.note(source, now(), study);
      },
    };
    fastify.decorate('alerts', plugin);
    fastify.views.alerting = (region) => service.panel(region);

    fastify.addHook('onClose', async () => {
      clearInterval(timer);
      if (watcher) clearInterval(watcher);
      await running;
      await flushActivity().catch(() => undefined);
      await activity.close();
      await stateStore.close?.();
    });
  },
  { name: 'alerts', dependencies: ['store'] },
);
