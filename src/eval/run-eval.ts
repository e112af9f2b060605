// `npm run eval`: relevance of paperboy's search on classic IR test collections. Each collection
// is loaded into a fresh, throw-away paperboy database, indexed and queried through the real
// search service (query parser, FTS5 index, relaxation), and scored like trec_eval. A plain BM25
// over the same documents runs alongside as the yardstick (reference-bm25.ts).
//
//   npm run eval                      the four collections under ../shared/data/ir
//   npm run eval -- --dir PATH        one collection folder, SMART or BEIR
//   npm run eval -- --json            one JSON object per line and collection
//   npm run eval -- --weights title=4,abstract=1,authors=2,categories=1
//   npm run eval -- --hybrid          lexical + embeddings fused (needs EMBEDDINGS=local or openai)
//   DATABASE_URL=postgres://… npm run eval   as a PostgreSQL deployment searches (scratch-postgres.ts)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import type { Config } from '../config/config.ts';
import type { PaperRecord } from '../domain/paper.ts';
import { createContainer } from '../main/container.ts';
import { DEFAULT_WEIGHTS } from '../search/search-backend.ts';
import type { FieldWeights } from '../search/search-backend.ts';
import { InvalidInputError } from '../services/errors.ts';
import type { Collection, EvalDoc } from './collections.ts';
import { CollectionError, judgedQueries, loadCollection } from './collections.ts';
import type { RunScores } from './metrics.ts';
import { scoreRun } from './metrics.ts';
import { scratchPostgres } from './scratch-postgres.ts';
import type { Bm25Params } from './reference-bm25.ts';
import { ANSERINI_BM25, CLASSIC_BM25, ReferenceBm25 } from './reference-bm25.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
/** The workspace's copies of the collections; read in place, never copied into the project. */
const DEFAULT_DATA_DIR = path.resolve(PROJECT_ROOT, '../shared/data/ir');
const DEFAULT_COLLECTIONS = ['cacm', 'cranfield', 'med', 'adi'];
/** Ranked list depth per query, as trec_eval runs are usually cut. */
const DEPTH = 1000;
const ID_PREFIX = 'eval-';
const REFERENCES: { name: string; params: Bm25Params }[] = [
  { name: 'bm25 k1=0.9 b=0.4', params: ANSERINI_BM25 },
  { name: 'bm25 k1=1.2 b=0.75', params: CLASSIC_BM25 },
];

const USAGE = `usage: npm run eval -- [--dir PATH] [--json] [--weights title=4,abstract=1,...] [--hybrid]

  --dir PATH      evaluate one collection folder (SMART or BEIR); default: ${DEFAULT_COLLECTIONS.join(', ')}
                  under ${path.relative(PROJECT_ROOT, DEFAULT_DATA_DIR)}
  --json          print {"collection","queries","ndcg10","map","recall100"} per line (paperboy only)
  --weights W     BM25 field weights for paperboy's index, e.g. title=4,abstract=1 (others default)
  --hybrid        lexical + embedding search fused; embeds each collection with the model configured
                  by EMBEDDINGS, EMBEDDINGS_MODEL, … (see paperboy --help)`;

interface CliOptions {
  dirs: string[];
  json: boolean;
  hybrid: boolean;
  weights: FieldWeights;
}

interface SystemScores extends RunScores {
  system: string;
}

interface CollectionReport {
  collection: string;
  docs: number;
  paperboy: SystemScores;
  references: SystemScores[];
  /** Queries paperboy's parser refused ("no words that can be searched for"); scored as empty. */
  rejected: number;
}

function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      dir: { type: 'string' },
      json: { type: 'boolean', default: false },
      hybrid: { type: 'boolean', default: false },
      weights: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    dirs: values.dir
      ? [path.resolve(values.dir)]
      : DEFAULT_COLLECTIONS.map((c) => path.join(DEFAULT_DATA_DIR, c)),
    json: values.json ?? false,
    hybrid: values.hybrid ?? false,
    weights: parseWeights(values.weights),
  };
}

/** "title=4,authors=2" over the defaults; an unknown field or a bad number is an error. */
function parseWeights(spec: string | undefined): FieldWeights {
  const weights = { ...DEFAULT_WEIGHTS };
  if (!spec) return weights;
  for (const part of spec.split(',')) {
    const [field, value] = part.split('=');
    const weight = Number(value);
    if (!field || !(field in weights) || value === undefined || !Number.isFinite(weight) || weight < 0) {
      throw new Error(
        `--weights: "${part}" is not field=weight with field one of ${Object.keys(weights).join(', ')}`,
      );
    }
    weights[field as keyof FieldWeights] = weight;
  }
  return weights;
}

/** The configured model could not embed the collection: a message, not a stack trace. */
class EmbeddingSetupError extends Error {}

/** The user's embedding settings for --hybrid; null for lexical runs. */
type Hybrid = Pick<Config, 'embeddings' | 'semanticSearch'> | null;

async function evaluateCollection(
  dir: string,
  weights: FieldWeights,
  hybrid: Hybrid,
): Promise<CollectionReport> {
  const collection = loadCollection(dir);
  const queries = judgedQueries(collection);
  const { run, rejected } = await paperboyRun(collection, weights, hybrid);
  const references = REFERENCES.map(({ name, params }) => {
    const bm25 = new ReferenceBm25(collection.docs, params);
    const refRun = new Map(queries.map((q) => [q.id, bm25.rank(q.text, DEPTH)]));
    return { system: name, ...scoreRun(refRun, collection.qrels) };
  });
  return {
    collection: collection.name,
    docs: collection.docs.length,
    paperboy: { system: hybrid ? 'paperboy hybrid' : 'paperboy', ...scoreRun(run, collection.qrels) },
    references,
    rejected,
  };
}

