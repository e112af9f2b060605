// One test suite, every SQL backend: describeBackends('paper repository', (backend) => { … }) runs
// the body once on SQLite and once on PostgreSQL, as "paper repository [sqlite]" and
// "paper repository [postgres]". Each test opens an empty, migrated database with backend.open();
// the handle is closed after the test. Tests in one block run one after another (no it.concurrent).
//
// PostgreSQL comes from the run's test cluster (postgres.ts). When it cannot run, the PostgreSQL
// half fails with the reason; PAPERBOY_TEST_PG=off skips it (shown as skipped, never silently).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import type { DatabaseHandle, DatabaseTarget } from '../../src/db/database.ts';
import { createTestDatabase, postgresTestsEnabled, resetTestDatabase, testServerUrl } from './postgres.ts';

export type BackendName = 'sqlite' | 'postgres';

export const BACKENDS: readonly BackendName[] = ['sqlite', 'postgres'];

export interface TestBackend {
  name: BackendName;
  /** A fresh, migrated database of its own for the calling test. */
  open(): Promise<DatabaseHandle>;
  /**
   * Where a fresh, empty database is, for tests of openDatabase and migrations. The test closes
   * what it opens; the database itself is removed after the test.
   */
  emptyTarget(): Promise<DatabaseTarget>;
}

type Cleanup = () => Promise<void> | void;

export function describeBackends(name: string, body: (backend: TestBackend) => void): void {
  for (const kind of BACKENDS) describeBackend(kind, name, body);
}

/** The same for one backend only: for what only one of them has (WAL files, server settings). */
export function describeBackend(kind: BackendName, name: string, body: (backend: TestBackend) => void): void {
  {
    const describeIt = kind === 'postgres' && !postgresTestsEnabled() ? describe.skip : describe;
    describeIt(`${name} [${kind}]`, () => {
      const cleanups: Cleanup[] = [];
      // Fails every test of the block with the reason PostgreSQL is missing.
      if (kind === 'postgres') beforeAll(() => void testServerUrl());
      afterEach(async () => {
        for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      });
      body(kind === 'sqlite' ? sqliteBackend(cleanups) : postgresBackend(cleanups));
    });
  }
}

function sqliteBackend(cleanups: Cleanup[]): TestBackend {
  return {
    name: 'sqlite',
    async open() {
      const handle = await openDatabase({ kind: 'sqlite', file: ':memory:' });
      cleanups.push(() => handle.close());
      return handle;
    },
    async emptyTarget() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-backend-'));
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      return { kind: 'sqlite', file: path.join(dir, 'paperboy.db') };
    },
  };
}

/**
 * PostgreSQL: one database per describe block, copied from the migrated template on first use and
 * emptied before each further test (resetTestDatabase): as good as new for every test that changes
 * data only. A test that changes the schema must use emptyTarget() instead.
 */
function postgresBackend(cleanups: Cleanup[]): TestBackend {
  let shared: Promise<{ url: string; drop(): Promise<void> }> | null = null;
  let used = false;
  afterAll(async () => {
    if (shared) await (await shared).drop();
  });
  return {
    name: 'postgres',
    async open() {
      shared ??= createTestDatabase();
      const { url } = await shared;
      if (used) await resetTestDatabase(url);
      used = true;
      const handle = await openDatabase({ kind: 'postgres', url });
      cleanups.push(() => handle.close());
      return handle;
    },
    async emptyTarget() {
      const database = await createTestDatabase({ migrated: false });
      cleanups.push(() => database.drop());
      return { kind: 'postgres', url: database.url };
    },
  };
}
