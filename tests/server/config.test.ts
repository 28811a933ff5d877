import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import app, { serverOptions } from '../../server/app.ts';
import { ConfigError, configPrefixes, loadConfig } from '../../server/config.ts';

const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

describe('loadConfig', () => {
  it('defaults', () => {
    const c = loadConfig(env({}));
    expect(c.PORT).toBe(8080);
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.REDIS_PREFIX).toBe('zhdj');
    expect(c.FRAME_INTERVAL_MS).toBe(1000);
    expect(c.TIME_ZONE).toBe('Asia/Shanghai');
    expect(c.RETENTION_DAYS).toBe(35);
    expect(c.BODY_LIMIT_BYTES).toBe(16 * 1024 * 1024);
    expect(c.ingestAuth).toBe(false);
    expect(c.screenAuth).toBe(false);
  });

  it('parses numbers and token lists', () => {
    const c = loadConfig(env({ PORT: '9000', INGEST_TOKENS: 'a, b,,', SCREEN_TOKENS: 'wall1:610100,wall2:610113' }));
    expect(c.PORT).toBe(9000);
    expect(c.ingestTokens).toEqual(['a', 'b']);
    expect([...c.screenTokens]).toEqual([
      ['wall1', '610100'],
      ['wall2', '610113'],
    ]);
    expect(c.ingestAuth && c.screenAuth).toBe(true);
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['FRAME_INTERVAL_MS', { FRAME_INTERVAL_MS: '-5' }],
    ['RETENTION_DAYS', { RETENTION_DAYS: '1.5' }],
    ['BODY_LIMIT_BYTES', { BODY_LIMIT_BYTES: '10' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['REDIS_PREFIX', { REDIS_PREFIX: 'has space' }],
    ['TIME_ZONE', { TIME_ZONE: 'Mars/Olympus' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['SCREEN_TOKENS', { SCREEN_TOKENS: 'no-region' }],
    ['SCREEN_TOKENS', { SCREEN_TOKENS: 'tok:61' }],
    ['MAP_STYLE_URL', { MAP_STYLE_URL: 'ftp://x' }],
    ['INGEST_TOKENS', { HOST: '0.0.0.0', SCREEN_TOKENS: 't:610100' }],
    ['SCREEN_TOKENS', { HOST: '0.0.0.0', INGEST_TOKENS: 'x' }],
    ['INGEST_TOKENS', { INGEST_TOKENS: 'tok:bad source' }],
    ['INGEST_TOKENS', { INGEST_TOKENS: ':org-platform' }],
    ['OPERATOR_TOKENS', { OPERATOR_TOKENS: 'tok:王伟' }],
    ['OPERATOR_TOKENS', { OPERATOR_TOKENS: 'tok:王伟:61' }],
    ['OPERATOR_TOKENS', { OPERATOR_TOKENS: 'tok:a:610100,tok:b:610113' }],
    [
      'OPERATOR_TOKENS',
      {
        HOST: '0.0.0.0',
        INGEST_TOKENS: 'ingest-token-0123',
        SCREEN_TOKENS: 'wall-token-012345:610100',
        OPERATOR_TOKENS: 'short:王伟:610100',
      },
    ],
    ['ALERT_EVAL_INTERVAL_MS', { ALERT_EVAL_INTERVAL_MS: '10' }],
  ])('a bad %s names the variable', (variable, vars) => {
    let error: unknown;
    try {
      loadConfig(env(vars));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toContain(variable);
  });

  it('ingest tokens may name their source; operators are token:name:region (issue 10)', () => {
    const c = loadConfig(
      env({
        INGEST_TOKENS: 'plain-token,tok-a:org-platform, tok-b:mobile.app',
        OPERATOR_TOKENS: 'op-city:王伟:610100,op-county:李娜:610113',
      }),
    );
    expect(c.ingestTokens).toEqual(['plain-token', 'tok-a', 'tok-b']);
    expect([...c.ingestSources]).toEqual([
      ['tok-a', 'org-platform'],
      ['tok-b', 'mobile.app'],
    ]);
    expect(c.operators.get('op-county')).toEqual({ name: '李娜', region: '610113' });
    expect(c.operators.get('op-city')).toEqual({ name: '王伟', region: '610100' });
    expect(c.ALERT_EVAL_INTERVAL_MS).toBe(15_000);
    expect(c.ALERT_RETENTION_DAYS).toBe(90);
  });

  it('a public HOST starts with tokens', () => {
    // tokens of 16 characters or more off loopback (issue 9)
    const c = loadConfig(
      env({ HOST: '0.0.0.0', INGEST_TOKENS: 'ingest-token-0123', SCREEN_TOKENS: 'wall-token-012345:610100' }),
    );
    expect(c.HOST).toBe('0.0.0.0');
  });
});

describe('unknown configuration', () => {
  it('a variable of the product’s prefixes that the schema does not know is a warning naming it', () => {
    const c = loadConfig(env({ REDIS_ULR: 'redis://127.0.0.1:6379', AUDIT_RETENTION_DAY: '200', ZHDJ_MODE: 'x' }));
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.warnings).toEqual([
      'unknown configuration variable AUDIT_RETENTION_DAY is ignored (did you mean AUDIT_RETENTION_DAYS?)',
      'unknown configuration variable REDIS_ULR is ignored (did you mean REDIS_URL?)',
      'unknown configuration variable ZHDJ_MODE is ignored',
    ]);
  });

  it('the prefixes come from the schema, generic words excepted', () => {
    const p = configPrefixes();
    expect(p).toEqual(expect.arrayContaining(['REDIS_', 'DATA_', 'FRAME_', 'SCREEN_', 'INGEST_', 'AUDIT_', 'ZHDJ_']));
    for (const generic of ['LOG_', 'TIME_', 'OUT_', 'PORT_', 'HOST_']) expect(p).not.toContain(generic);
  });

  it('known names, other software’s variables and the project’s own tools are not warned about', () => {
    const c = loadConfig(
      env({
        REDIS_PREFIX: 'x',
        AUDIT_RETENTION_DAYS: '365',
        PATH: '/usr/bin',
        NODE_ENV: 'production',
        LOG_FORMAT: 'json',
        TIME_FORMAT: '24h',
        HOSTNAME: 'wall-1',
        PORT_RANGE: '1-2',
        OUT_DIR: '/tmp',
        REDIS_TEST_URL: 'redis://127.0.0.1:6379/9',
        SCREEN_API_PORT: '8080',
      }),
    );
    expect(c.warnings).toEqual([]);
    expect(c.AUDIT_RETENTION_DAYS).toBe(365);
  });

  it('the server logs the warnings at start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zhdj-config-'));
    const lines: { level: number; msg: string }[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l));
        done();
      },
    });
    const config = loadConfig(env({ DATA_DIR: dir, REDIS_ULR: 'redis://x' }));
    const fastify = Fastify({ ...serverOptions(config), logger: { level: 'warn', stream } });
    try {
      await fastify.register(app, { config, screenDir: join(dir, 'none') });
      await fastify.ready();
      expect(lines.some((l) => l.level === 40 && /REDIS_ULR.*did you mean REDIS_URL/.test(l.msg))).toBe(true);
    } finally {
      await fastify.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('audit configuration', () => {
  it('keeps the audit 180 days by default and refuses less', () => {
    expect(loadConfig(env({})).AUDIT_RETENTION_DAYS).toBe(180);
    expect(() => loadConfig(env({ AUDIT_RETENTION_DAYS: '90' }))).toThrow(/AUDIT_RETENTION_DAYS/);
  });
});
