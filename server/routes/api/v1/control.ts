// The control API (issue 11, SPEC 11): scenes and tours (stored by the server, both engines),
// the rooms, pairing codes shown on a room's walls, pairing a tablet with a code, and renewing
// its session. Scenes and tours: an operator token or a paired session, regions within its
// scope. Rooms and pairing requests: operators. Every change and every refusal is audited
// (kind `control`).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { containsCode } from '../../../../geo/codes.ts';
import { getRegion } from '../../../../geo/registry.ts';
import { actorOf } from '../../../audit/token.ts';
import { IdParam, RoomName, SceneBody, TourBody } from '../../../control/schema.ts';
import type { Actor } from '../../../control/service.ts';
import { bearer } from '../../../plugins/auth.ts';
import { Lockout } from '../../../plugins/lockout.ts';
import { withoutCode } from '../../../control/room.ts';
import { ErrorBody } from '../../schemas.ts';

/** wrong pairing codes from one address before a lockout (a code is 6 digits and lives 60 s) */
export const PAIR_FAIL_LIMIT = 5;
const PAIR_LOCKOUT_MS = 5 * 60_000;

const ERROR: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};
const RESULT: Readonly<Record<number, string>> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  429: 'rate_limited',
  503: 'unavailable',
};

const control: FastifyPluginAsync<{ now?: () => number }> = async (fastify, opts) => {
  const { audit } = fastify;
  const pairLockout = new Lockout({
    limit: PAIR_FAIL_LIMIT,
    windowMs: PAIR_LOCKOUT_MS,
    lockoutMs: PAIR_LOCKOUT_MS,
    ...(opts.now ? { now: opts.now } : {}),
  });

  const record = (
    request: FastifyRequest,
    action: string,
    status: number,
    by: string,
    detail: Record<string, string | number>,
  ) =>
    audit
      .record({
        kind: 'control',
        action,
        actor: actorOf(bearer(request.headers.authorization), true),
        address: request.ip,
        status,
        result: status < 300 ? 'ok' : (RESULT[status] ?? String(status)),
        detail: { by, ...detail },
      })
      .catch((err: unknown) => request.log.error({ err }, 'audit record failed'));

  const send = async (
    request: FastifyRequest,
    reply: FastifyReply,
    action: string,
    status: number,
    message: string,
    by: string,
    detail: Record<string, string | number> = {},
  ) => {
    await record(request, action, status, by, detail);
    return reply.code(status).send({ statusCode: status, error: ERROR[status] ?? 'Error', message });
  };

  /** the actor of the request (an operator or a paired session) or a 401 sent */
  const actorOrRefuse = async (request: FastifyRequest, reply: FastifyReply, action: string): Promise<Actor | null> => {
    const actor = await fastify.controlActor(bearer(request.headers.authorization));
    if (!actor) {
      reply.header('WWW-Authenticate', 'Bearer');
      await send(
        request,
        reply,
        action,
        401,
        'an operator token or a pairing session is needed (Authorization: Bearer)',
        'none',
      );
      return null;
    }
    return actor;
  };

  const regionCheck = async (
    request: FastifyRequest,
    reply: FastifyReply,
    action: string,
    actor: Actor,
    region: string,
    detail: Record<string, string | number>,
  ): Promise<boolean> => {
    if (!getRegion(region)) {
      await send(request, reply, action, 400, `unknown region ${region}`, actor.name, detail);
      return false;
    }
    if (!containsCode(actor.region, region)) {
      await send(
        request,
        reply,
        action,
        403,
        `region ${region} is outside ${actor.name}'s scope (${actor.region})`,
        actor.name,
        detail,
      );
      return false;
    }
    return true;
  };

  /** the regions a stored scene or tour shows: replacing or deleting it needs them all in scope */
  const storedRegions = (kind: 'scene' | 'tour', id: string): string[] => {
    const lib = fastify.control.library;
    if (kind === 'scene') {
      const scene = lib.scene(id);
      return scene ? [scene.region] : [];
    }
    const tour = lib.tour(id);
    return tour ? tour.steps.flatMap((st) => storedRegions('scene', st.scene)) : [];
  };
  const ownsStored = async (
    request: FastifyRequest,
    reply: FastifyReply,
    action: string,
    actor: Actor,
    kind: 'scene' | 'tour',
    id: string,
    detail: Record<string, string | number>,
  ): Promise<boolean> => {
    for (const region of storedRegions(kind, id))
      if (!(await regionCheck(request, reply, action, actor, region, detail))) return false;
    return true;
  };

  const Scene = Type.Intersect([Type.Object({ id: Type.String() }), SceneBody]);
  const Tour = Type.Intersect([Type.Object({ id: Type.String() }), TourBody]);
  const Errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 503: ErrorBody };

  fastify.get(
    '/control/scenes',
    { schema: { tags: ['control'], summary: 'saved scenes', response: { 200: Type.Array(Scene), 401: ErrorBody } } },
    async (request, reply) => {
      if (!(await actorOrRefuse(request, reply, 'scene.list'))) return reply;
      return fastify.control.scenes();
    },
  );

  fastify.put<{ Params: { id: string }; Body: SceneBody }>(
    '/control/scenes/:id',
    {
      schema: {
        tags: ['control'],
        summary: 'create or replace a scene (a saved region, theme, full-screen panel and language)',
        params: IdParam,
        body: SceneBody,
        response: { 200: Scene, ...Errors },
      },
    },
    async (request, reply) => {
      const action = 'scene.put';
      const actor = await actorOrRefuse(request, reply, action);
      if (!actor) return reply;
      const scene = { id: request.params.id, ...request.body };
      const detail = { target: scene.id, region: scene.region };
      if (!(await ownsStored(request, reply, action, actor, 'scene', scene.id, detail))) return reply;
      if (!(await regionCheck(request, reply, action, actor, scene.region, detail))) return reply;
      await fastify.control.putScene(scene);
      await record(request, action, 200, actor.name, detail);
      return scene;
    },
  );

  fastify.delete<{ Params: { id: string } }>(
    '/control/scenes/:id',
    {
      schema: {
        tags: ['control'],
        summary: 'delete a scene',
        params: IdParam,
        response: { 204: Type.Null(), ...Errors },
      },
    },
    async (request, reply) => {
      const action = 'scene.delete';
      const actor = await actorOrRefuse(request, reply, action);
      if (!actor) return reply;
      const detail = { target: request.params.id };
      if (!(await ownsStored(request, reply, action, actor, 'scene', request.params.id, detail))) return reply;
      const used = fastify.control.tours().find((t) => t.steps.some((s) => s.scene === request.params.id));
      if (used) return send(request, reply, action, 400, `tour ${used.name} uses this scene`, actor.name, detail);
      if (!(await fastify.control.deleteScene(request.params.id)))
        return send(request, reply, action, 404, `no scene ${request.params.id}`, actor.name, detail);
      await record(request, action, 204, actor.name, detail);
      return reply.code(204).send(null);
    },
  );

  fastify.get(
    '/control/tours',
    { schema: { tags: ['control'], summary: 'saved tours', response: { 200: Type.Array(Tour), 401: ErrorBody } } },
    async (request, reply) => {
      if (!(await actorOrRefuse(request, reply, 'tour.list'))) return reply;
      return fastify.control.tours();
    },
  );

  fastify.put<{ Params: { id: string }; Body: TourBody }>(
    '/control/tours/:id',
    {
      schema: {
        tags: ['control'],
        summary: 'create or replace a tour (scenes with dwell times; takeover opt-in)',
        params: IdParam,
        body: TourBody,
        response: { 200: Tour, ...Errors },
      },
    },
    async (request, reply) => {
      const action = 'tour.put';
      const actor = await actorOrRefuse(request, reply, action);
      if (!actor) return reply;
      const tour = { id: request.params.id, ...request.body };
      const detail = { target: tour.id, steps: tour.steps.length };
      if (!(await ownsStored(request, reply, action, actor, 'tour', tour.id, detail))) return reply;
      const lib = fastify.control.library;
      for (const step of tour.steps) {
        const scene = lib.scene(step.scene);
        if (!scene) return send(request, reply, action, 400, `no scene ${step.scene}`, actor.name, detail);
        if (!(await regionCheck(request, reply, action, actor, scene.region, detail))) return reply;
      }
      await fastify.control.putTour(tour);
      await record(request, action, 200, actor.name, detail);
      return tour;
    },
  );

  fastify.delete<{ Params: { id: string } }>(
    '/control/tours/:id',
    {
      schema: {
        tags: ['control'],
        summary: 'delete a tour',
        params: IdParam,
        response: { 204: Type.Null(), ...Errors },
      },
    },
    async (request, reply) => {
      const action = 'tour.delete';
      const actor = await actorOrRefuse(request, reply, action);
      if (!actor) return reply;
      const detail = { target: request.params.id };
      if (!(await ownsStored(request, reply, action, actor, 'tour', request.params.id, detail))) return reply;
      if (!(await fastify.control.deleteTour(request.params.id)))
        return send(request, reply, action, 404, `no tour ${request.params.id}`, actor.name, detail);
      await record(request, action, 204, actor.name, detail);
      return reply.code(204).send(null);
    },
  );

  fastify.get(
    '/control/rooms',
    {
      onRequest: fastify.auth.requireOperator,
      schema: {
        tags: ['control'],
        summary: 'rooms and their state (operators)',
        response: { 200: Type.Array(Type.Unknown()), 401: ErrorBody },
      },
    },
    // the code only to operators whose scope holds the region a tablet paired by it gets
    async (request) =>
      (await fastify.control.rooms()).map((r) =>
        r.pairing && !containsCode(request.operator!.region, r.pairing.region) ? withoutCode(r) : r,
      ),
  );

  const RoomParam = Type.Object({ room: RoomName });
  fastify.post<{ Body: { room: string } }>(
    '/control/pairing',
    {
      onRequest: fastify.auth.requireOperator,
      schema: {
        tags: ['control'],
        summary: "show rotating 6-digit pairing codes on a room's walls (5 minutes)",
        body: Type.Object({ room: RoomName }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            room: Type.String(),
            code: Type.String(),
            expiresAt: Type.Number(),
            until: Type.Number(),
          }),
          401: ErrorBody,
        },
      },
    },
    async (request) => {
      const op = request.operator!;
      const shown = await fastify.control.showPairing(request.body.room, op);
      await record(request, 'pairing.show', 200, op.name, { room: request.body.room });
      return { room: request.body.room, ...shown };
    },
  );

  fastify.delete<{ Params: { room: string } }>(
    '/control/pairing/:room',
    {
      onRequest: fastify.auth.requireOperator,
      schema: {
        tags: ['control'],
        summary: 'hide the pairing code',
        params: RoomParam,
        response: { 204: Type.Null(), 401: ErrorBody },
      },
    },
    async (request, reply) => {
      await fastify.control.hidePairing(request.params.room);
      await record(request, 'pairing.hide', 204, request.operator!.name, { room: request.params.room });
      return reply.code(204).send(null);
    },
  );

  fastify.post<{ Body: { code: string } }>(
    '/control/pair',
    {
      schema: {
        tags: ['control'],
        summary: 'pair a tablet with the code a wall shows: a control session for that room, 15 minutes',
        body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 12 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ token: Type.String(), room: Type.String(), expiresAt: Type.Number() }),
          401: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const action = 'pairing.pair';
      const locked = pairLockout.lockedForMs(request.ip);
      if (locked > 0) {
        reply.header('Retry-After', String(Math.ceil(locked / 1000)));
        return send(request, reply, action, 429, 'too many wrong codes from this address; wait', 'none');
      }
      const paired = await fastify.control.pair(request.body.code.trim());
      if (!paired) {
        pairLockout.fail(request.ip);
        return send(request, reply, action, 401, 'wrong or expired code', 'none');
      }
      pairLockout.succeed(request.ip);
      await record(request, action, 200, paired.session.name, {
        room: paired.session.room,
        session: paired.session.id,
      });
      return { token: paired.token, room: paired.session.room, expiresAt: paired.session.expiresAt };
    },
  );

  fastify.post(
    '/control/session',
    {
      schema: {
        tags: ['control'],
        summary: "renew a paired tablet's session (another 15 minutes)",
        response: { 200: Type.Object({ room: Type.String(), expiresAt: Type.Number() }), 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const token = bearer(request.headers.authorization);
      const s = token ? await fastify.control.renew(token) : null;
      if (!s) return send(request, reply, 'session.renew', 401, 'no such session (expired?); pair again', 'none');
      await record(request, 'session.renew', 200, s.name, { room: s.room, session: s.id });
      return { room: s.room, expiresAt: s.expiresAt };
    },
  );
};

export default control;
