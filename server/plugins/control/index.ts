// Rooms and remote control (issue 11): the service (server/control/service.ts) on the app, the
// walls' namespace `/room` and the presenters' `/control`, and the tick that moves tours,
// takeovers, replays and pairing codes (every CONTROL_TICK_MS on every process; each change is
// stored once, by compare-and-set). Broadcasts go through the Socket.IO adapter: a room's walls
// and control pages on every process get each change.
import fp from 'fastify-plugin';
import type { Namespace, Socket } from 'socket.io';
import { containsCode, parentCodeOf } from '../../../geo/codes.ts';
import { ANY_REGION } from '../../push/scope.ts';
import { getRegion } from '../../../geo/registry.ts';
import { actorOf } from '../../audit/token.ts';
import type { Config } from '../../config.ts';
import {
  CONTROL_NAMESPACE,
  ROOM_NAME_RE,
  ROOM_NAMESPACE,
  type ControlToServer,
  type RoomState,
  type ServerToControl,
  type ServerToWall,
  type WallToServer,
} from '../../contract/control.ts';
import { ControlService, sha256, type Actor } from '../../control/service.ts';
import { withoutCode } from '../../control/room.ts';
import { isCommand } from '../../control/schema.ts';
import { FileControlStore, RedisControlStore, type ControlStore } from '../../control/store.ts';
import { redisTarget } from '../../store/redis/client.ts';
import { join } from 'node:path';

declare module 'fastify' {
  interface FastifyInstance {
    control: ControlService;
    /** who a token is on the control side: an operator, or a paired tablet's session */
    controlActor: (token: string | undefined) => Promise<Actor | null>;
  }
}

/** how often time passes for the rooms (a tour's step, a takeover, a code's rotation) */
export const CONTROL_TICK_MS = 250;

export const roomKey = (room: string): string => `room:${room}`;
/** a room's walls whose token reads `scope` and below ('*': any) */
const scopeKey = (room: string, scope: string): string => `room:${room}:scope:${scope}`;

/** the scope keys of walls that may see a code for `region`: its own, its ancestors', any */
function codeReaders(room: string, region: string): string[] {
  const keys = [scopeKey(room, ANY_REGION)];
  for (let c: string | null = region; c !== null; c = parentCodeOf(c)) keys.push(scopeKey(room, c));
  return keys;
}

export function createControlStore(config: Config, now: () => number = Date.now): ControlStore {
  const target = redisTarget(config);
  if (!target) return new FileControlStore(join(config.DATA_DIR, 'control'), now);
  return new RedisControlStore({
    target,
    prefix: config.REDIS_PREFIX,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
  });
}

type WallSocket = Socket<WallToServer, ServerToWall>;
type ControlSocket = Socket<ControlToServer, ServerToControl>;

