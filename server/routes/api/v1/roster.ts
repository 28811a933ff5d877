// PUT /api/v1/roster (SPEC 4): replaces the organization tree.
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { getRegion } from '../../../../geo/registry.ts';
import { Roster } from '../../../contract/index.ts';
import { ErrorBody } from '../../schemas.ts';
import { checkRoster } from './roster-check.ts';

const RosterProblem = Type.Object({ index: Type.Integer(), id: Type.String(), message: Type.String() });

const roster: FastifyPluginAsync = async (fastify) => {
  fastify.put(
    '/roster',
    {
      onRequest: fastify.auth.requireIngest,
      // per-token rate limit, after the token check (plugins/limits.ts)
      config: { rateLimit: fastify.limits.roster },
      schema: {
        summary: 'Replace the organization roster',
        description:
          'Unique ids, every parent present, no cycles, regions known (GB/T 2260 codes of the registry). ' +
          'Aggregates are kept.',
        tags: ['roster'],
        security: [{ bearer: [] }],
        body: Roster,
        response: {
          200: Type.Object({ orgs: Type.Integer() }),
          400: Type.Object({
            statusCode: Type.Integer(),
            error: Type.String(),
            message: Type.String(),
            problems: Type.Optional(Type.Array(RosterProblem)),
          }),
          401: ErrorBody,
          413: ErrorBody,
          503: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const orgs = request.body as Roster;
      const problems = checkRoster(orgs, (code) => getRegion(code) !== undefined);
      if (problems.length > 0) {
        return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: problems[0]!.message, problems });
      }
      await fastify.store.putRoster(orgs);
      request.log.info({ orgs: orgs.length }, 'roster replaced');
      return { orgs: orgs.length };
    },
  );
};

export default roster;
