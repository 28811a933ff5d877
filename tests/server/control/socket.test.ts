// Rooms over the wire (issue 11): two app instances on one Redis (the Socket.IO Redis adapter
// joins them). A presenter's command reaches every wall of the room on both; walls' `applied`
// reach the control page; a wall that reconnects gets the room at once; a second operator is
// refused until a visible handover; a tablet pairs over HTTP with a code that works once, for
// its room only, and not after its end; wrong codes lock the address out; every command is
// audited. The rooms' clock is injected and ticks by hand: no real-time thresholds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import app, { serverOptions } from '../../../server/app.ts';
import { testConfig } from '../../../server/config.ts';
import {
  CONTROL_SESSION_TTL_MS,
  PAIRING_CODE_TTL_MS,
  type CommandResult,
  type ControlCommand,
  type RoomState,
} from '../../../server/contract/control.ts';
import { PAIR_FAIL_LIMIT } from '../../../server/routes/api/v1/control.ts';
import { dropPrefix, privatePrefix, REDIS_TEST_URL, REQUIRE_REDIS, redisReachable } from '../lib/redis.ts';
import { until } from '../lib/walls.ts';

const reachable = await redisReachable();
if (!reachable && !REQUIRE_REDIS)
  console.warn(`\n*** SKIPPING tests/server/control/socket.test.ts: Redis at ${REDIS_TEST_URL} is unreachable ***\n`);

const CITY_OP = 'control-city-operator-0123456789';
const COUNTY_OP = 'control-county-operator-0123456789';
const WALL = 'control-wall-token-0123456789';
const COUNTY_WALL = 'control-county-wall-token-0123456789';

interface Client {
  socket: Socket;
  rooms: RoomState[];
  applied: { wallId: string; v: number }[];
  sessions: { id: string; name: string; via: string; expiresAt: number | null }[];
  last(): RoomState | undefined;
}

