import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // A temporary directory per run, removed afterwards; Chromium provisioned for the browser tests.
    globalSetup: ['test/support/global-setup.ts'],
  },
});
