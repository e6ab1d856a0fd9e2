import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/dynamodb-global-setup.ts'],
    setupFiles: ['test/helpers/quiet-env.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: more workers only contend for them (and DynamoDB Local's JVM).
    maxWorkers: 2,
  },
});
