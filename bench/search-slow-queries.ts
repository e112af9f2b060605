// The search benchmark's slow queries, rerun against a kept database: building a 1M-paper corpus
// takes many minutes, so this builds it ONCE into a folder of your choice and then times queries on
// it as often as needed, comparing the search code of a git revision (default HEAD) with the working
// tree's in the same run, query by query, alternately (on a shared machine only ratios within one
// run mean anything). Both run through SearchService.search(q, { limit: 20 }), as the benchmark does;
// times are the process's CPU time per query (user + system), which a busy machine disturbs far
// less than wall time.
//
//   node --import tsx bench/search-slow-queries.ts build DIR [PAPERS]    # default 1,000,000
//   node --import tsx bench/search-slow-queries.ts run DIR [--all] [--ref REV] [--runs N]
//
// --runs N (default 2): timed runs per query after one untimed one; --runs 0 times the first run.
//
// `run` times the slow queries of docs/benchmarks.md plus the filter and phrase queries of the
// benchmark's log; --all the whole log (195 queries). It also reports how many queries get a
// different page of results from the two revisions.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect } from 'kysely';
import { openDatabase } from '../src/db/database.ts';
import type { Database } from '../src/db/schema.ts';
import { PaperRepository } from '../src/db/repositories/paper-repository.ts';
import { categoryName } from '../src/domain/arxiv-taxonomy.ts';
import { DEFAULT_WEIGHTS } from '../src/search/search-backend.ts';
import type { SearchBackend } from '../src/search/search-backend.ts';
import { SqliteFts5Backend } from '../src/search/sqlite-fts5-backend.ts';
import { SearchService } from '../src/services/search-service.ts';
import { buildCorpusModel } from './corpus-generator.ts';
import { prepareDatabase, queryLog } from './search-bench.ts';
import type { LoggedQuery } from './search-bench.ts';

const META = 'slow-queries.json';
const ROOT = path.resolve(import.meta.dirname, '..');

/** The slowest queries at 1M of the quiet-machine run in docs/benchmarks.md (2026-11-27). */
const KNOWN_SLOW = [
  '"of the"',
  'curves cat:math.*',
  'obtained year:2012',
  'spin cat:math.*',
  'sample cat:hep-th',
];

interface Meta {
  papers: number;
  methodNames: string[];
}

async function build(dir: string, papers: number): Promise<void> {
  if (fs.existsSync(path.join(dir, META))) throw new Error(`${dir} already holds a corpus`);
  fs.mkdirSync(dir, { recursive: true });
  const model = buildCorpusModel();
  const { loaded, indexSeconds } = await prepareDatabase(dir, papers, model);
  const meta: Meta = { papers, methodNames: loaded.methodNames };
  fs.writeFileSync(path.join(dir, META), JSON.stringify(meta));
  console.log(
    `built ${papers} papers in ${dir} (load ${loaded.loadSeconds.toFixed(0)} s, index ${indexSeconds.toFixed(0)} s)`,
  );
}

type BackendClass = new (...args: ConstructorParameters<typeof SqliteFts5Backend>) => SearchBackend;

/**
 * SqliteFts5Backend as of `ref`: its src/search modules (and pb_bm25's C source) written to a
 * temporary folder, with their imports of the rest of src pointed at this checkout. It runs on a
 * connection of its own, with the pb_bm25 of `ref` built and loaded by `ref`'s own loader.
 */
