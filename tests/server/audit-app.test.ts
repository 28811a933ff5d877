// What the running app writes to the audit, on both engines: ingest per token and hour, roster
// replacements, refusals of every route (capped under a flood of bad tokens), socket joins with
// a bad token or outside the token's scope. Tokens themselves never reach the audit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import app, { serverOptions } from '../../server/app.ts';
import { tokenId } from '../../server/audit/token.ts';
import type { AuditRecord } from '../../server/audit/types.ts';
import { testConfig, type Env } from '../../server/config.ts';
import { sinkHarnesses } from './audit-engines.ts';
import { ROSTER } from './lib/fixtures.ts';
import { io } from 'socket.io-client';
import { connectWall } from './lib/walls.ts';

const INGEST = 'ingest-secret-0123456789';
const WALL = 'wall-secret-0123456789';
const auth = { authorization: `Bearer ${INGEST}` };
const HOUR = 3_600_000;
const harnesses = await sinkHarnesses();
afterAll(async () => {
  for (const h of harnesses) await h.cleanup();
});

async function build(env: Partial<Record<keyof Env, string>>, now: () => number) {
  const dir = await mkdtemp(join(tmpdir(), 'zhdj-audit-app-'));
  const config = testConfig({
    DATA_DIR: dir,
    INGEST_TOKENS: INGEST,
    SCREEN_TOKENS: `${WALL}:610113`,
    BODY_LIMIT_BYTES: String(64 * 1024),
    ...env,
  });
  const fastify: FastifyInstance = Fastify({ ...serverOptions(config), logger: false });
  await fastify.register(app, { config, screenDir: join(dir, 'none'), auditNow: now });
  await fastify.ready();
  return {
    fastify,
    async close() {
      await fastify.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let n = 0;
const study = (ts: number) => ({
  id: `audit-s${n++}`,
  type: 'study.completed',
  ts,
  org: 'b1',
  member: `m${n}`,
  course: '党章',
  minutes: 20,
});

describe.each(harnesses.map((h) => [h.name, h] as const))('the app’s audit (%s)', (_name, h) => {
  it('records ingest per token and hour, roster replacements, refusals and socket violations', async () => {
    await (await h.create()).close();
    // the audit's clock: inside one hour whatever the wall clock says
    const start = Math.floor(Date.now() / HOUR) * HOUR + 60_000;
    let t = start;
    // the lockout off: 300 wrong tokens from one address would be locked out (429) after 20
    const a = await build({ ...h.env(), AUDIT_MAX_BUCKETS: '50', AUTH_FAIL_LIMIT: '0' }, () => t);
    const { fastify } = a;
    const url = await fastify.listen({ port: 0, host: '127.0.0.1' }).then(() => {
      const addr = fastify.server.address();
      return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    });
    try {
      // roster: one record per replacement, with its result
      expect(
        (await fastify.inject({ method: 'PUT', url: '/api/v1/roster', headers: auth, payload: ROSTER })).statusCode,
      ).toBe(200);
      const bad = ROSTER.map((o, i) => (i === 0 ? { ...o, region: '999999' } : o));
      expect(
        (await fastify.inject({ method: 'PUT', url: '/api/v1/roster', headers: auth, payload: bad })).statusCode,
      ).toBe(400);

      // ingest: three batches, a duplicate and a rejected item
      const post = (events: unknown[]) =>
        fastify.inject({
          method: 'POST',
          url: '/api/v1/events',
          headers: { ...auth, 'content-type': 'application/json' },
          payload: JSON.stringify(events),
        });
      const e1 = study(Date.now() - 1000);
      expect((await post([e1, study(Date.now() - 1000)])).statusCode).toBe(200);
      expect((await post([e1, { id: 'x', type: 'nope' }])).statusCode).toBe(200);
      expect((await post([study(Date.now() - 1000)])).statusCode).toBe(200);
      // nothing written per batch
      expect(await fastify.audit.query({ from: start - HOUR, to: start + HOUR, kind: 'ingest' })).toEqual([]);

      // refusals: a wall token outside its scope on the read API, too large, bad tokens on ingest
      const forbidden = await fastify.inject({
        method: 'GET',
        url: '/api/v1/snapshot?region=610100',
        headers: { authorization: `Bearer ${WALL}` },
      });
      expect(forbidden.statusCode).toBe(403);
      const big = await fastify.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify([{ pad: 'x'.repeat(70 * 1024) }]),
      });
      expect(big.statusCode).toBe(413);

      // sockets: a bad token, and a 610113 token asking for 610100
      const intruder = connectWall(url, { region: '610113', token: 'stolen?' });
      const outside = connectWall(url, { region: '610100', token: WALL });
      // (over the Redis adapter the error event may lose the race with the disconnect)
      await Promise.all([intruder.disconnected, outside.disconnected]);

      // a flood of guessed tokens, last: the cap is over every capped tally of the hour
      for (let i = 0; i < 300; i++) {
        const r = await fastify.inject({
          method: 'POST',
          url: '/api/v1/events',
          headers: { authorization: `Bearer guess-${i}`, 'content-type': 'application/json' },
          payload: '[]',
        });
        expect(r.statusCode).toBe(401);
      }

      t = start + 20 * 60_000;
      await fastify.audit.flush();
      const all = await fastify.audit.query({ from: start - HOUR, to: start + HOUR });
      const of = (kind: string) => all.filter((r) => r.kind === kind);

      expect(of('roster').map((r) => [r.actor, r.status, r.result, r.detail?.orgs])).toEqual([
        [tokenId(INGEST), 200, 'ok', 3],
        [tokenId(INGEST), 400, 'invalid', 3],
      ]);
      expect(of('roster')[0]!.address).toBe('127.0.0.1');

      const ingest = of('ingest');
      expect(ingest).toHaveLength(1);
      expect(ingest[0]).toMatchObject({
        actor: tokenId(INGEST),
        action: 'POST /api/v1/events',
        ts: start - 60_000,
        until: t,
        count: 3,
        detail: { batches: 3, accepted: 3, duplicates: 1, rejected: 1 },
      });

      const refusals = of('refusal');
      const sum = (rs: AuditRecord[]) => rs.reduce((s, r) => s + r.count, 0);
      const unauthorized = refusals.filter((r) => r.result === 'unauthorized');
      expect(sum(unauthorized)).toBe(300);
      // capped: 50 distinct tallies this hour (4 taken above: 403, 413, two sockets), the other
      // 254 guesses in one folded tally
      expect(refusals.length).toBeLessThanOrEqual(50 + 3);
      expect(unauthorized.find((r) => r.actor === '*')).toMatchObject({ address: '*', status: 401, count: 254 });
      expect(unauthorized.find((r) => r.actor === tokenId('guess-0'))).toMatchObject({
        action: 'POST /api/v1/events',
        address: '127.0.0.1',
        count: 1,
      });
      expect(refusals.find((r) => r.result === 'forbidden')).toMatchObject({
        action: 'GET /api/v1/snapshot',
        actor: tokenId(WALL),
        status: 403,
      });
      expect(refusals.find((r) => r.result === 'too_large')).toMatchObject({ status: 413, actor: tokenId(INGEST) });

      expect(
        of('socket')
          .map((r) => [r.result, r.actor, r.detail?.region])
          .sort(),
      ).toEqual([
        ['out_of_scope', tokenId(WALL), '610100'],
        ['unauthorized', tokenId('stolen?'), '610113'],
      ]);
      // no token in the clear, anywhere
      const text = JSON.stringify(all);
      for (const secret of [INGEST, WALL, 'guess-1', 'stolen?']) expect(text).not.toContain(secret);
    } finally {
      await a.close();
    }
  }, 30_000);

  it('refusals of the surface: a Host the server does not answer to, a foreign Origin at the WebSocket handshake', async () => {
    await (await h.create()).close();
    const start = Math.floor(Date.now() / HOUR) * HOUR + 60_000;
    const a = await build({ ...h.env(), ALLOWED_HOSTS: 'localhost,127.0.0.1' }, () => start);
    const { fastify } = a;
    try {
      await fastify.listen({ port: 0, host: '127.0.0.1' });
      const addr = fastify.server.address();
      const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      const rebound = await fastify.inject({
        method: 'GET',
        url: '/api/v1/snapshot',
        headers: { host: 'evil.example' },
      });
      expect(rebound.statusCode).toBe(421);
      const socket = io(`${url}/screen`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { origin: 'http://evil.example' },
        auth: { region: '610113', token: WALL },
      });
      const failed = await new Promise<string>((resolve) => socket.once('connect_error', (e) => resolve(e.message)));
      socket.close();
      expect(failed).toBeTruthy();
      await fastify.audit.flush();
      const refusals = (await fastify.audit.query({ from: start - HOUR, to: start + HOUR, kind: 'refusal' })).map(
        (r) => [r.action, r.status, r.result],
      );
      expect(refusals).toContainEqual(['GET /api/v1/snapshot', 421, 'misdirected']);
      expect(refusals).toContainEqual(['WS /socket.io', 403, 'forbidden']);
    } finally {
      await a.close();
    }
  });

  it('closing the server writes the tallies of the hour in progress', async () => {
    await (await h.create()).close();
    const start = Math.floor(Date.now() / HOUR) * HOUR;
    const a = await build(h.env(), () => start + 30 * 60_000);
    await a.fastify.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: 'Bearer wrong' } });
    await a.close();
    const sink = await h.again();
    try {
      const records = await sink.read(
        new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(start + 30 * 60_000),
      );
      expect(records.map((r) => [r.kind, r.result, r.count])).toEqual([['refusal', 'unauthorized', 1]]);
    } finally {
      await sink.close();
    }
  });
});
