// Builds the real app (real MemoryStore in a temp DATA_DIR, or RedisStore) for tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import app, { serverOptions } from '../../../server/app.ts';
import { testConfig, type Env } from '../../../server/config.ts';

export interface TestApp {
  app: FastifyInstance;
  /** base URL once listen() was called */
  url: string;
  /** on `port` (default any free one) */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

/** The screen is served from a directory that does not exist unless `screenDir` says
 * otherwise, so tests do not depend on whether `npm run build:screen` ran. */
export async function buildTestApp(env: Partial<Record<keyof Env, string>> = {}, screenDir?: string): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'zhdj-server-test-'));
  const config = testConfig({ DATA_DIR: dataDir, ...env });
  const fastify = Fastify({ ...serverOptions(config), logger: false });
  await fastify.register(app, { config, screenDir: screenDir ?? join(dataDir, 'no-screen') });
  await fastify.ready();
  const t: TestApp = {
    app: fastify,
    url: '',
    async listen(port = 0) {
      await fastify.listen({ port, host: '127.0.0.1' });
      const address = fastify.server.address();
      t.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      return t.url;
    },
    async close() {
      await fastify.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}
