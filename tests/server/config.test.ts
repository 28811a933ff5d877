import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

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

  it('a public HOST starts with tokens', () => {
    // tokens of 16 characters or more off loopback (issue 9)
    const c = loadConfig(
      env({ HOST: '0.0.0.0', INGEST_TOKENS: 'ingest-token-0123', SCREEN_TOKENS: 'wall-token-012345:610100' }),
    );
    expect(c.HOST).toBe('0.0.0.0');
  });
});