/** Indexes the collection into a throw-away paperboy database and runs every judged query. */
async function paperboyRun(
  collection: Collection,
  weights: FieldWeights,
  hybrid: Hybrid,
): Promise<{ run: Map<string, string[]>; rejected: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-eval-'));
  const scratch = await scratchPostgres(process.env.DATABASE_URL);
  const config = loadConfig({
    PAPERBOY_DATA_DIR: dataDir,
    PAPERBOY_DEMO: 'off',
    LOG_LEVEL: 'silent',
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
  });
  const container = await createContainer(hybrid ? { ...config, ...hybrid } : config, {
    searchWeights: weights,
  }).catch(async (err: unknown) => {
    await scratch?.drop();
    throw err;
  });
  try {
    const now = new Date().toISOString();
    await container.papersRepo.upsertMany(
      collection.docs.map((doc) => ({ record: toPaperRecord(doc), extras: { source: 'eval' } })),
      now,
    );
    await container.search.rebuildIndex();
    if (hybrid) {
      const report = await container.embedJob!.run();
      if (report.status !== 'success' || report.failed > 0) {
        throw new EmbeddingSetupError(`embedding the collection ${report.status}: ${report.reason ?? ''}`);
      }
    }
    const run = new Map<string, string[]>();
    let rejected = 0;
    for (const query of judgedQueries(collection)) {
      try {
        const mode = hybrid ? 'hybrid' : 'lexical';
        const ids = await container.search.rankIds(query.text, { limit: DEPTH, mode });
        run.set(
          query.id,
          ids.map((id) => id.slice(ID_PREFIX.length)),
        );
      } catch (err) {
        if (!(err instanceof InvalidInputError)) throw err;
        rejected += 1;
        run.set(query.id, []);
      }
    }
    return { run, rejected };
  } finally {
    await container.close();
    await scratch?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// The repository accepts any id; "eval-" keeps these apart from real arXiv ids. Every paper gets
// the same date so that nothing but the text can influence the ranking.
function toPaperRecord(doc: EvalDoc): PaperRecord {
  return {
    arxivId: `${ID_PREFIX}${doc.id}`,
    title: doc.title,
    abstract: doc.text,
    authors: doc.authors,
    categories: [],
    versions: [{ version: 1, submittedAt: '2000-01-01T00:00:00.000Z', size: null }],
    comments: null,
    journalRef: null,
    doi: null,
    reportNo: null,
    license: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Output

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

function jsonLine(report: CollectionReport): string {
  const s = report.paperboy;
  return JSON.stringify({
    collection: report.collection,
    queries: s.queries,
    ndcg10: round4(s.ndcg10),
    map: round4(s.map),
    recall100: round4(s.recall100),
  });
}

function table(reports: CollectionReport[]): string {
  const header = ['collection', 'system', 'queries', 'nDCG@10', 'MAP', 'R@100'];
  const rows = reports.flatMap((r) =>
    [r.paperboy, ...r.references].map((s, i) => [
      i === 0 ? r.collection : '',
      s.system,
      String(s.queries),
      s.ndcg10.toFixed(4),
      s.map.toFixed(4),
      s.recall100.toFixed(4),
    ]),
  );
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const format = (row: string[]) =>
    row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const notes = reports
    .filter((r) => r.rejected > 0)
    .map((r) => `${r.collection}: ${r.rejected} queries refused by paperboy's query parser, scored as empty`);
  return [format(header), ...rows.map(format), ...notes].join('\n');
}

async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCli(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let user: Config | null = null;
  try {
    user = options.hybrid ? loadConfig(process.env) : null;
  } catch (err) {
    console.error(`paperboy eval: ${(err as Error).message}`);
    return 2;
  }
  if (user?.embeddings.kind === 'off') {
    console.error(
      'paperboy eval: --hybrid needs an embedding model, and none is configured: set EMBEDDINGS=local ' +
        '(EMBEDDINGS_MODEL) or EMBEDDINGS=openai (EMBEDDINGS_URL, EMBEDDINGS_MODEL). Run without --hybrid.',
    );
    return 1;
  }
  // No time budget worth the name: the evaluation measures ranking quality, not latency.
  const hybrid = user
    ? { embeddings: user.embeddings, semanticSearch: { ...user.semanticSearch, budgetMs: 60_000 } }
    : null;
  const reports: CollectionReport[] = [];
  for (const dir of options.dirs) {
    const started = performance.now();
    let report: CollectionReport;
    try {
      report = await evaluateCollection(dir, options.weights, hybrid);
    } catch (err) {
      // A missing or malformed folder is a message, not a stack trace.
      if (!(err instanceof CollectionError || err instanceof EmbeddingSetupError)) throw err;
      console.error(`paperboy eval: ${err.message}`);
      return 1;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.error(
      `${report.collection}: ${report.docs} docs, ${report.paperboy.queries} judged queries, ${seconds} s`,
    );
    if (options.json) console.log(jsonLine(report));
    reports.push(report);
  }
  if (!options.json) console.log(table(reports));
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