export default fp<{ config: Config; now?: () => number; manual?: boolean; store?: ControlStore }>(
  async (fastify, { config, now = Date.now, manual, store }) => {
    const { audit, alerts, auth } = fastify;
    const walls = fastify.io.of(ROOM_NAMESPACE) as unknown as Namespace<WallToServer, ServerToWall>;
    const controls = fastify.io.of(CONTROL_NAMESPACE) as unknown as Namespace<ControlToServer, ServerToControl>;
    const controlStore = store ?? createControlStore(config, now);
    const service = new ControlService({
      store: controlStore,
      now,
      alerts: () =>
        alerts.list({}).map((a) => ({
          fingerprint: a.fingerprint,
          rule: a.rule,
          region: a.region,
          regionName: a.regionName,
          severity: a.severity,
          startsAt: a.startsAt,
          active:
            a.state === 'firing' &&
            a.ack === null &&
            a.silencedBy.length === 0 &&
            a.inhibitedBy === null &&
            !a.flapping,
        })),
      alert: (fingerprint) => alerts.get(fingerprint),
      knownRegion: (code) => getRegion(code) !== undefined,
      allowed: containsCode,
      emit: (state: RoomState) => {
        const key = roomKey(state.room);
        if (state.pairing) {
          const readers = codeReaders(state.room, state.pairing.region);
          walls.to(readers).emit('room', state);
          walls.to(key).except(readers).emit('room', withoutCode(state));
        } else walls.to(key).emit('room', state);
        controls.to(key).emit('room', withoutCode(state));
      },
    });
    await service.open();
    fastify.decorate('control', service);

    const controlActor = async (token: string | undefined): Promise<Actor | null> => {
      if (typeof token !== 'string' || token.length === 0) return null;
      const op = auth.operator(token);
      if (op)
        return {
          id: sha256(token).slice(0, 12),
          name: op.name,
          via: 'operator',
          region: op.region,
          room: null,
          expiresAt: null,
        };
      const s = await service.session(token);
      if (!s) return null;
      return { id: s.id, name: s.name, via: 'pairing', region: s.region, room: s.room, expiresAt: s.expiresAt };
    };
    fastify.decorate('controlActor', controlActor);
    // a paired tablet reads what its scope allows (region names, alerts) like a wall of that region
    auth.addReadScope(async (token) => (await service.session(token))?.region ?? null);

    const refusal = (nsp: string, socket: Socket, token: unknown, reason: string, message: string) => {
      audit.count(
        {
          kind: 'refusal',
          action: `join ${nsp}`,
          actor: actorOf(typeof token === 'string' ? token : undefined, true),
          address: socket.handshake.address,
          result: reason,
        },
        undefined,
        true,
      );
      const err = new Error(message) as Error & { data: unknown };
      err.data = { reason, message };
      return err;
    };

    // walls: ?room= and the wall's own token (its scope decides what /screen serves it)
    walls.use((socket, next) => {
      const a = (socket.handshake.auth ?? {}) as { room?: unknown; wallId?: unknown; token?: unknown };
      if (
        typeof a.room !== 'string' ||
        !ROOM_NAME_RE.test(a.room) ||
        typeof a.wallId !== 'string' ||
        a.wallId.length > 64
      )
        return next(
          refusal(ROOM_NAMESPACE, socket, a.token, 'bad_request', 'room (1–32 of A-Z a-z 0-9 _ -) and wallId needed'),
        );
      if (auth.screenScope(typeof a.token === 'string' ? a.token : undefined) === null)
        return next(
          refusal(ROOM_NAMESPACE, socket, a.token, 'unauthorized', 'a screen token is needed (SCREEN_TOKENS)'),
        );
      const scope = auth.screenScope(typeof a.token === 'string' ? a.token : undefined)!;
      socket.data = { room: a.room, wallId: a.wallId, scope };
      next();
    });
    walls.on('connection', (socket: WallSocket) => {
      const { room, wallId, scope } = socket.data as { room: string; wallId: string; scope: string };
      const key = roomKey(room);
      void socket.join([key, scopeKey(room, scope)]);
      // a wall (re)joining gets the room's state at once
      service.room(room).then(
        (s) =>
          walls.local
            .to(socket.id)
            .emit(
              'room',
              s.pairing && (scope === ANY_REGION || containsCode(scope, s.pairing.region)) ? s : withoutCode(s),
            ),
        (err: unknown) => fastify.log.warn({ err, room }, 'room state read failed'),
      );
      socket.on('applied', (msg) => {
        if (typeof msg?.v !== 'number') return;
        controls.to(key).emit('applied', { wallId, v: msg.v, receivedAt: now() });
      });
      socket.on('status', (st) => {
        if (!st || typeof st !== 'object') return;
        controls.to(key).emit('wall', {
          wallId,
          region: String(st.region).slice(0, 12),
          theme: st.theme,
          lang: st.lang === 'en' ? 'en' : 'zh',
          live: st.live === true,
          replayAt: typeof st.replayAt === 'number' ? st.replayAt : null,
          v: Number(st.v) || 0,
          width: Number(st.width) || 0,
          height: Number(st.height) || 0,
          seenAt: now(),
        });
      });
      socket.on('disconnect', () => controls.to(key).emit('wallGone', { wallId }));
    });

    // presenters: an operator token or a pairing session, and the room
    controls.use((socket, next) => {
      const a = (socket.handshake.auth ?? {}) as { room?: unknown; token?: unknown };
      if (typeof a.room !== 'string' || !ROOM_NAME_RE.test(a.room))
        return next(refusal(CONTROL_NAMESPACE, socket, a.token, 'bad_request', 'a room name is needed'));
      const room = a.room;
      controlActor(typeof a.token === 'string' ? a.token : undefined).then(
        (actor) => {
          if (!actor)
            return next(
              refusal(
                CONTROL_NAMESPACE,
                socket,
                a.token,
                'unauthorized',
                'an operator token or a pairing session is needed',
              ),
            );
          if (actor.room !== null && actor.room !== room)
            return next(refusal(CONTROL_NAMESPACE, socket, a.token, 'forbidden', 'this pairing controls another room'));
          socket.data = { room, actor, token: a.token };
          next();
        },
        (err: unknown) => {
          const e = new Error('the control store cannot be read now') as Error & { data: unknown };
          e.data = { reason: 'unavailable', message: e.message };
          fastify.log.warn({ err }, 'control auth failed');
          next(e);
        },
      );
    });

    controls.on('connection', (socket: ControlSocket) => {
      const data = socket.data as { room: string; actor: Actor; token: string };
      const { room } = data;
      const key = roomKey(room);
      void socket.join(key);
      const sendSession = (actor: Actor) =>
        controls.local
          .to(socket.id)
          .emit('session', { id: actor.id, name: actor.name, via: actor.via, expiresAt: actor.expiresAt });
      sendSession(data.actor);
      service.room(room).then(
        (s) => controls.local.to(socket.id).emit('room', withoutCode(s)),
        (err: unknown) => fastify.log.warn({ err, room }, 'room state read failed'),
      );
      walls.to(key).emit('report');
      audit.count({
        kind: 'socket',
        action: `join ${CONTROL_NAMESPACE}`,
        actor: data.actor.name,
        result: 'ok',
        detail: { room },
      });

      /** the actor now: a paired session renewed since the handshake has a later expiry */
      const current = async (): Promise<Actor | null> => {
        if (data.actor.via === 'operator') return data.actor;
        const a = await controlActor(data.token);
        if (a) {
          if (a.expiresAt !== data.actor.expiresAt) sendSession(a);
          data.actor = a;
        }
        return a;
      };
      const record = (action: string, result: string, detail: Record<string, string | number>) =>
        audit
          .record({
            kind: 'control',
            action,
            actor: data.actor.name,
            address: socket.handshake.address,
            result,
            detail: { room, by: data.actor.name, via: data.actor.via, ...detail },
          })
          .catch((err: unknown) => fastify.log.error({ err }, 'audit record failed'));

      const run =
        (
          action: string,
          detail: Record<string, string | number>,
          f: (actor: Actor) => ReturnType<ControlService['command']>,
        ) =>
        async (ack: unknown) => {
          const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => undefined;
          try {
            const actor = await current();
            if (!actor) {
              await record(action, 'expired', detail);
              return reply({ ok: false, reason: 'expired', message: 'the control session expired; pair again' });
            }
            const r = await f(actor);
            // in the audit log before the presenter hears of it, like the alerts' actions
            await record(action, r.ok ? 'ok' : r.reason, r.ok ? { ...detail, v: r.v } : detail);
            reply(r);
          } catch (err) {
            fastify.log.warn({ err, room }, 'control command failed');
            await record(action, 'unavailable', detail);
            reply({ ok: false, reason: 'unavailable', message: 'the room cannot be changed now; try again' });
          }
        };

      socket.on('command', (cmd, ack) => {
        if (!isCommand(cmd)) {
          void record('control.invalid', 'invalid', {});
          if (typeof ack === 'function')
            ack({ ok: false, reason: 'invalid', message: 'not a command (see server/contract/control.ts)' });
          return;
        }
        // every argument: standby's on/off and a cleared spotlight or panel (null) included
        const detail: Record<string, string | number> = {};
        for (const [k, v] of Object.entries(cmd))
          if (k !== 'type') detail[k] = typeof v === 'number' || typeof v === 'string' ? v : String(v);
        void run(`control.${cmd.type}`, detail, (actor) => service.command(room, actor, cmd))(ack);
      });
      socket.on('takeControl', (ack) => void run('control.take', {}, (actor) => service.takeControl(room, actor))(ack));
      socket.on('release', (ack) => void run('control.release', {}, (actor) => service.release(room, actor))(ack));
    });

    if (!manual) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        service
          .tick()
          .catch((err: unknown) => fastify.log.warn({ err }, 'control tick failed'))
          .finally(() => (running = false));
      }, CONTROL_TICK_MS);
      timer.unref();
      fastify.addHook('preClose', async () => clearInterval(timer));
    }
    fastify.addHook('onClose', async () => controlStore.close());
  },
  { name: 'control', dependencies: ['alerts', 'socket', 'audit', 'auth'] },
);
