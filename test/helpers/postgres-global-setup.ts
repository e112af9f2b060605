// Vitest global setup of the unit project: one PostgreSQL cluster for the whole run (about a
// second), or the server in PAPERBOY_TEST_PG_URL, with a migrated template database that each
// PostgreSQL test copies. A failure here never fails the run by itself: it is handed to the workers
// (PAPERBOY_TEST_PG_ERROR), and every PostgreSQL test fails with it, naming the cause.
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

export default async function setup(): Promise<() => Promise<void>> {
  if (!postgresTestsEnabled()) return async () => {};
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
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => {});
    }
  };
}
