import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'geo/data/**', 'artifacts/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['server/**/*.ts', 'screen/src/**/*.{ts,tsx}', 'geo/*.ts', 'geo/build/*.ts', 'mock/**/*.ts'],
    rules: { 'max-len': ['error', { code: 120, ignoreUrls: true }] },
  },
  // Arrows point down (server/README.md: layers). Each block names what its files may not import.
  ...layer(['geo/**'], '(^|/)(server|screen|mock)/', 'geo/ is the bottom layer: pure data and lookups'),
  ...layer(
    ['server/contract/**'],
    '(^|/)(aggregate|store|push|routes|plugins)/',
    'the contract is shared, not owned by one side',
  ),
  ...layer(
    [
      'server/aggregate/effects.ts',
      'server/aggregate/prepare.ts',
      'server/aggregate/mask.ts',
      'server/aggregate/hash.ts',
    ],
    '/(snapshot|regions|counters|views|alerts|kpi|records|roster-regions|rollup|geo)\\.ts$',
    'the write side of aggregate/ does not import its read side',
  ),
  ...layer(
    ['server/aggregate/{snapshot,regions,counters,views,alerts,kpi,records,roster-regions,rollup,geo}.ts'],
    '/(effects|prepare)\\.ts$',
    'the read side of aggregate/ does not import its write side',
  ),
  ...layer(
    ['server/store/**'],
    '/aggregate/(snapshot|views|regions|alerts)\\.ts$',
    'the store stores: views are built in server/aggregate/views.ts',
  ),
  // alerts (issue 10): the lifecycle is pure; the store, routes and sockets wire it. The state
  // store's backends (server/alerts/store*.ts) are the one place here that touches disk and Redis.
  ...layer(
    ['server/alerts/**'],
    '^(fastify|@fastify/|ioredis|socket\\.io)|(^|/)(store|routes|push|plugins)/|(^|/)store(-\\w+)?\\.ts$',
    'server/alerts/ is pure logic: no Fastify, Redis, sockets or store',
    ['server/alerts/store*.ts'],
  ),
);

function layer(files, regex, message, ignores = []) {
  return [{ files, ignores, rules: { 'no-restricted-imports': ['error', { patterns: [{ regex, message }] }] } }];
}
