// `npm run loadtest`: the load-and-fault test of issue 8 on loopback (bench/load-run.ts), on a
// throwaway PostgreSQL cluster of its own. Prints the report, writes it to docs/benchmarks.md (its
// own section) and exits non-zero when a check fails.
//   LOAD_USERS (200), LOAD_SECONDS (60), LOAD_SUBSCRIBERS (60), LOAD_THINK_MS (100);
//   LOAD_WRITES=off browses and searches only (what writes cost the page caches);
//   LOAD_PAGE_CACHE_STALE_MS (1000): the web nodes' PAGE_CACHE_STALE_MS (0: every write empties them);
//   LOAD_DOC=off leaves docs/benchmarks.md alone.
import os from 'node:os';
import path from 'node:path';
import { adminQuery, databaseUrl, startTestCluster, sweepStaleClusters } from '../test/helpers/postgres.ts';
import { markdown, writeSection } from './load-report.ts';
import { runLoadFault } from './load-run.ts';

const DOC = path.resolve(import.meta.dirname, '../docs/benchmarks.md');

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}=${raw}: expected a whole number`);
  return n;
}

async function main(): Promise<number> {
  const users = setting('LOAD_USERS', 200);
  const seconds = setting('LOAD_SECONDS', 60);
  const subscribers = setting('LOAD_SUBSCRIBERS', 60);
  const thinkMs = setting('LOAD_THINK_MS', 100);
  const writes = process.env.LOAD_WRITES !== 'off';
  const pageCacheStaleMs = setting('LOAD_PAGE_CACHE_STALE_MS', 1000);
  const loadAverage = os.loadavg()[0]!;
  const started = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
  log('starting a throwaway PostgreSQL cluster');
  await sweepStaleClusters();
  const cluster = await startTestCluster();
  try {
    await adminQuery(
      cluster.adminUrl,
      `CREATE DATABASE paperboy_load TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
    );
    const result = await runLoadFault({
      databaseUrl: databaseUrl(cluster.adminUrl, 'paperboy_load'),
      users,
      seconds,
      subscribers,
      thinkMs,
      writes,
      pageCacheStaleMs,
      log,
    });
    const section = markdown(result, { users, thinkMs, writes, loadAverage, pageCacheStaleMs });
    console.log(`\n${section}`);
    if (process.env.LOAD_DOC !== 'off') {
      writeSection(DOC, section);
      log(`wrote ${path.relative(process.cwd(), DOC)}`);
    }
    const failed = result.checks.filter((c) => !c.ok);
    log(failed.length === 0 ? 'all checks passed' : `${failed.length} checks FAILED`);
    return failed.length === 0 ? 0 : 1;
  } finally {
    await cluster.stop();
  }
}

process.exitCode = await main().catch((err: unknown) => {
  console.error(err);
  return 2;
});
