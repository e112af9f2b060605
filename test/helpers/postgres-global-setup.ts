// Vitest global setup of the unit project: one PostgreSQL cluster for the whole run (about a
// second), or the server in PAPERBOY_TEST_PG_URL, with a migrated template database that each
// PostgreSQL test copies. A failure here never fails the run by itself: it is handed to the workers
// (PAPERBOY_TEST_PG_ERROR), and every PostgreSQL test fails with it, naming the cause.
//
// Several projects use this setup (unit, http-pg, e2e-pg) and vitest runs each project's setup in
// the same process: the first starts the cluster, the others share it, and the last teardown stops it.
import pg from 'pg';
import { openDatabase } from '../../src/db/database.ts';
import {
  adminQuery,
  databaseUrl,
  OPT_OUT_HINT,
  postgresTestsEnabled,
  startTestCluster,
  sweepStaleClusters,
} from './postgres.ts';
import type { TestCluster } from './postgres.ts';

interface Shared {
  ready: Promise<() => Promise<void>>;
  users: number;
}

const SHARED = Symbol.for('paperboy.test.postgres-global-setup');
const registry = globalThis as { [SHARED]?: Shared };

export default async function setup(): Promise<() => Promise<void>> {
  if (!postgresTestsEnabled()) return async () => {};
  const shared = (registry[SHARED] ??= { ready: startOnce(), users: 0 });
  shared.users += 1;
  const stop = await shared.ready;
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete registry[SHARED];
    await stop();
  };
}

async function startOnce(): Promise<() => Promise<void>> {
  let cluster: TestCluster | null = null;
  let serverUrl = process.env.PAPERBOY_TEST_PG_URL ?? '';
  const template = `pb_template_${process.pid}`;
  let templateMade = false;
  try {
    if (!serverUrl) {
      await sweepStaleClusters();
      cluster = await startTestCluster();
      serverUrl = cluster.adminUrl;
    }
    await adminQuery(
      serverUrl,
      `CREATE DATABASE ${template} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
    );
    templateMade = true;
    const handle = await openDatabase({ kind: 'postgres', url: databaseUrl(serverUrl, template) });
    await handle.close();
    process.env.PAPERBOY_TEST_PG_URL = serverUrl;
    process.env.PAPERBOY_TEST_PG_TEMPLATE = template;
  } catch (err) {
    delete process.env.PAPERBOY_TEST_PG_URL;
    const reason = err instanceof Error ? err.message : String(err);
    process.env.PAPERBOY_TEST_PG_ERROR =
      `PostgreSQL tests cannot run: ${reason}` + (reason.includes(OPT_OUT_HINT) ? '' : `\n${OPT_OUT_HINT}`);
  }
  return async () => {
    if (cluster) {
      await cluster.stop();
    } else if (templateMade) {
      await dropTemplates(serverUrl, template).catch(() => {});
    }
  };
}

/** Drops the migrated template and the templates made from it (ensureTemplate in postgres.ts). */
async function dropTemplates(serverUrl: string, template: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      'select datname as name from pg_database where datname = $1 or datname like $2',
      [template, `${template}\\_%`],
    );
    for (const { name } of rows) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
