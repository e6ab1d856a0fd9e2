import { defineConfig } from 'vitest/config';

/** Set by `npm run rehearse`: the synthesized stack the suite runs over (bin/rehearse.ts). */
const rehearsal = process.env.PO_REHEARSAL_CDK_OUT !== undefined;

export default defineConfig({
  test: {
    setupFiles: ['test/helpers/quiet-env.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: more workers only contend for them (and DynamoDB Local's JVM).
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // Pure code: no table, no DynamoDB Local started (`npx vitest run --project unit`).
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'table',
          include: ['test/**/*.test.ts'],
          exclude: [
            'test/unit/**',
            // The rush runs alone, after the rest (the `load` project below).
            'test/e2e/load.test.ts',
            // The built assets are tested with the rehearsal's own synthesis (bundling all 15
            // functions is minutes of CPU the other tests would contend for).
            ...(rehearsal ? [] : ['test/infra/bundled-assets.test.ts']),
          ],
          globalSetup: ['test/helpers/dynamodb-global-setup.ts'],
        },
      },
      {
        extends: true,
        // The rush at CI size measures what one machine serves: with Chromium or the fuzz suite
        // beside it on two cores its answers took 10 s and some were 500s. So it runs alone, last.
        test: { name: 'load', include: ['test/e2e/load.test.ts'], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
