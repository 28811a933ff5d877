// The replay source over HTTP (issue 11): a region's recorded picture at an instant, and what is
// held. Authorized as GET /snapshot is (a screen, operator or ingest token whose scope covers
// `?region=`); a region answered by its recorded ancestor must lie in the scope too.
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { containsCode } from '../../../../geo/codes.ts';
import { bearer, defaultRegion } from '../../../plugins/auth.ts';
import { ANY_REGION } from '../../../push/scope.ts';
import { ErrorBody, RegionQuery } from '../../schemas.ts';

const Ms = Type.Integer({ minimum: 0, description: 'ms since the epoch' });
const SnapshotQuery = Type.Object({ region: RegionQuery.properties.region, at: Ms }, { additionalProperties: false });
const Range = Type.Object({
  region: Type.String({ description: 'the recorded region answered' }),
  from: Ms,
  to: Ms,
  count: Type.Integer({ minimum: 0 }),
  intervalMs: Type.Integer(),
});

const replay: FastifyPluginAsync = async (fastify) => {
  const { auth } = fastify;
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
  const notRecorded = (region: string) => ({
    statusCode: 404,
    error: 'Not Found',
    message:
      `${region} is not recorded for replay ` +
      '(the city 610100 and its counties are, and answer for the regions below them)',
  });

  /** the scope of the request's token ('*': any); the onRequest hook has already refused a bad one */
  const scopeOf = async (authorization: string | undefined): Promise<string> => {
    if (!auth.screenAuth) return ANY_REGION;
    // an ingest token (no scope of its own) reads anything, as on GET /snapshot
    return (await auth.readScope(bearer(authorization))) ?? ANY_REGION;
  };
  const outside = (scope: string, region: string) =>
    scope !== ANY_REGION && !containsCode(scope, region)
      ? {
          statusCode: 403,
          error: 'Forbidden',
          message: `${region} answers for this region in the replay; this token may read ${scope} and below only`,
        }
      : null;

  fastify.get(
    '/replay/snapshot',
    {
      onRequest: auth.requireRegionScope,
      schema: {
        summary: 'A region’s recorded picture at an instant (replay, issue 11)',
        description:
          'The latest record at or before `at` (ms), within REPLAY_RETENTION_DAYS. A region not recorded (a ' +
          'township, a village) answers with its nearest recorded ancestor (`region`, `snapshot.region`). ' +
          '404 when nothing is recorded at or before `at`.',
        tags: ['read'],
        querystring: SnapshotQuery,
        // no 200 schema: the snapshot is serialized as is, as GET /snapshot's
        response: errors,
      },
    },
    async (request, reply) => {
      const q = request.query as { region?: string; at: number };
      const region = q.region ?? defaultRegion();
      const answer = await fastify.replay.snapshotAt(region, q.at);
      if (!answer) {
        if (fastify.replay.recorded(region) === null) return reply.code(404).send(notRecorded(region));
        return reply.code(404).send({
          statusCode: 404,
          error: 'Not Found',
          message: `nothing is recorded for ${region} at or before ${new Date(q.at).toISOString()}`,
        });
      }
      const refused = outside(await scopeOf(request.headers.authorization), answer.region);
      if (refused) return reply.code(403).send(refused);
      return { region: answer.region, at: answer.at, snapshot: answer.snapshot };
    },
  );

  fastify.get(
    '/replay/range',
    {
      onRequest: auth.requireRegionScope,
      schema: {
        summary: 'What the replay holds for a region (first and last record, count)',
        tags: ['read'],
        querystring: RegionQuery,
        response: { 200: Range, ...errors },
      },
    },
    async (request, reply) => {
      const region = (request.query as { region?: string }).region ?? defaultRegion();
      const r = await fastify.replay.range(region);
      if (!r) {
        if (fastify.replay.recorded(region) === null) return reply.code(404).send(notRecorded(region));
        return reply
          .code(404)
          .send({ statusCode: 404, error: 'Not Found', message: `nothing is recorded for ${region} yet` });
      }
      const refused = outside(await scopeOf(request.headers.authorization), r.region);
      if (refused) return reply.code(403).send(refused);
      return { ...r, intervalMs: fastify.replay.intervalMs };
    },
  );
};

export default replay;
