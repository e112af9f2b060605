import { defineConfig } from 'vitest/config';

// The HTTP and browser tiers run twice: on SQLite (projects unit and e2e) and on PostgreSQL
// (http-pg and e2e-pg: createTestApp in test/helpers/test-app.ts builds every app on a fresh
// database of the run's throwaway cluster when PAPERBOY_TEST_BACKEND=postgres). Repository and
// service tests under src already run on both backends (describeBackends), so they run once.

// One throwaway PostgreSQL cluster per run (test/helpers/postgres.ts); PAPERBOY_TEST_PG=off skips it.
const postgresSetup = ['test/helpers/postgres-global-setup.ts'];

const onPostgres = { PAPERBOY_TEST_BACKEND: 'postgres' };

/** Left out of http-pg, each for its reason; everything else in test/http runs on both backends. */
const sqliteOnlyHttp = [
  // The SQLite file itself: seeding opens paperboy.db with better-sqlite3, and a clean shutdown
  // must checkpoint and remove the WAL file.
  'test/http/cli.test.ts',
  // serve --no-jobs, worker and jobs on one SQLite file; worker-postgres.test.ts is its PostgreSQL twin.
  'test/http/jobs-cli.test.ts',
  // Tests of PostgreSQL (its test cluster, several nodes on one database, the derived search index
  // compared with SQLite's): they already run on PostgreSQL in the unit project.
  'test/http/*-postgres.test.ts',
  'test/http/postgres-test-cluster.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Some tests start the real CLI as a child process; shared CI machines can be slow.
          testTimeout: 30_000,
          // For the tests that use both backends (test/helpers/backends.ts).
          globalSetup: postgresSetup,
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
          name: 'http-pg',
          testTimeout: 30_000,
          // The first app of the run waits for the demo template (seeded once, seconds when busy).
          hookTimeout: 120_000,
          globalSetup: postgresSetup,
          env: onPostgres,
          include: ['test/http/**/*.test.ts'],
          exclude: sqliteOnlyHttp,
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
      {
        test: {
          name: 'e2e-pg',
          globalSetup: postgresSetup,
          env: onPostgres,
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
