// The entry point: listens, sets timeouts, shuts down gracefully. `npm run server` runs this
// alone (no simulator, nothing preloaded).
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import type { LoggerOptions as PinoOptions } from 'pino';
import closeWithGrace from 'close-with-grace';
import app, { serverOptions, type AppOptions } from './app.ts';
import { ensureAreaData } from './area.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { logRedaction } from './plugins/security.ts';

const CLOSE_GRACE_MS = 10_000;
// Longer than any load balancer's idle timeout, so the balancer closes first.
const KEEP_ALIVE_TIMEOUT_MS = 72_000;
const REQUEST_TIMEOUT_MS = 60_000;

export interface Started {
  fastify: FastifyInstance;
  url: string;
  config: Config;
}

/** Additions to the log's options: JSON lines for machines unless the caller (the demo:
 * pino-pretty) gives a transport. */
export type LoggerOptions = Partial<Pick<PinoOptions, 'transport'>>;

export async function buildServer(
  config: Config,
  opts: Omit<AppOptions, 'config'> = {},
  logger: LoggerOptions = {},
): Promise<FastifyInstance> {
  const fastify = Fastify({
    ...serverOptions(config),
    // tokens never reach the log (?token= values, Authorization)
    logger: { level: config.LOG_LEVEL, ...logRedaction, ...logger },
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionTimeout: REQUEST_TIMEOUT_MS,
  });
  await fastify.register(app, { ...opts, config });
  return fastify;
}

export async function startServer(
  config: Config,
  opts: Omit<AppOptions, 'config'> = {},
  logger?: LoggerOptions,
): Promise<Started> {
  const fastify = await buildServer(config, opts, logger);
  await fastify.listen({ port: config.PORT, host: config.HOST });
  const address = fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return { fastify, url: `http://${host}:${port}`, config };
}

/** Closes the server on SIGINT/SIGTERM/uncaught errors, waiting at most CLOSE_GRACE_MS. */
export function closeGracefully(fastify: FastifyInstance, before?: () => Promise<void>): void {
  closeWithGrace({ delay: CLOSE_GRACE_MS }, async ({ err, signal }) => {
    if (err) fastify.log.error({ err }, 'closing after an error');
    else fastify.log.info({ signal }, 'closing');
    await before?.();
    await fastify.close();
  });
}

export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

/** Command-line options of the entry points: `--repair` (MemoryStore: move corrupt log records aside). */
export function cliOptions(argv: string[] = process.argv.slice(2)): { repair: boolean } {
  return { repair: argv.includes('--repair') };
}

async function main(): Promise<void> {
  const config = configOrExit();
  await ensureAreaData(config.AREA, config.GEO_DIR);
  const { fastify, url } = await startServer(config, cliOptions());
  closeGracefully(fastify);
  fastify.log.info(`ZHDJ Screen server at ${url} (wall ${url}/, API docs ${url}/docs)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