async function backendAt(
  ref: string,
): Promise<{ Backend: BackendClass; load: (db: BetterSqlite3.Database) => boolean; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-search-baseline-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const files = execFileSync('git', ['ls-tree', '--name-only', ref, 'src/search/'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  for (const file of files) {
    const text = execFileSync('git', ['show', `${ref}:${file}`], { cwd: ROOT, encoding: 'utf8' });
    const rewritten = text.replace(/from '\.\.\//g, `from '${path.join(ROOT, 'src')}/`);
    fs.writeFileSync(path.join(dir, path.basename(file)), rewritten);
  }
  fs.mkdirSync(path.join(dir, 'native'));
  const c = execFileSync('git', ['show', `${ref}:src/search/native/paperboy-bm25.c`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  fs.writeFileSync(path.join(dir, 'native', 'paperboy-bm25.c'), c);
  const module = (await import(path.join(dir, 'sqlite-fts5-backend.ts'))) as {
    SqliteFts5Backend: BackendClass;
  };
  const loader = (await import(path.join(dir, 'bm25-extension.ts'))) as {
    loadBm25Extension: (db: BetterSqlite3.Database) => boolean;
  };
  return {
    Backend: module.SqliteFts5Backend,
    load: loader.loadBm25Extension,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

interface Timing {
  query: LoggedQuery;
  old: number;
  now: number;
  same: boolean;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function run(dir: string, options: { all: boolean; ref: string; runs: number }): Promise<void> {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, META), 'utf8')) as Meta;
  const log = queryLog(buildCorpusModel(), meta.methodNames);
  const queries = options.all
    ? log
    : [
        ...KNOWN_SLOW.map((query) => ({ query, shape: 'known slow' })),
        ...log.filter((q) => q.shape === 'filter' || q.shape === 'phrase' || q.shape === 'common term'),
      ];
  const handle = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'paperboy.db') });
  const { Backend, load, cleanup } = await backendAt(options.ref);
  const baseline = new BetterSqlite3(path.join(dir, 'paperboy.db'));
  if (!load(baseline)) throw new Error(`pb_bm25 of ${options.ref} did not load`);
  const baselineDb = new Kysely<Database>({
    dialect: new SqliteDialect({ database: baseline }),
    plugins: [new CamelCasePlugin()],
  });
  try {
    const papers = new PaperRepository(handle);
    const old = new SearchService(new Backend(baselineDb, DEFAULT_WEIGHTS, categoryName), papers);
    const now = new SearchService(new SqliteFts5Backend(handle.db, DEFAULT_WEIGHTS, categoryName), papers);
    const time = async (service: SearchService, q: string) => {
      // CPU time of this process: SQLite runs on this thread, and CPU time counts only the query's
      // own work, where wall time also counts the other processes of a busy machine.
      const cpu = process.cpuUsage();
      const r = await service.search(q, { limit: 20 });
      const used = process.cpuUsage(cpu);
      return { ms: (used.user + used.system) / 1000, ids: r.items.map((i) => i.id).join(' ') };
    };
    const timings: Timing[] = [];
    for (const query of queries) {
      // Warm both (phrase counts, lengths, pages), then alternate; each side's fastest run counts.
      // --runs 0: the first run counts (nothing cached for this query's own words yet).
      const a = await time(old, query.query);
      const b = await time(now, query.query);
      let [oldMs, nowMs] = options.runs === 0 ? [a.ms, b.ms] : [Infinity, Infinity];
      for (let i = 0; i < options.runs; i++) {
        oldMs = Math.min(oldMs, (await time(old, query.query)).ms);
        nowMs = Math.min(nowMs, (await time(now, query.query)).ms);
      }
      timings.push({ query, old: oldMs, now: nowMs, same: a.ids === b.ids });
      console.log(
        `${query.shape.padEnd(12)} ${query.query.slice(0, 40).padEnd(40)} ${oldMs.toFixed(1).padStart(8)} ${nowMs.toFixed(1).padStart(8)} ms ${(oldMs / nowMs).toFixed(1).padStart(6)}×${a.ids === b.ids ? '' : '  (different results)'}`,
      );
    }
    const olds = timings.map((t) => t.old).sort((a, b) => a - b);
    const nows = timings.map((t) => t.now).sort((a, b) => a - b);
    const line = (label: string, xs: number[]) =>
      `${label}: p50 ${percentile(xs, 0.5).toFixed(2)} ms, p99 ${percentile(xs, 0.99).toFixed(2)} ms, max ${xs[xs.length - 1]!.toFixed(2)} ms`;
    console.log(
      `\n${timings.length} queries on ${meta.papers.toLocaleString('en-US')} papers; load average ${os.loadavg()[0]!.toFixed(1)}`,
    );
    console.log(line(`${options.ref} `, olds));
    console.log(line('working tree', nows));
    console.log(
      `ratio old/new: p50 ${(percentile(olds, 0.5) / percentile(nows, 0.5)).toFixed(2)}×, p99 ${(percentile(olds, 0.99) / percentile(nows, 0.99)).toFixed(2)}×`,
    );
    const different = timings.filter((t) => !t.same);
    console.log(`different results: ${different.length} (${different.map((t) => t.query.query).join(', ')})`);
    const slow = [...timings].sort((a, b) => b.now - a.now).slice(0, 8);
    console.log(`slowest now: ${slow.map((t) => `${t.query.query} ${t.now.toFixed(1)} ms`).join(', ')}`);
  } finally {
    cleanup();
    await baselineDb.destroy();
    await handle.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, dir, ...rest] = process.argv.slice(2);
  const flag = (name: string) => {
    const at = rest.indexOf(name);
    return at >= 0 ? rest[at + 1] : undefined;
  };
  if (command === 'build' && dir) await build(dir, Number(rest[0] ?? 1_000_000));
  else if (command === 'run' && dir) {
    await run(dir, {
      all: rest.includes('--all'),
      ref: flag('--ref') ?? 'HEAD',
      runs: Number(flag('--runs') ?? 2),
    });
  } else {
    console.error(
      'usage: search-slow-queries.ts build DIR [PAPERS] | run DIR [--all] [--ref REV] [--runs N]',
    );
    process.exit(2);
  }
}
