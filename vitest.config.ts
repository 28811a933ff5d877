import { defineConfig } from 'vitest/config';

// Admission's event-loop busy gate (PRESSURE_MAX_EVENT_LOOP_UTILIZATION_PCT, default 95 %) is
// off in every test process and the servers they start: on a shared 2-core machine one test's
// load must not decide another's answers. tests/server/admission-*.test.ts turn it on.
const env = { PRESSURE_MAX_EVENT_LOOP_UTILIZATION_PCT: '0' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
          exclude: ['tests/e2e/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          env,
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
