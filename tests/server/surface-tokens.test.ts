// The HTTP surface (issue 9): tokens shorter than 16 characters are refused at start off
// loopback (naming the variable, never the token) and a warning on loopback; tokens never travel
// in logs (?token= in URLs, Authorization headers, Fastify's own messages) — in-process with an
// access log on, and the entry point's own logger (server/server.ts buildServer) in a child process.
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import app, { serverOptions } from '../../server/app.ts';
import { ConfigError, loadConfig, testConfig } from '../../server/config.ts';
import { logRedaction, redactText } from '../../server/plugins/security.ts';
import { ROOT } from '../e2e/harness.ts';

const LONG = 'a-long-enough-token-0123';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env as NodeJS.ProcessEnv);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig accepted it');
}

/** a logger stream that keeps every line */
function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

describe('token length', () => {
  it.each([
    ['INGEST_TOKENS', { INGEST_TOKENS: `${LONG},short-ingest`, SCREEN_TOKENS: `${LONG}:610100` }],
    ['SCREEN_TOKENS', { INGEST_TOKENS: LONG, SCREEN_TOKENS: `${LONG}:610100,wall1:610113` }],
    ['OPS_TOKENS', { INGEST_TOKENS: LONG, SCREEN_TOKENS: `${LONG}:610100`, OPS_TOKENS: 'prom' }],
  ])('a non-loopback HOST refuses a short %s, naming it and not the token', (variable, vars) => {
    const err = configError({ HOST: '0.0.0.0', ...vars });
    expect(err.variable).toBe(variable);
    expect(err.message).toContain(variable);
    expect(err.message).toContain('16');
    for (const short of ['short-ingest', 'wall1', 'prom']) expect(err.message).not.toContain(short);
  });

  it('16 characters are enough', () => {
    const c = loadConfig({
      HOST: '10.0.0.5',
      INGEST_TOKENS: '0123456789abcdef',
      SCREEN_TOKENS: '0123456789abcdef:610100',
    } as NodeJS.ProcessEnv);
    expect(c.ingestTokens).toEqual(['0123456789abcdef']);
  });

  it('loopback accepts short tokens with a warning at start naming the variables', async () => {
    const config = testConfig({ INGEST_TOKENS: 'x', SCREEN_TOKENS: 'w:610100', LOG_LEVEL: 'warn' });
    const log = capture();
    const f = Fastify({ ...serverOptions(config), logger: { level: 'warn', stream: log.stream } });
    await f.register(app, { config, screenDir: '/nonexistent' });
    await f.ready();
    await f.close();
    const warnings = log.text();
    expect(warnings).toMatch(/INGEST_TOKENS has tokens shorter than 16/);
    expect(warnings).toMatch(/SCREEN_TOKENS has tokens shorter than 16/);
    expect(warnings).not.toMatch(/OPS_TOKENS/);
  });
});

describe('tokens never reach the log', () => {
  it('redactText: ?token= values and credentials', () => {
    expect(redactText('GET /?region=610100&token=s3cret&lang=en')).toBe('GET /?region=610100&token=[redacted]&lang=en');
    expect(redactText('Route GET:/x?token=abc not found')).toBe('Route GET:/x?token=[redacted] not found');
    expect(redactText('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [redacted]');
  });

  it('access and error logs (request logging on) carry neither the query token nor the header', async () => {
    const config = testConfig({ INGEST_TOKENS: LONG, SCREEN_TOKENS: `${LONG}:610100` });
    const log = capture();
    const f = Fastify({
      ...serverOptions(config),
      // an access log, as an operator might turn on: every request and answer
      logController: undefined,
      logger: { level: 'trace', ...logRedaction, stream: log.stream },
    });
    await f.register(app, { config, screenDir: '/nonexistent' });
    f.get('/boom', async (request) => {
      request.log.error({ req: request, headers: request.headers }, 'failing on purpose');
      throw new Error(`bad url ${request.url}`);
    });
    await f.ready();
    try {
      const secrets = ['wall-secret-in-url-1', 'header-secret-bearer-2', 'not-found-secret-3', 'boom-secret-4'];
      await f.inject({ url: `/?region=610100&token=${secrets[0]}` });
      await f.inject({ url: '/api/v1/snapshot?region=610100', headers: { authorization: `Bearer ${secrets[1]}` } });
      await f.inject({ url: `/nowhere?token=${secrets[2]}` });
      const boom = await f.inject({ url: `/boom?token=${secrets[3]}`, headers: { authorization: `Bearer ${LONG}` } });
      expect(boom.statusCode).toBe(500);
      const text = log.text();
      expect(text).toContain('incoming request');
      expect(text).toContain('failing on purpose');
      expect(text).toContain('Route GET:/nowhere?token=[redacted] not found');
      for (const s of [...secrets, LONG]) expect(text, s).not.toContain(s);
      expect(text).toContain('[redacted]');
    } finally {
      await f.close();
    }
  });
});

describe('the entry point (server/server.ts) redacts its log', () => {
  it('its own logger: a URL with ?token=, a bearer header and an error naming the URL leave no trace', () => {
    const secret = 'entry-point-wall-secret';
    // the entry point's Fastify in a child process, its log on stdout as in production
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'tests/fixtures/surface/log-probe.ts', secret], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toContain('probe status 500');
    const logs = r.stdout;
    expect(logs).toContain('probe request');
    expect(logs).toContain('probe visited /probe?region=610100&token=[redacted]');
    expect(logs).toContain('request failed');
    expect(logs).not.toContain(secret);
  });
});
