// Read side of the API: what a wall or a dashboard asks for.
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import type { Config } from '../../../config.ts';
import { levelOf, nameOf } from '../../../../geo/registry.ts';
import { defaultRegion } from '../../../plugins/auth.ts';
import { ErrorBody, RegionQuery } from '../../schemas.ts';

const regionOf = (query: unknown): string => (query as { region?: string }).region ?? defaultRegion();

const read: FastifyPluginAsync<{ config: Config }> = async (fastify, { config }) => {
  const { views } = fastify;
  const notFound = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

  fastify.get(
    '/snapshot',
    {
      onRequest: fastify.auth.requireRegionScope,
      schema: {
        summary: 'Everything one wall needs for a region (SPEC 5)',
        description: 'Aggregates only. The shape is documented in server/README.md (Snapshot). Unknown region: 404.',
        tags: ['read'],
        querystring: RegionQuery,
        // no 200 schema: the snapshot is serialized as is (JSON.stringify), documented in the README
        response: notFound,
      },
    },
    async (request) => views.snapshot(regionOf(request.query), Date.now()),
  );

  fastify.get(
    '/orgs',
    {
      onRequest: fastify.auth.requireRegionScope,
      schema: {
        summary: 'Organizations of a region as map points',
        tags: ['read'],
        querystring: RegionQuery,
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.String(),
              name: Type.String(),
              kind: Type.String(),
              region: Type.String(),
              members: Type.Integer(),
              lng: Type.Number(),
              lat: Type.Number(),
            }),
          ),
          ...notFound,
        },
      },
    },
    async (request) => views.orgPoints(regionOf(request.query), Date.now()),
  );

  fastify.get(
    '/config',
    {
      schema: {
        summary: 'What the screen needs to know about this server',
        tags: ['read'],
        response: {
          200: Type.Object({
            area: Type.Object(
              {
                code: Type.String({ description: 'AREA: a province XX0000, a prefecture XXXX00 or 100000 (China)' }),
                name: Type.String(),
                level: Type.String(),
              },
              { description: 'what this deployment covers' },
            ),
            defaultRegion: Type.String({ description: 'the region a wall without ?region= shows: the area' }),
            frameIntervalMs: Type.Integer(),
            timeZone: Type.String(),
            mapStyleUrl: Type.Union([Type.String(), Type.Null()]),
            screenAuth: Type.Boolean(),
            replayIntervalMs: Type.Integer({ description: 'how often the replay source records a picture' }),
          }),
        },
      },
    },
    async () => ({
      area: {
        code: defaultRegion(),
        name: nameOf(defaultRegion()) ?? defaultRegion(),
        level: levelOf(defaultRegion()),
      },
      defaultRegion: defaultRegion(),
      frameIntervalMs: config.FRAME_INTERVAL_MS,
      timeZone: config.TIME_ZONE,
      mapStyleUrl: config.MAP_STYLE_URL ?? null,
      screenAuth: config.screenAuth,
      replayIntervalMs: config.REPLAY_RECORD_INTERVAL_MS,
    }),
  );
};

export default read;
