// Builds the real application around a fresh database: SQLite in a temporary directory, or, with
// PAPERBOY_TEST_BACKEND=postgres (the http-pg and e2e-pg projects of vitest.config.ts), a new
// database on the run's throwaway PostgreSQL cluster, copied from the migrated template and dropped
// on close, with this node's derived search index in the temporary directory. A test that passes
// its own DATABASE_URL keeps it (tests of several nodes on one database).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/config.ts';
import { createContainer, createWebApp } from '../../src/main/container.ts';
import type { Container } from '../../src/main/container.ts';
import { createTestDatabase, ensureTemplate, postgresTestsEnabled } from './postgres.ts';

/** The demo is spread over the 30 days ending on this day. */
export const DEMO_NOW = new Date('2026-11-27T15:00:00.000Z');

export interface TestApp {
  app: FastifyInstance;
  container: Container;
  dataDir: string;
  /**
   * Resolves once the search index has every committed change. SQLite's index is written in the
   * same transaction as the papers, so there it is at once; PostgreSQL's is derived from the
   * change feed after commit (NOTIFY, polling), so a test that writes and then searches awaits it.
   */
  searchCaughtUp(): Promise<void>;
  close(): Promise<void>;
}

export type TestBackendName = 'sqlite' | 'postgres';

/** The backend of the apps this test run builds (PAPERBOY_TEST_BACKEND; SQLite by default). */
export function testBackend(): TestBackendName {
  const value = process.env.PAPERBOY_TEST_BACKEND ?? 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres') {
    throw new Error(`PAPERBOY_TEST_BACKEND=${value}: expected sqlite or postgres`);
  }
  return value;
}

/**
 * Configuration for a process or app of this run's backend: on PostgreSQL, DATABASE_URL of a new
 * database (copied from the migrated template) and its drop function; on SQLite, nothing to add.
 * For tests that start the real command (test/helpers/cli.ts) as well as for createTestApp.
 */
export async function testDatabaseEnv(
  options: { demo?: boolean } = {},
): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (testBackend() === 'sqlite') return { env: {}, drop: async () => {} };
  if (!postgresTestsEnabled()) {
    throw new Error('PAPERBOY_TEST_PG=off turns PostgreSQL off: run the SQLite projects only (unit, e2e).');
  }
  const template = options.demo ? await ensureTemplate('demo', seedDemoDatabase) : undefined;
  const database = await createTestDatabase({ template });
  return { env: { DATABASE_URL: database.url }, drop: database.drop };
}

/**
 * Loads the demo (at DEMO_NOW) into a PostgreSQL database, for the template that seeded apps copy:
 * seeding through the repositories takes seconds there, a copy a fraction of that, and the result
 * is the same rows (seedDemo is deterministic).
 */
async function seedDemoDatabase(url: string): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-test-seed-'));
  try {
    const container = await createContainer(
      loadConfig({ PAPERBOY_DATA_DIR: dataDir, DATABASE_URL: url, SEARCH_SYNC_MS: '0' }),
    );
    try {
      await container.seeder.seedDemo(DEMO_NOW);
    } finally {
      await container.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function createTestApp(
  options: {
    seed?: boolean;
    /** More configuration variables, e.g. EMBEDDINGS=openai with EMBEDDINGS_URL for hybrid search. */
    env?: Record<string, string>;
  } = {},
): Promise<TestApp> {
  const seed = options.seed ?? true;
  // On PostgreSQL a seeded app gets a copy of a database seeded once per run (testDatabaseEnv).
  const database = options.env?.DATABASE_URL === undefined ? await testDatabaseEnv({ demo: seed }) : null;
  const seedHere = seed && !database?.env.DATABASE_URL;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-test-'));
  const remove = async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  };
  let container: Container;
  let app: FastifyInstance;
  try {
    const config = loadConfig({
      PAPERBOY_DATA_DIR: dataDir,
      BASE_URL: 'http://paperboy.test',
      ...database?.env,
      ...options.env,
    });
    container = await createContainer(config);
  } catch (err) {
    await remove();
    throw err;
  }
  try {
    if (seedHere) await container.seeder.seedDemo(DEMO_NOW);
    app = await createWebApp(container, false);
    await app.ready();
  } catch (err) {
    await container.close();
    await remove();
    throw err;
  }
  return {
    app,
    container,
    dataDir,
    async searchCaughtUp() {
      await container.searchBackend.syncNow?.();
    },
    async close() {
      await app.close();
      await container.close();
      await remove();
    },
  };
}
