// Search latency on both backends for the same papers and queries: SQLite (FTS5 in the database)
// against a PostgreSQL deployment (the node-local index derived through the change feed; paper
// rows from PostgreSQL). Runnable alone, not part of `npm run bench`:
//
//   node --import tsx bench/pg-search-bench.ts [papers=100000]
//
// PostgreSQL: PAPERBOY_BENCH_PG_URL (a role that may create databases), else a throwaway cluster
// (test/helpers/postgres.ts). The papers are generated (bench/corpus-generator.ts), written to SQLite
// through the product's upsertMany and copied table by table to PostgreSQL (its triggers fill the
// feed as for any write). Reports p50/p99/mean per backend, the derived index's full rebuild time,
// how long a change takes to reach the index (NOTIFY wake-up), and whether both backends returned
// the same ids for every query.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/config.ts';
import { createContainer } from '../src/main/container.ts';
import type { Container } from '../src/main/container.ts';
import { scratchPostgres } from '../src/eval/scratch-postgres.ts';
import { startTestCluster } from '../test/helpers/postgres.ts';
import { buildCorpusModel } from './corpus-generator.ts';
import { prepareDatabase, queryLog } from './search-bench.ts';

const papers = Number(process.argv[2] ?? 100_000);
const COPY_TABLES = [
  'organizations',
  'papers',
  'paper_versions',
  'paper_authors',
  'paper_categories',
] as const;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { p50: round(at(0.5)), p99: round(at(0.99)), mean: round(s.reduce((a, b) => a + b, 0) / s.length) };
}

/** Copies the search-relevant tables from the SQLite container to PostgreSQL, 500 rows per INSERT. */
async function copyTables(from: Container, to: Container): Promise<void> {
  for (const table of COPY_TABLES) {
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(
      from.database.db,
    );
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const columns = Object.keys(chunk[0]!);
      const values = chunk.map((r) => sql`(${sql.join(columns.map((c) => r[c]))})`);
      await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
        VALUES ${sql.join(values)}`.execute(to.database.db);
    }
    if (table === 'organizations') {
      await sql`SELECT setval(pg_get_serial_sequence('organizations', 'id'), (SELECT max(id) FROM organizations))`.execute(
        to.database.db,
      );
    }
    log(`  copied ${rows.length.toLocaleString('en-US')} rows of ${table}`);
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-pg-search-bench-'));
  const cluster = process.env.PAPERBOY_BENCH_PG_URL ? null : await startTestCluster();
  const scratch = (await scratchPostgres(process.env.PAPERBOY_BENCH_PG_URL ?? cluster!.adminUrl))!;
  try {
    const model = buildCorpusModel();
    log(`SQLite: ${papers.toLocaleString('en-US')} papers`);
    const prepared = await prepareDatabase(path.join(dir, 'sqlite'), papers, model);
    const lite = await createContainer(prepared.config);
    const pgConfig = loadConfig({
      PAPERBOY_DATA_DIR: path.join(dir, 'pg'),
      DATABASE_URL: scratch.url,
      PAPERBOY_DEMO: 'off',
    });
    log('PostgreSQL: copying the papers');
    const loader = await createContainer(pgConfig); // migrates and starts on the empty database
    await copyTables(lite, loader);
    await loader.close();
    fs.rmSync(pgConfig.searchIndex.file, { force: true }); // so the next start rebuilds from scratch
    let started = performance.now();
    const pg = await createContainer(pgConfig);
    const rebuildSeconds = (performance.now() - started) / 1000;
    log(
      `  derived index: ${(await pg.searchBackend.count()).toLocaleString('en-US')} papers in ${rebuildSeconds.toFixed(1)} s`,
    );
    try {
      const queries = queryLog(model, prepared.loaded.methodNames);
      const times = { sqlite: [] as number[], postgres: [] as number[] };
      let differing = 0;
      for (const q of queries) {
        await lite.search.search(q.query, { limit: 20 }).catch(() => null); // warm-up
        await pg.search.search(q.query, { limit: 20 }).catch(() => null);
      }
      for (const q of queries) {
        const ids: string[][] = [];
        for (const [name, c] of [
          ['sqlite', lite],
          ['postgres', pg],
        ] as const) {
          let best = Infinity;
          let found: string[] = [];
          for (let pass = 0; pass < 2; pass++) {
            started = performance.now();
            const r = await c.search.search(q.query, { limit: 20 }).catch(() => null);
            best = Math.min(best, performance.now() - started);
            found = r?.items.map((i) => i.id) ?? [];
          }
          times[name].push(best);
          ids.push(found);
        }
        if (JSON.stringify(ids[0]) !== JSON.stringify(ids[1])) differing += 1;
      }
      // Propagation: a retitled paper, from commit to the derived index (NOTIFY wakes the node).
      const lag: number[] = [];
      const { rows } = await sql<{ id: string }>`SELECT id FROM papers ORDER BY id LIMIT 20`.execute(
        pg.database.db,
      );
      for (const [i, { id }] of rows.entries()) {
        const word = `zqxprobe${i}`;
        started = performance.now();
        await sql`UPDATE papers SET title = title || ${` ${word}`} WHERE id = ${id}`.execute(pg.database.db);
        for (;;) {
          const hits = await pg.searchBackend.search({
            match: word,
            filters: { categories: [], dates: {}, hasCode: false },
            sort: 'relevance',
            limit: 1,
            offset: 0,
          });
          if (hits.length > 0) break;
          await new Promise((r) => setTimeout(r, 1));
        }
        lag.push(performance.now() - started);
      }
      const result = {
        papers,
        queries: queries.length,
        sqlite: stats(times.sqlite),
        postgres: stats(times.postgres),
        differingResultLists: differing,
        derivedRebuildSeconds: Math.round(rebuildSeconds * 10) / 10,
        changeToIndexMs: stats(lag),
      };
      console.log(JSON.stringify(result, null, 2));
    } finally {
      await pg.close();
      await lite.close();
    }
  } finally {
    await scratch.drop();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
