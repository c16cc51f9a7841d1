import { defineConfig } from 'vitest/config';

// One runner for the whole workspace. Each test file runs in its own forked process:
// embedded ClickHouse (chDB) binds one data directory per process.
export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'collector/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
