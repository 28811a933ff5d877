// PUT /api/v1/roster (SPEC 4): replaces the organization tree.
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { getRegion } from '../../../../geo/registry.ts';
import { actorOf } from '../../../audit/token.ts';
import { Roster } from '../../../contract/index.ts';
import { bearer } from '../../../plugins/auth.ts';
import { ErrorBody } from '../../schemas.ts';
import { checkRoster } from './roster-check.ts';

const RosterProblem = Type.Object({ index: Type.Integer(), id: Type.String(), message: Type.String() });

/** The roster record's result by status (401/403/429 are the refusals' records). */
const RESULT: Readonly<Record<number, string>> = { 200: 'ok', 400: 'invalid', 413: 'too_large', 503: 'unavailable' };

const roster: FastifyPluginAsync = async (fastify) => {
  fastify.put(
    '/roster',
    {
      onRequest: fastify.auth.requireIngest,
      // per-token rate limit, after the token check (plugins/limits.ts)
      config: { rateLimit: fastify.limits.roster },
      // audit: every replacement tried — who, how many orgs, the result
      onResponse: async (request, reply) => {
        const status = reply.statusCode;
        if (status === 401 || status === 403 || status === 429) return;
        const body = request.body as unknown;
        await fastify.audit
          .record({
            kind: 'roster',
            action: 'PUT /api/v1/roster',
            actor: actorOf(bearer(request.headers.authorization), fastify.auth.ingestAuth),
            address: request.ip,
            status,
            result: RESULT[status] ?? (status >= 500 ? 'error' : 'refused'),
            ...(Array.isArray(body) ? { detail: { orgs: body.length } } : {}),
          })
          .catch((err: unknown) => request.log.error({ err }, 'audit: roster record not yet written'));
      },
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