function client(url: string, nsp: '/room' | '/control', auth: Record<string, string>): Client {
  const socket = io(`${url}${nsp}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  const c: Client = {
    socket,
    rooms: [],
    applied: [],
    sessions: [],
    last: () => c.rooms.at(-1),
  };
  socket.on('room', (s: RoomState) => c.rooms.push(s));
  socket.on('applied', (m: { wallId: string; v: number }) => c.applied.push(m));
  socket.on('session', (s: Client['sessions'][number]) => c.sessions.push(s));
  return c;
}

const connected = (c: Client) =>
  new Promise<void>((resolve, reject) => {
    if (c.socket.connected) return resolve();
    c.socket.once('connect', () => resolve());
    c.socket.once('connect_error', reject);
  });

const refusedWith = (c: Client) =>
  new Promise<{ reason?: string }>((resolve, reject) => {
    c.socket.once('connect', () => reject(new Error('connected')));
    c.socket.once('connect_error', (err: Error & { data?: { reason?: string } }) => resolve(err.data ?? {}));
  });

const send = (c: Client, cmd: ControlCommand): Promise<CommandResult> =>
  c.socket.timeout(5000).emitWithAck('command', cmd) as Promise<CommandResult>;
const take = (c: Client): Promise<CommandResult> =>
  c.socket.timeout(5000).emitWithAck('takeControl') as Promise<CommandResult>;

describe.skipIf(!reachable && !REQUIRE_REDIS)('rooms on two processes sharing one Redis', () => {
  const prefix = privatePrefix('control-socket');
  let t = Date.now();
  const clock = () => t;
  const apps: FastifyInstance[] = [];
  const urls: string[] = [];
  const dirs: string[] = [];
  const clients: Client[] = [];
  const open = (i: number, nsp: '/room' | '/control', auth: Record<string, string>) => {
    const c = client(urls[i]!, nsp, auth);
    clients.push(c);
    return c;
  };
  const wall = (i: number, wallId: string, room = 'hall') => open(i, '/room', { room, wallId, token: WALL });

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const dir = await mkdtemp(join(tmpdir(), 'zhdj-control-socket-'));
      dirs.push(dir);
      const config = testConfig({
        DATA_DIR: dir,
        REDIS_URL: REDIS_TEST_URL,
        REDIS_PREFIX: prefix,
        OPERATOR_TOKENS: `${CITY_OP}:王市:610100,${COUNTY_OP}:李县:610113`,
        SCREEN_TOKENS: `${WALL}:610100,${COUNTY_WALL}:610113`,
      });
      const fastify = Fastify({ ...serverOptions(config), logger: false });
      await fastify.register(app, {
        config,
        screenDir: join(dir, 'none'),
        alerts: { now: clock, manual: true },
        control: { now: clock, manual: true },
        auditNow: clock,
      });
      await fastify.ready();
      await fastify.listen({ port: 0, host: '127.0.0.1' });
      const address = fastify.server.address();
      urls.push(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
      apps.push(fastify);
    }
  });
  afterAll(async () => {
    for (const c of clients) c.socket.disconnect();
    for (const a of apps) await a.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
    await dropPrefix(prefix);
  });

  it('a command reaches the walls on both processes; their acknowledgements reach the control page', async () => {
    const walls = [wall(0, 'w1'), wall(0, 'w2'), wall(1, 'w3')];
    const ctl = open(0, '/control', { room: 'hall', token: CITY_OP });
    await Promise.all([...walls, ctl].map(connected));
    // each gets the room at once
    await until(() => [...walls, ctl].every((c) => c.rooms.length >= 1), 5000, 'the first room state');
    expect(ctl.sessions[0]).toMatchObject({ name: '王市', via: 'operator', expiresAt: null });

    const r = await send(ctl, { type: 'region', region: '610113' });
    expect(r).toMatchObject({ ok: true });
    const v = (r as { v: number }).v;
    await until(() => walls.every((w) => w.last()?.view.region === '610113'), 5000, 'the walls get the region');
    for (const w of walls) expect(w.last()).toMatchObject({ v, controller: { name: '王市', via: 'operator' } });
    await until(() => ctl.last()?.v === v, 5000, 'the control page mirrors the room');

    for (const w of walls) w.socket.emit('applied', { v, at: clock() });
    await until(() => ctl.applied.filter((a) => a.v === v).length === 3, 5000, 'three acknowledgements');
    expect(ctl.applied.map((a) => a.wallId).sort()).toEqual(['w1', 'w2', 'w3']);

    // a wall that comes back (to the other process) has the room at once
    walls[0]!.socket.disconnect();
    const back = wall(1, 'w1');
    await connected(back);
    await until(() => back.rooms.length >= 1, 5000, 'the room on reconnect');
    expect(back.rooms[0]!.view.region).toBe('610113');
    expect(back.rooms[0]!.v).toBe(v);

    // a command that is not one, or refused by the room, changes nothing
    expect(await send(ctl, { type: 'region', region: 'x' } as unknown as ControlCommand)).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
    expect(await send(ctl, { type: 'region', region: '999999' })).toMatchObject({ ok: false, reason: 'not_found' });
  });

  it('a second operator is refused until it takes control: a visible handover', async () => {
    const walls = [wall(0, 'h1', 'hand'), wall(1, 'h2', 'hand')];
    const first = open(0, '/control', { room: 'hand', token: CITY_OP });
    const second = open(1, '/control', { room: 'hand', token: COUNTY_OP });
    await Promise.all([...walls, first, second].map(connected));
    expect(await send(first, { type: 'theme', theme: 'floating' })).toMatchObject({ ok: true });
    expect(await send(second, { type: 'region', region: '610113' })).toMatchObject({
      ok: false,
      reason: 'not_controller',
    });
    const taken = await take(second);
    expect(taken).toMatchObject({ ok: true });
    const v = (taken as { v: number }).v;
    await until(() => walls.every((w) => w.last()?.v === v) && first.last()?.v === v, 5000, 'the handover');
    for (const c of [...walls, first])
      expect(c.last()).toMatchObject({
        controller: { name: '李县', via: 'operator' },
        handover: { from: '王市', to: '李县', at: t },
      });
    expect(await send(second, { type: 'region', region: '610113' })).toMatchObject({ ok: true });
    // the county operator's scope
    expect(await send(second, { type: 'region', region: '610112' })).toMatchObject({
      ok: false,
      reason: 'forbidden',
    });
    expect(await send(first, { type: 'region', region: '610112' })).toMatchObject({
      ok: false,
      reason: 'not_controller',
    });
  });

  it('pairs a tablet with a code: once, for its room only, not after its end; wrong codes lock out', async () => {
    const [a] = apps as [FastifyInstance];
    const op = { authorization: `Bearer ${CITY_OP}` };
    const show = async (room: string) => {
      const r = await a.inject({ method: 'POST', url: '/api/v1/control/pairing', headers: op, payload: { room } });
      expect(r.statusCode).toBe(200);
      return r.json() as { code: string; expiresAt: number; until: number };
    };
    const pair = (code: string) => a.inject({ method: 'POST', url: '/api/v1/control/pair', payload: { code } });

    expect(
      (await a.inject({ method: 'POST', url: '/api/v1/control/pairing', payload: { room: 'pair' } })).statusCode,
    ).toBe(401);
    const walls = [wall(0, 'p1', 'pair'), wall(1, 'p2', 'pair')];
    await Promise.all(walls.map(connected));
    const shown = await show('pair');
    expect(shown.code).toMatch(/^\d{6}$/);
    expect(shown.expiresAt).toBe(t + PAIRING_CODE_TTL_MS);
    await until(() => walls.every((w) => w.last()?.pairing?.code === shown.code), 5000, 'the code on the walls');
    // the code is for walls whose scope holds the region a tablet gets (the city here): not for a
    // county's wall in the room, nor for control pages, nor for an operator of another scope
    const county = open(1, '/room', { room: 'pair', wallId: 'p3', token: COUNTY_WALL });
    const presenter = open(0, '/control', { room: 'pair', token: COUNTY_OP });
    await Promise.all([connected(county), connected(presenter)]);
    await until(() => county.last() !== undefined && presenter.last() !== undefined, 5000, 'their states');
    expect(county.last()!.pairing).toMatchObject({ code: '', until: shown.until });
    expect(presenter.last()!.pairing).toMatchObject({ code: '' });
    const listed = async (token: string) =>
      (
        (
          await a.inject({ method: 'GET', url: '/api/v1/control/rooms', headers: { authorization: `Bearer ${token}` } })
        ).json() as RoomState[]
      ).find((r) => r.room === 'pair')!.pairing?.code;
    expect(await listed(CITY_OP)).toBe(shown.code);
    expect(await listed(COUNTY_OP)).toBe('');

    const wrong = shown.code === '000000' ? '000001' : '000000';
    expect((await pair(wrong)).statusCode).toBe(401);
    const ok = await pair(shown.code);
    expect(ok.statusCode).toBe(200);
    const paired = ok.json() as { token: string; room: string; expiresAt: number };
    expect(paired).toMatchObject({ room: 'pair', expiresAt: t + CONTROL_SESSION_TTL_MS });
    // once: the code is spent, and the walls show another
    expect((await pair(shown.code)).statusCode).toBe(401);
    await until(
      () => walls.every((w) => w.last()?.pairing?.code !== shown.code && w.last()?.pairing !== null),
      5000,
      'a fresh code on the walls',
    );

    // the session drives its room (from either process), no other
    const tablet = open(1, '/control', { room: 'pair', token: paired.token });
    await connected(tablet);
    await until(() => tablet.sessions.length === 1, 5000, 'the session');
    expect(tablet.sessions[0]).toMatchObject({ via: 'pairing', expiresAt: paired.expiresAt });
    expect(await send(tablet, { type: 'region', region: '610112' })).toMatchObject({ ok: true });
    await until(() => walls.every((w) => w.last()?.view.region === '610112'), 5000, 'the tablet drives the walls');
    expect(walls[0]!.last()!.controller).toMatchObject({ via: 'pairing' });
    // the tablet reads what its scope allows (region names, alerts), like a wall of that region
    const read = (url: string, token: string) =>
      a.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    expect((await read('/api/v1/snapshot?region=610112', paired.token)).statusCode).toBe(200);
    expect((await read('/api/v1/alerts?region=610100', paired.token)).statusCode).toBe(200);
    expect((await read('/api/v1/snapshot?region=620100', paired.token)).statusCode).toBe(403);
    expect((await read('/api/v1/snapshot?region=610112', 'not-a-session-0123456789')).statusCode).toBe(401);
    expect(await refusedWith(open(0, '/control', { room: 'other', token: paired.token }))).toMatchObject({
      reason: 'forbidden',
    });
    expect(await refusedWith(open(0, '/control', { room: 'pair', token: 'nonsense' }))).toMatchObject({
      reason: 'unauthorized',
    });

    // a code past its end (the rooms' clock) no longer pairs
    const late = await show('pair');
    t += PAIRING_CODE_TTL_MS + 1000;
    expect((await pair(late.code)).statusCode).toBe(401);

    // the session ends after CONTROL_SESSION_TTL_MS: its commands are refused
    t += CONTROL_SESSION_TTL_MS;
    expect(await send(tablet, { type: 'region', region: '610113' })).toMatchObject({ ok: false, reason: 'expired' });

    // a success clears the failures; then PAIR_FAIL_LIMIT wrong codes lock the address out,
    // even for a right code
    const fresh = await show('pair');
    expect((await pair(fresh.code)).statusCode).toBe(200);
    const right = await show('pair');
    const bad = right.code === '000000' ? '000001' : '000000';
    for (let i = 0; i < PAIR_FAIL_LIMIT; i++) expect((await pair(bad)).statusCode).toBe(401);
    const locked = await pair(right.code);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('a scene or tour is replaced or deleted only by a sender whose scope holds all it shows', async () => {
    const [a] = apps as [FastifyInstance];
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    const scene = (id: string, region: string, token: string) =>
      a.inject({
        method: 'PUT',
        url: `/api/v1/control/scenes/${id}`,
        headers: as(token),
        payload: { name: id, region, theme: 'study', panel: null, lang: 'zh' },
      });
    expect((await scene('scope-city', '610100', CITY_OP)).statusCode).toBe(200);
    // the county operator may not overwrite the city's scene with its own county, nor delete it
    expect((await scene('scope-city', '610113', COUNTY_OP)).statusCode).toBe(403);
    const del = (kind: string, id: string, token: string) =>
      a.inject({ method: 'DELETE', url: `/api/v1/control/${kind}/${id}`, headers: as(token) });
    expect((await del('scenes', 'scope-city', COUNTY_OP)).statusCode).toBe(403);
    const tour = (id: string, token: string) =>
      a.inject({
        method: 'PUT',
        url: `/api/v1/control/tours/${id}`,
        headers: as(token),
        payload: { name: id, steps: [{ scene: 'scope-city', dwellS: 10 }], loop: true, takeover: false, takeoverS: 20 },
      });
    expect((await tour('scope-tour', CITY_OP)).statusCode).toBe(200);
    expect((await del('tours', 'scope-tour', COUNTY_OP)).statusCode).toBe(403);
    // its own: yes
    expect((await scene('scope-county', '610113', COUNTY_OP)).statusCode).toBe(200);
    expect((await del('scenes', 'scope-county', COUNTY_OP)).statusCode).toBe(204);
    expect((await del('tours', 'scope-tour', CITY_OP)).statusCode).toBe(204);
    expect((await del('scenes', 'scope-city', CITY_OP)).statusCode).toBe(204);
  });

  it('every command is audited (kind control)', async () => {
    const ctl = open(0, '/control', { room: 'audited', token: CITY_OP });
    await connected(ctl);
    expect(await send(ctl, { type: 'region', region: '610113' })).toMatchObject({ ok: true });
    const other = open(1, '/control', { room: 'audited', token: COUNTY_OP });
    await connected(other);
    expect(await send(other, { type: 'region', region: '610113' })).toMatchObject({ reason: 'not_controller' });
    const find = async () =>
      (await apps[0]!.audit.query({ from: t - 3_600_000, to: t + 3_600_000, kind: 'control' })).filter(
        (r) => r.action === 'control.region' && r.detail?.room === 'audited',
      );
    let found: Awaited<ReturnType<typeof find>> = [];
    for (let i = 0; i < 100 && found.length < 2; i++) {
      for (const a of apps) await a.audit.flush();
      found = await find();
      if (found.length < 2) await new Promise((r) => setTimeout(r, 50));
    }
    expect(found.map((r) => [r.actor, r.result, r.detail?.region]).sort()).toEqual([
      ['李县', 'not_controller', '610113'],
      ['王市', 'ok', '610113'],
    ]);
  });
});
