// The alerts API and the console namespace on the running app (issue 10), on both engines:
// alerts fire from the store's KPIs and the sources' silence, operators acknowledge and silence
// in their region and are refused outside it (audited, nothing changed), walls get the panel,
// consoles get `state` live, and a restart keeps everything.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { io } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import app, { serverOptions } from '../../../server/app.ts';
import { testConfig } from '../../../server/config.ts';
import type { ApiAlert, ApiSilence, ConsoleState, Snapshot } from '../../../server/contract/index.ts';
import { dropPrefix, privatePrefix, REDIS_TEST_URL, redisReachable } from '../lib/redis.ts';
import { ROSTER } from '../lib/fixtures.ts';
import { haveRedisServer, PrivateRedis } from '../store/redis-server.ts';

const INGEST = 'ingest-secret-0123456789';
const CITY_OP = 'city-operator-0123456789';
const COUNTY_OP = 'county-operator-0123456789';
const OPERATORS = `${CITY_OP}:王市:610100,${COUNTY_OP}:李县:610113`;
const MIN = 60_000;
// a Wednesday 10:00 Beijing (working hours for source-silent), a month or so ahead of the real
// clock: Redis expires the history streams by its own clock, so a fixed past date would not do
const T0 = ((): number => {
  const DAY = 86_400_000;
  const beijingMidnight = Math.floor((Date.now() + 30 * DAY + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000;
  const weekday = new Date(beijingMidnight + 8 * 3_600_000).getUTCDay(); // 0 = Sunday
  return beijingMidnight + ((3 - weekday + 7) % 7) * DAY + 10 * 3_600_000;
})();

const RULES = {
  rules: [
    // 三会一课 judged from the 1st: with no meetings, every county with branches fires
    { id: 'compliance-low', for: '0s', keepFiringFor: '1m', params: { fromDay: 1, below: 0.9, redBelow: 0.5 } },
    { id: 'source-silent', params: { silentFor: '5m' } },
  ],
};

const engines: { name: string; env: () => Record<string, string>; cleanup: () => Promise<void> }[] = [];
const prefixes: string[] = [];
engines.push({ name: 'files', env: () => ({}), cleanup: async () => undefined });
if (await redisReachable()) {
  engines.push({
    name: 'redis',
    env: () => {
      if (prefixes.length === 0) prefixes.push(privatePrefix('alerts-api'));
      return { REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: prefixes[0]! };
    },
    cleanup: async () => {
      for (const p of prefixes) await dropPrefix(p);
    },
  });
}
afterAll(async () => {
  for (const e of engines) await e.cleanup();
});

async function start(dir: string, env: Record<string, string>, clock: () => number) {
  const rulesFile = join(dir, 'rules.json');
  await writeFile(rulesFile, JSON.stringify(RULES));
  const config = testConfig({
    DATA_DIR: dir,
    INGEST_TOKENS: `${INGEST}:org-platform`,
    OPERATOR_TOKENS: OPERATORS,
    ALERT_RULES_FILE: rulesFile,
    ALERT_EVAL_INTERVAL_MS: '60000',
    ...env,
  });
  const fastify: FastifyInstance = Fastify({ ...serverOptions(config), logger: false });
  await fastify.register(app, {
    config,
    screenDir: join(dir, 'none'),
    alerts: { now: clock, manual: true },
    auditNow: clock,
  });
  await fastify.ready();
  return fastify;
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('ALERT_RULES_FILE', () => {
  it('a bad file stops the start, naming the rule and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhdj-alerts-rules-'));
    try {
      const file = join(dir, 'rules.yaml');
      await writeFile(file, 'rules:\n  - id: out-of-contact\n    levels: [county, province]\n');
      const config = testConfig({ DATA_DIR: dir, ALERT_RULES_FILE: file });
      const fastify = Fastify({ ...serverOptions(config), logger: false });
      await expect(
        fastify.register(app, { config, screenDir: join(dir, 'none'), alerts: { manual: true } }).ready(),
      ).rejects.toThrow(/rule out-of-contact, field levels/);
      await fastify.close().catch(() => undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.each(engines.map((e) => [e.name, e] as const))('alerts API (%s)', (_name, engine) => {
  it('fires, acknowledges, refuses out of region, silences, and keeps it all over a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhdj-alerts-api-'));
    let t = T0;
    const clock = () => t;
    let fastify = await start(dir, engine.env(), clock);
    try {
      expect(
        (await fastify.inject({ method: 'PUT', url: '/api/v1/roster', headers: bearer(INGEST), payload: ROSTER }))
          .statusCode,
      ).toBe(200);
      // the first evaluation watches; 6 minutes of working time later the source is silent
      await fastify.alerts.tick();
      t += 6 * MIN;
      expect(await fastify.alerts.tick()).toBe(true);
      const list = async (token: string, q = '') => {
        const r = await fastify.inject({ url: `/api/v1/alerts${q}`, headers: bearer(token) });
        expect(r.statusCode).toBe(200);
        return (r.json() as { alerts: ApiAlert[] }).alerts;
      };
      const all = await list(CITY_OP);
      const byRule = (rule: string, region: string) => all.find((a) => a.rule === rule && a.region === region);
      const silent = byRule('source-silent', '610100');
      const yanta = byRule('compliance-low', '610113');
      expect(silent).toMatchObject({ state: 'firing', severity: 'red', subject: 'org-platform', ack: null });
      expect(yanta).toMatchObject({ state: 'firing', severity: 'red', regionName: '雁塔区', link: expect.any(String) });
      // the county operator sees their county only
      const county = await list(COUNTY_OP);
      expect(county.length).toBeGreaterThan(0);
      expect(county.every((a) => a.region.startsWith('610113'))).toBe(true);
      expect(
        (await fastify.inject({ url: '/api/v1/alerts?region=610100', headers: bearer(COUNTY_OP) })).statusCode,
      ).toBe(403);
      expect((await list(CITY_OP, '?severity=red&state=firing')).length).toBe(
        all.filter((a) => a.severity === 'red' && a.state === 'firing').length,
      );

      // a county operator cannot acknowledge the city's alert: 403, nothing changed, audited
      const version = fastify.alerts.version;
      const refused = await fastify.inject({
        method: 'POST',
        url: `/api/v1/alerts/${encodeURIComponent(silent!.fingerprint)}/ack`,
        headers: bearer(COUNTY_OP),
        payload: { comment: '我来处理' },
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().message).toContain('李县');
      expect(fastify.alerts.version).toBe(version);
      expect(fastify.alerts.get(silent!.fingerprint)!.ack).toBeNull();
      const refusedSilence = await fastify.inject({
        method: 'POST',
        url: '/api/v1/silences',
        headers: bearer(COUNTY_OP),
        payload: { matchers: { region: '610100', descendants: true }, untilResolved: true, comment: '静音' },
      });
      expect(refusedSilence.statusCode).toBe(403);

      // the county operator acknowledges their own county's alert
      const ack = await fastify.inject({
        method: 'POST',
        url: `/api/v1/alerts/${encodeURIComponent(yanta!.fingerprint)}/ack`,
        headers: bearer(COUNTY_OP),
        payload: { comment: '已通知支部本周补开' },
      });
      expect(ack.statusCode).toBe(200);
      expect(ack.json()).toMatchObject({ state: 'firing', ack: { by: '李县', comment: '已通知支部本周补开' } });
      // unknown fingerprint 404; a comment is required (400)
      expect(
        (
          await fastify.inject({
            method: 'POST',
            url: '/api/v1/alerts/nope/ack',
            headers: bearer(CITY_OP),
            payload: { comment: 'x' },
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (
          await fastify.inject({
            method: 'POST',
            url: `/api/v1/alerts/${encodeURIComponent(yanta!.fingerprint)}/ack`,
            headers: bearer(CITY_OP),
            payload: {},
          })
        ).statusCode,
      ).toBe(400);
      // no operator token: 401
      expect(
        (
          await fastify.inject({
            method: 'POST',
            url: `/api/v1/alerts/${encodeURIComponent(yanta!.fingerprint)}/ack`,
            headers: bearer(INGEST),
            payload: { comment: 'x' },
          })
        ).statusCode,
      ).toBe(401);

      // the wall of the city: the acknowledged alert shows who, no comment
      const snap = (await fastify.inject({ url: '/api/v1/snapshot?region=610100' })).json() as Snapshot;
      expect(snap.alerting.evaluatedAt).toBe(t);
      const shown = snap.alerting.alerts.find((a) => a.fingerprint === yanta!.fingerprint);
      expect(shown?.ack).toEqual({ by: '李县', at: t });
      expect(JSON.stringify(snap.alerting)).not.toContain('已通知支部');

      // a silence by the city operator hides the source alert from walls
      const s = await fastify.inject({
        method: 'POST',
        url: '/api/v1/silences',
        headers: bearer(CITY_OP),
        payload: {
          matchers: { rule: 'source-silent', region: '610100', descendants: false },
          untilResolved: true,
          comment: '上游停机维护',
        },
      });
      expect(s.statusCode).toBe(201);
      const silence = s.json() as ApiSilence;
      expect(silence).toMatchObject({ active: true, createdBy: '王市', untilResolved: true });
      const after = (await fastify.inject({ url: '/api/v1/snapshot?region=610100' })).json() as Snapshot;
      expect(after.alerting.alerts.some((a) => a.fingerprint === silent!.fingerprint)).toBe(false);
      expect(fastify.alerts.get(silent!.fingerprint)!.silencedBy).toEqual([silence.id]);

      // the audit: the actions and the refusals, with who and what
      const audit = (await fastify.inject({ url: '/api/v1/audit', headers: bearer(CITY_OP) })).json() as {
        entries: { by: string; action: string; result: string; target: string; comment: string }[];
      };
      expect(audit.entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            by: '李县',
            action: 'alert.ack',
            result: 'forbidden',
            target: silent!.fingerprint,
          }),
          expect.objectContaining({ by: '李县', action: 'silence.create', result: 'forbidden' }),
          expect.objectContaining({ by: '李县', action: 'alert.ack', result: 'ok', comment: '已通知支部本周补开' }),
          expect.objectContaining({ by: '王市', action: 'silence.create', result: 'ok', comment: '上游停机维护' }),
          expect.objectContaining({ by: '王市', action: 'alert.ack', result: 'not_found' }),
        ]),
      );
      // the county operator's audit holds their own entries, not the city's silence
      const countyAudit = (await fastify.inject({ url: '/api/v1/audit', headers: bearer(COUNTY_OP) })).json() as {
        entries: { by: string }[];
      };
      expect(countyAudit.entries.every((e) => e.by === '李县')).toBe(true);
      expect(
        (await fastify.inject({ url: '/api/v1/audit?region=610100', headers: bearer(COUNTY_OP) })).statusCode,
      ).toBe(403);

      // history of the acknowledged alert
      const h = (
        await fastify.inject({
          url: `/api/v1/alerts/${encodeURIComponent(yanta!.fingerprint)}/history`,
          headers: bearer(CITY_OP),
        })
      ).json() as { entries: { event: string }[] };
      expect(h.entries.map((e) => e.event)).toEqual(['firing', 'ack']);

      // a restart keeps state, acknowledgements, silences and the audit
      await fastify.close();
      t += MIN;
      fastify = await start(dir, engine.env(), clock);
      const again = fastify.alerts.get(yanta!.fingerprint)!;
      expect(again).toMatchObject({ state: 'firing', ack: { by: '李县', comment: '已通知支部本周补开' } });
      expect(fastify.alerts.silences().find((x) => x.id === silence.id)).toMatchObject({ active: true });
      expect(fastify.alerts.get(silent!.fingerprint)!.silencedBy).toEqual([silence.id]);
      // expiring the silence early brings the alert back to walls
      const exp = await fastify.inject({
        method: 'DELETE',
        url: `/api/v1/silences/${silence.id}`,
        headers: bearer(CITY_OP),
      });
      expect(exp.statusCode).toBe(200);
      expect(exp.json()).toMatchObject({ active: false, endedBy: '王市' });
      const back = (await fastify.inject({ url: '/api/v1/snapshot?region=610100' })).json() as Snapshot;
      expect(back.alerting.alerts.some((a) => a.fingerprint === silent!.fingerprint)).toBe(true);
      // unacknowledge
      const un = await fastify.inject({
        method: 'DELETE',
        url: `/api/v1/alerts/${encodeURIComponent(yanta!.fingerprint)}/ack`,
        headers: bearer(CITY_OP),
      });
      expect(un.statusCode).toBe(200);
      expect(un.json().ack).toBeNull();
    } finally {
      await fastify.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sends each console its region’s state on connect and on every change; refuses a bad token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhdj-alerts-console-'));
    let t = T0;
    const fastify = await start(dir, engine.env(), () => t);
    try {
      await fastify.inject({ method: 'PUT', url: '/api/v1/roster', headers: bearer(INGEST), payload: ROSTER });
      await fastify.alerts.tick();
      t += 6 * MIN;
      await fastify.alerts.tick();
      await fastify.listen({ port: 0, host: '127.0.0.1' });
      const addr = fastify.server.address();
      const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/console`;

      const bad = io(url, {
        auth: { token: 'wrong-token-0123456789' },
        transports: ['websocket'],
        reconnection: false,
      });
      const refused = await new Promise<Error>((resolve) => bad.on('connect_error', resolve));
      expect(refused.message).toContain('unauthorized');
      bad.close();

      const sock = io(url, { auth: { token: COUNTY_OP }, transports: ['websocket'], reconnection: false });
      const states: ConsoleState[] = [];
      const next = () =>
        new Promise<ConsoleState>((resolve) => {
          const n = states.length;
          const check = () => (states.length > n ? resolve(states[states.length - 1]!) : setTimeout(check, 5));
          check();
        });
      sock.on('state', (s: ConsoleState) => states.push(s));
      const first = await next();
      expect(first.operator).toEqual({ name: '李县', region: '610113', regionName: '雁塔区' });
      expect(first.alerts.length).toBeGreaterThan(0);
      expect(first.alerts.every((a) => a.region.startsWith('610113'))).toBe(true);
      const fpYanta = first.alerts.find((a) => a.rule === 'compliance-low' && a.region === '610113')!.fingerprint;
      const changed = next();
      await fastify.inject({
        method: 'POST',
        url: `/api/v1/alerts/${encodeURIComponent(fpYanta)}/ack`,
        headers: bearer(COUNTY_OP),
        payload: { comment: '处理中' },
      });
      const s2 = await changed;
      expect(s2.version).toBeGreaterThan(first.version);
      expect(s2.alerts.find((a) => a.fingerprint === fpYanta)!.ack).toMatchObject({ by: '李县', comment: '处理中' });
      sock.close();
    } finally {
      await fastify.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!engines.some((e) => e.name === 'redis'))('two processes on one Redis', () => {
  it('evaluate once per interval between them; an action on one reaches the other within a frame interval', async () => {
    const dirA = await mkdtemp(join(tmpdir(), 'zhdj-alerts-a-'));
    const dirB = await mkdtemp(join(tmpdir(), 'zhdj-alerts-b-'));
    const prefix = privatePrefix('alerts-fleet');
    prefixes.push(prefix);
    let t = T0;
    const env = { REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: prefix, FRAME_INTERVAL_MS: '200' };
    const a = await start(dirA, env, () => t);
    const b = await start(dirB, env, () => t);
    try {
      await a.inject({ method: 'PUT', url: '/api/v1/roster', headers: bearer(INGEST), payload: ROSTER });
      expect(await a.alerts.tick()).toBe(true);
      // B within the same interval: it picks A's evaluation up and does not evaluate again
      t += 10_000;
      expect(await b.alerts.tick()).toBe(false);
      expect(b.alerts.version).toBe(a.alerts.version);
      t += 6 * MIN;
      expect(await b.alerts.tick()).toBe(true);
      expect(await a.alerts.tick()).toBe(false);
      const fp = b.alerts.list().find((x) => x.rule === 'compliance-low' && x.region === '610113')!.fingerprint;
      const r = await a.inject({
        method: 'POST',
        url: `/api/v1/alerts/${encodeURIComponent(fp)}/ack`,
        headers: bearer(COUNTY_OP),
        payload: { comment: '处理中' },
      });
      expect(r.statusCode).toBe(200);
      // B's watcher (each frame interval) sees the new version and reloads
      const deadline = Date.now() + 2000;
      while (b.alerts.get(fp)?.ack === null && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      expect(b.alerts.get(fp)?.ack).toMatchObject({ by: '李县' });
      const snap = (await b.inject({ url: '/api/v1/snapshot?region=610100' })).json() as Snapshot;
      expect(snap.alerting.alerts.find((x) => x.fingerprint === fp)?.ack?.by).toBe('李县');
    } finally {
      await a.close();
      await b.close();
      await rm(dirA, { recursive: true, force: true });
      await rm(dirB, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!haveRedisServer())('the alert state’s Redis frozen', () => {
  it('an action answers 503 + Retry-After, changes nothing and is audited; it works again after', async () => {
    const redis = await PrivateRedis.start([]);
    const dir = await mkdtemp(join(tmpdir(), 'zhdj-alerts-frozen-'));
    let t = T0;
    const fastify = await start(dir, { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '300' }, () => t);
    try {
      await fastify.inject({ method: 'PUT', url: '/api/v1/roster', headers: bearer(INGEST), payload: ROSTER });
      await fastify.alerts.tick();
      t += 6 * MIN;
      await fastify.alerts.tick();
      const fp = fastify.alerts.list().find((a) => a.rule === 'compliance-low' && a.region === '610113')!.fingerprint;
      const ack = () =>
        fastify.inject({
          method: 'POST',
          url: `/api/v1/alerts/${encodeURIComponent(fp)}/ack`,
          headers: bearer(CITY_OP),
          payload: { comment: '处理中' },
        });
      process.kill(redis.proc!.pid!, 'SIGSTOP');
      let frozen;
      try {
        frozen = await ack();
      } finally {
        process.kill(redis.proc!.pid!, 'SIGCONT');
      }
      expect(frozen.statusCode).toBe(503);
      expect(frozen.headers['retry-after']).toBeDefined();
      expect(fastify.alerts.get(fp)!.ack).toBeNull();
      const again = await ack();
      expect(again.statusCode).toBe(200);
      const audit = (await fastify.inject({ url: '/api/v1/audit', headers: bearer(CITY_OP) })).json() as {
        entries: { action: string; result: string }[];
      };
      // the audit's own write timed out while Redis was frozen and was retried: it may be there
      // twice (the audit log writes at least once), never missing
      const results = audit.entries.filter((e) => e.action === 'alert.ack').map((e) => e.result);
      expect(results).toContain('unavailable');
      expect(results.at(-1)).toBe('ok');
    } finally {
      await fastify.close();
      await redis.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
