// The early-warning center's API (issue 10, SPEC 10): alerts, acknowledgements, silences and the
// operators' audit trail. Reads are scoped like the read API (a screen, operator or ingest
// token); actions need an operator token and stay at or below the operator's region. Every
// action and every refusal of one is audited (kind `alert`) before the answer.
import type { FastifyReply, FastifyRequest, FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { containsCode } from '../../../../geo/codes.ts';
import { nameOf } from '../../../../geo/registry.ts';
import { AlertRefusedError, type RefusalCode } from '../../../alerts/lifecycle.ts';
import { actorOf } from '../../../audit/token.ts';
import type { AlertStateName, AuditEntryView } from '../../../contract/alerts.ts';
import type { Operator } from '../../../config.ts';
import { bearer, defaultRegion } from '../../../plugins/auth.ts';
import { ErrorBody } from '../../schemas.ts';

const DAY_MS = 86_400_000;
const REGION = Type.String({ pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12})$', description: 'GB/T 2260 region code' });
const Comment = Type.String({ minLength: 1, maxLength: 500, description: 'why (shown in the console and the audit)' });
const Ms = Type.Integer({ minimum: 0, description: 'ms since the epoch' });

const AlertsQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(['pending', 'firing', 'resolved', 'nodata'].map((s) => Type.Literal(s)))),
    severity: Type.Optional(Type.Union(['red', 'orange', 'yellow'].map((s) => Type.Literal(s)))),
    region: Type.Optional(REGION),
    from: Type.Optional(Ms),
    to: Type.Optional(Ms),
  },
  { additionalProperties: false },
);
const Fingerprint = Type.Object({ fingerprint: Type.String({ minLength: 1, maxLength: 200 }) });
const SilenceId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const AckBody = Type.Object({ comment: Comment }, { additionalProperties: false });
const SilenceBody = Type.Object(
  {
    matchers: Type.Object(
      {
        rule: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        region: REGION,
        descendants: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    endsAt: Type.Optional(Ms),
    untilResolved: Type.Optional(Type.Literal(true)),
    comment: Comment,
  },
  { additionalProperties: false },
);
const AuditQuery = Type.Object(
  { region: Type.Optional(REGION), from: Type.Optional(Ms), to: Type.Optional(Ms) },
  { additionalProperties: false },
);

const STATUS: Readonly<Record<RefusalCode, number>> = {
  not_found: 404,
  silence_not_found: 404,
  resolved: 409,
  silence_ended: 409,
  invalid: 400,
};
const RESULT: Readonly<Record<number, string>> = {
  400: 'invalid',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  503: 'unavailable',
};
const ERROR: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
};

const regionLabel = (code: string): string => `${nameOf(code) ?? code} (${code})`;

const alerts: FastifyPluginAsync = async (fastify) => {
  const { auth, audit } = fastify;
  const service = fastify.alerts;
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

  /** the operator's action, audited whatever its result */
  const record = async (
    request: FastifyRequest,
    action: string,
    target: string,
    region: string,
    status: number,
    comment = '',
  ): Promise<void> => {
    const op = request.operator!;
    await audit
      .record({
        kind: 'alert',
        action,
        actor: actorOf(bearer(request.headers.authorization), true),
        address: request.ip,
        status,
        result: status < 300 ? 'ok' : (RESULT[status] ?? String(status)),
        detail: { by: op.name, operatorRegion: op.region, target, region, comment },
      })
      .catch((err: unknown) => request.log.error({ err }, 'audit record failed'));
  };

  const refuse = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    message: string,
    audited: { action: string; target: string; region: string; comment?: string },
  ): Promise<FastifyReply> => {
    await record(request, audited.action, audited.target, audited.region, status, audited.comment);
    return reply.code(status).send({ statusCode: status, error: ERROR[status] ?? 'Error', message });
  };

  const outOfRegion = (op: Operator, what: string, region: string): string =>
    `${op.name} acts on alerts in ${regionLabel(op.region)} and below; ${what} is at ${regionLabel(region)}` +
    ` / ${op.name} 只能处置 ${nameOf(op.region) ?? op.region} 及下辖地区的预警`;

  /** runs an action; a lifecycle refusal answers its status (audited) */
  const act = async <T>(
    request: FastifyRequest,
    reply: FastifyReply,
    audited: { action: string; target: string; region: string; comment?: string },
    run: () => Promise<T>,
    okStatus = 200,
  ): Promise<T | FastifyReply> => {
    try {
      const result = await run();
      await record(request, audited.action, audited.target, audited.region, okStatus, audited.comment);
      return reply.code(okStatus).send(result);
    } catch (err) {
      if (err instanceof AlertRefusedError) return refuse(request, reply, STATUS[err.code], err.message, audited);
      // the state's store (Redis, the disk) did not take it: nothing changed, retry
      request.log.warn({ err }, 'alert action not stored');
      await record(request, audited.action, audited.target, audited.region, 503, audited.comment);
      return reply.code(503).header('Retry-After', '2').send({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'the alert state could not be stored; nothing changed, retry shortly',
      });
    }
  };

  /** reads: an operator's region, else what the read API allows for `?region=` */
  const readScope = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const op = auth.operator(bearer(request.headers.authorization));
    if (!op) return auth.requireRegionScope(request, reply);
    request.operator = op;
    const region = (request.query as { region?: string }).region;
    if (region !== undefined && !containsCode(op.region, region)) {
      return reply.code(403).send({
        statusCode: 403,
        error: 'Forbidden',
        message: `this operator may read ${op.region} and the regions below it, not ${region}`,
      });
    }
    return undefined;
  };
  const readRegion = (request: FastifyRequest): string =>
    (request.query as { region?: string }).region ?? request.operator?.region ?? defaultRegion();

  fastify.get(
    '/alerts',
    {
      onRequest: readScope,
      schema: {
        summary: 'Alerts at a region or below it (SPEC 10)',
        description:
          '`region` (default: the operator’s region, else 610100): alerts at that region or below. ' +
          '`from`/`to` (ms): alerts active at some instant in [from, to). Kept 90 days (ALERT_RETENTION_DAYS).',
        tags: ['alerts'],
        querystring: AlertsQuery,
        response: { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const q = request.query as { state?: AlertStateName; severity?: 'red'; from?: number; to?: number };
      return {
        alerts: service.list({
          region: readRegion(request),
          ...(q.state ? { state: q.state } : {}),
          ...(q.severity ? { severity: q.severity } : {}),
          ...(q.from !== undefined ? { from: q.from } : {}),
          ...(q.to !== undefined ? { to: q.to } : {}),
        }),
      };
    },
  );

  fastify.get(
    '/alerts/:fingerprint/history',
    {
      onRequest: readScope,
      schema: {
        summary: 'An alert’s transitions and the actions on it, oldest first',
        tags: ['alerts'],
        params: Fingerprint,
        response: errors,
      },
    },
    async (request, reply) => {
      const { fingerprint } = request.params as { fingerprint: string };
      const alert = service.get(fingerprint);
      const scope = request.operator?.region;
      if (!alert || (scope !== undefined && !containsCode(scope, alert.region))) {
        return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no alert ${fingerprint}` });
      }
      return { entries: await service.history(fingerprint) };
    },
  );

  const ackRoute = (method: 'POST' | 'DELETE') =>
    fastify.route({
      method,
      url: '/alerts/:fingerprint/ack',
      onRequest: auth.requireOperator,
      schema: {
        summary: method === 'POST' ? 'Acknowledge an alert (operator token)' : 'Withdraw an acknowledgement',
        description:
          '200 with the alert; 403 outside the operator’s region; 404 unknown fingerprint; 409 resolved. Audited.',
        tags: ['alerts'],
        params: Fingerprint,
        ...(method === 'POST' ? { body: AckBody } : {}),
        response: errors,
      },
      handler: async (request, reply) => {
        const op = request.operator!;
        const { fingerprint } = request.params as { fingerprint: string };
        const comment = method === 'POST' ? (request.body as { comment: string }).comment : '';
        const action = method === 'POST' ? 'alert.ack' : 'alert.unack';
        const alert = service.get(fingerprint);
        const audited = { action, target: fingerprint, region: alert?.region ?? op.region, comment };
        if (!alert) return refuse(request, reply, 404, `no alert ${fingerprint}`, audited);
        if (!containsCode(op.region, alert.region)) {
          return refuse(request, reply, 403, outOfRegion(op, 'this alert', alert.region), audited);
        }
        return act(request, reply, audited, () =>
          method === 'POST' ? service.ack(fingerprint, op.name, comment) : service.unack(fingerprint, op.name),
        );
      },
    });
  ackRoute('POST');
  ackRoute('DELETE');

  fastify.post(
    '/silences',
    {
      onRequest: auth.requireOperator,
      schema: {
        summary: 'Silence alerts (operator token): matchers, an end time or until resolved',
        description:
          'Silenced alerts never reach walls. `endsAt` (ms) or `untilResolved: true`; `descendants`: the ' +
          'regions below `region` too. 201 with the silence; 403 when `region` is outside the operator’s.',
        tags: ['alerts'],
        body: SilenceBody,
        response: errors,
      },
    },
    async (request, reply) => {
      const op = request.operator!;
      const body = request.body as {
        matchers: { rule?: string; region: string; descendants: boolean };
        endsAt?: number;
        untilResolved?: true;
        comment: string;
      };
      const audited = {
        action: 'silence.create',
        target: `${body.matchers.rule ?? '*'}@${body.matchers.region}${body.matchers.descendants ? '+' : ''}`,
        region: body.matchers.region,
        comment: body.comment,
      };
      if (!containsCode(op.region, body.matchers.region)) {
        return refuse(request, reply, 403, outOfRegion(op, 'this silence', body.matchers.region), audited);
      }
      return act(request, reply, audited, () => service.silence(body, op.name), 201);
    },
  );

  fastify.get(
    '/silences',
    {
      onRequest: readScope,
      schema: {
        summary: 'Silences at a region or below it, in force or ended (within the retention)',
        tags: ['alerts'],
        querystring: Type.Object({ region: Type.Optional(REGION) }, { additionalProperties: false }),
        response: { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const region = readRegion(request);
      return { silences: service.silences().filter((s) => containsCode(region, s.matchers.region)) };
    },
  );

  fastify.delete(
    '/silences/:id',
    {
      onRequest: auth.requireOperator,
      schema: {
        summary: 'Expire a silence now (operator token)',
        tags: ['alerts'],
        params: SilenceId,
        response: errors,
      },
    },
    async (request, reply) => {
      const op = request.operator!;
      const { id } = request.params as { id: string };
      const silence = service.silences().find((s) => s.id === id);
      const audited = { action: 'silence.expire', target: id, region: silence?.matchers.region ?? op.region };
      if (!silence) return refuse(request, reply, 404, `no silence ${id}`, audited);
      if (!containsCode(op.region, silence.matchers.region)) {
        return refuse(request, reply, 403, outOfRegion(op, 'this silence', silence.matchers.region), audited);
      }
      return act(request, reply, audited, () => service.expireSilence(id, op.name));
    },
  );

  fastify.get(
    '/audit',
    {
      onRequest: auth.requireOperator,
      schema: {
        summary: 'The operators’ actions and refusals at a region or below (operator token)',
        description: '`from`/`to` in ms (default: the last 24 h); `region` at or below the operator’s region.',
        tags: ['alerts'],
        querystring: AuditQuery,
        response: { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const op = request.operator!;
      const q = request.query as { region?: string; from?: number; to?: number };
      const region = q.region ?? op.region;
      if (!containsCode(op.region, region)) {
        return reply.code(403).send({
          statusCode: 403,
          error: 'Forbidden',
          message: `this operator may read the audit of ${op.region} and below, not ${region}`,
        });
      }
      const to = q.to ?? service.now() + 1;
      const from = q.from ?? to - DAY_MS;
      const records = await audit.query({ from, to, kind: 'alert' });
      const entries: AuditEntryView[] = [];
      for (const r of records) {
        const d = r.detail ?? {};
        // a refusal of an operator elsewhere is theirs: shown where it was aimed, and to its region
        const at = String(d.region ?? '');
        if (!containsCode(region, at) && !containsCode(region, String(d.operatorRegion ?? ''))) continue;
        entries.push({
          at: r.ts,
          by: String(d.by ?? r.actor),
          action: r.action,
          target: String(d.target ?? ''),
          comment: String(d.comment ?? ''),
          result: r.result,
        });
      }
      return { entries };
    },
  );
};

export default alerts;
