import { defineConfig } from 'vitest/config';

// `pool: 'forks'` because the Temporal core bridge is a native addon that misbehaves in worker threads.
// Integration and end-to-end files run one at a time against one dev server and one FerretDB, started once
// in the global setup.
export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/replay/**/*.test.ts'],
          pool: 'forks',
        },
      },
      {
        // The Upgates simulator's own tests: HTTP against an in-process server, no Temporal or database.
        test: {
          name: 'sandbox',
          include: ['test/sandbox/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts', 'test/chaos/**/*.test.ts',
            // `npm run record-histories` only: the recorder is a run against the sandbox, not a test.
            ...(process.env.RECORD_HISTORIES ? ['test/replay/record-histories.recorder.ts'] : []),
          ],
          pool: 'forks',
          fileParallelism: false,
          maxWorkers: 1,
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
