import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Some tests start the real CLI as a child process; shared CI machines can be slow.
          testTimeout: 30_000,
          // One throwaway PostgreSQL cluster per run for the tests that use both backends
          // (test/helpers/backends.ts); PAPERBOY_TEST_PG=off skips it.
          globalSetup: ['test/helpers/postgres-global-setup.ts'],
          include: [
            'src/**/*.test.ts',
            'src/**/*.test.tsx',
            'test/http/**/*.test.ts',
            'test/arch/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
