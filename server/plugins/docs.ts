// OpenAPI generated from the routes' TypeBox schemas, browsable at /docs (assets served locally).
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export default fp(
  async (fastify) => {
    await fastify.register(swagger, {
      openapi: {
        // 3.1: the Schema Objects are JSON Schema 2020-12, as TypeBox writes them (a numeric
        // `exclusiveMinimum`, `type: 'null'`); 3.0.3 would declare a dialect they do not follow.
        // tests/server/openapi.test.ts validates the document with @apidevtools/swagger-parser.
        openapi: '3.1.0',
        info: {
          title: 'ZHDJ Screen API (智慧党建指挥大屏)',
          version: '1',
          description: 'Ingest, roster and read API. Live push: Socket.IO namespace /screen (see server/README.md).',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        tags: [
          { name: 'ingest', description: 'upstream systems send events' },
          { name: 'roster', description: 'the organization tree' },
          { name: 'read', description: 'what walls and dashboards read' },
          { name: 'ops', description: 'health and metrics' },
        ],
      },
    });
    // surface (issue 9): the UI and the document behind an operations token off loopback (the
    // UI's own static assets are swagger-ui's, public); its CSP with our frame-ancestors and
    // without upgrade-insecure-requests (walls' hosts are often plain http on an intranet)
    const { surface } = fastify;
    await fastify.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      transformStaticCSP: (header) =>
        header
          .replace(/\s*upgrade-insecure-requests;?/, '')
          .replace(/frame-ancestors [^;]*/, `frame-ancestors ${surface.frameAncestors.join(' ')}`),
      uiHooks: { onRequest: surface.requireOps },
    });
  },
  { name: 'docs', dependencies: ['security'] },
);
