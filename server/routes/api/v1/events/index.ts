// POST /api/v1/events (SPEC 3): parse once, validate per item, one durable store write.
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import {
  IngestEvent,
  IngestResponse,
  MAX_BATCH_EVENTS,
  type NormalizedEvent,
  type Rejection,
} from '../../../../contract/index.ts';
import { validateEventInPlace } from '../../../../contract/validate.ts';
import { actorOf } from '../../../../audit/token.ts';
import { bearer } from '../../../../plugins/auth.ts';
import { StoreUnavailableError } from '../../../../store/types.ts';
import { ErrorBody } from '../../../schemas.ts';
import { parseJsonBatch, parseNdjsonBatch, type ParsedBatch } from './parse.ts';

const DAY_MS = 86_400_000;
const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson'];

const events: FastifyPluginAsync<{ retentionDays: number; bodyLimit: number }> = async (fastify, opts) => {
  const { store, metrics } = fastify;
  const retentionMs = opts.retentionDays * DAY_MS;

  // Encapsulated: only this route parses bodies this way. Fastify's JSON parser would scan
  // for __proto__ and build errors per request; validateEvent rejects such keys per item.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: opts.bodyLimit },
    (_req, body, done) => {
      try {
        done(null, parseJsonBatch(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
  fastify.addContentTypeParser(NDJSON_TYPES, { parseAs: 'string', bodyLimit: opts.bodyLimit }, (_req, body, done) => {
    try {
      done(null, parseNdjsonBatch(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  fastify.post(
    '/events',
    {
      onRequest: fastify.auth.requireIngest,
      // per-token rate limit, after the token check (plugins/limits.ts)
      config: { rateLimit: fastify.limits.ingest },
      onResponse: async (_req, reply) => {
        metrics.ingestBatchSeconds.observe({ status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      },
      // The schema documents the body; validateEvent checks it per item so that one bad
      // event never sinks the batch.
      validatorCompiler: () => () => true,
      schema: {
        summary: 'Ingest a batch of events',
        description:
          'A JSON array (Content-Type: application/json) or NDJSON (application/x-ndjson) ' +
          `of at most ${MAX_BATCH_EVENTS} events. ` +
          'Invalid events are listed in `rejected`; the others are accepted once durable. ' +
          'Duplicates (same id) count once.',
        tags: ['ingest'],
        security: [{ bearer: [] }],
        consumes: ['application/json', ...NDJSON_TYPES],
        body: Type.Array(IngestEvent, { maxItems: MAX_BATCH_EVENTS }),
        response: { 200: IngestResponse, 400: ErrorBody, 401: ErrorBody, 413: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const { items, lineErrors } = request.body as unknown as ParsedBatch;
      const nowMs = Date.now();
      const ctx = { nowMs, retentionMs, isKnownOrg: (org: string) => store.isKnownOrg(org) };
      const valid: NormalizedEvent[] = [];
      const rejected: Rejection[] = [];
      for (let i = 0; i < items.length; i++) {
        const lineError = lineErrors.get(i);
        if (lineError !== undefined) {
          // `as` because the contract's Static<> of a mapped literal union infers never (reported)
          rejected.push({ index: i, id: null, reason: 'not_object' as Rejection['reason'], message: lineError });
          continue;
        }
        // the parsed body is ours: accepted events are normalized in place, not copied
        const v = validateEventInPlace(items[i], i, ctx);
        if (v.ok) valid.push(v.event);
        else rejected.push(v.rejection);
      }
      // release the parsed body: while the store makes the batch durable (an fsync, a Redis
      // round trip) only what the store kept stays reachable, so the events die young
      (request as { body: unknown }).body = undefined;
      let accepted = 0;
      let duplicates = 0;
      if (valid.length > 0) {
        try {
          let duplicateIndexes: number[];
          ({ accepted, duplicates, duplicateIndexes } = await store.ingest(valid, nowMs));
          // the alert rules' inputs: this source's last batch, its study events per county
          const source = fastify.auth.sourceOf(bearer(request.headers.authorization));
          fastify.alerts.noteIngest(source, valid, duplicateIndexes);
        } catch (err) {
          metrics.storeErrors.inc({ op: 'ingest' });
          metrics.ingestEvents.inc({ result: 'unavailable' }, items.length);
          if (err instanceof StoreUnavailableError) {
            request.log.warn({ err }, 'store unavailable: batch refused');
            reply.header('Retry-After', String(err.retryAfterS));
            return reply.code(503).send({
              statusCode: 503,
              error: 'Service Unavailable',
              message: 'the store cannot take writes now; nothing was accepted, retry later',
            });
          }
          throw err;
        }
      }
      metrics.ingestEvents.inc({ result: 'accepted' }, accepted);
      metrics.ingestEvents.inc({ result: 'duplicate' }, duplicates);
      metrics.ingestEvents.inc({ result: 'rejected' }, rejected.length);
      // audit: one tally per token and clock hour, written at the hour change (no write per batch)
      fastify.audit.count(
        {
          kind: 'ingest',
          action: 'POST /api/v1/events',
          actor: actorOf(bearer(request.headers.authorization), fastify.auth.ingestAuth),
          result: 'ok',
        },
        { batches: 1, accepted, duplicates, rejected: rejected.length },
      );
      return { accepted, duplicates, rejected };
    },
  );
};

export default events;
