import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on timers, child processes and Postgres rather than the CPU: three files at a
    // time finish sooner than two on a 2-core machine.
    maxWorkers: 3,
  },
});
