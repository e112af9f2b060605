// The lexical search backend for the configured database (search-availability.ts decides which):
// FTS5 inside SQLite, or on PostgreSQL this node's derived index, caught up before it is returned
// and then following the change feed (polling every SEARCH_SYNC_MS, woken by NOTIFY).
import type { Config } from '../config/config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { listenForChanges, SearchChangeFeed } from '../db/search-change-feed.ts';
import { categoryName } from '../domain/arxiv-taxonomy.ts';
import { DerivedIndexBackend } from '../search/derived-index-backend.ts';
import type { FieldWeights, SearchBackend } from '../search/search-backend.ts';
import { SqliteFts5Backend } from '../search/sqlite-fts5-backend.ts';
import type { NewlyIndexed } from '../search/sqlite-fts5-backend.ts';
import { searchKindOf } from './search-availability.ts';

/** What ingestion needs besides SearchBackend (snapshot imports index new papers in bulk). */
export type LexicalBackend = SearchBackend & {
  indexNewPapers(papers: NewlyIndexed[], within?: DatabaseHandle['db']): Promise<void>;
  tuneForBulkLoad?(): Promise<() => Promise<void>>;
  /** A derived index: applies every committed change now (FTS5 in the database needs none). */
  syncNow?(): Promise<unknown>;
};

export interface SearchStack {
  backend: LexicalBackend;
  close(): Promise<void>;
}

type Logger = { info?(o: object, m: string): void; warn(o: object, m: string): void };

export async function createSearchStack(
  config: Config,
  database: DatabaseHandle,
  weights: FieldWeights,
  logger?: Logger,
): Promise<SearchStack> {
  if (searchKindOf(config.database) === 'fts5' || config.database.kind !== 'postgres') {
    const backend = new SqliteFts5Backend(database.db, weights, categoryName, database.noteWrite);
    return { backend, close: async () => {} };
  }
  const url = config.database.url;
  const backend = await DerivedIndexBackend.open({
    file: config.searchIndex.file,
    feed: new SearchChangeFeed(database.db),
    weights,
    categoryName,
    onWrite: database.noteWrite,
    pollMs: config.searchIndex.pollMs,
    listen: (onChange) =>
      listenForChanges(url, onChange, (err) => logger?.warn({ err }, 'search index: change listener failed')),
    onError: (err) => logger?.warn({ err }, 'search index: could not follow the change feed'),
  });
  try {
    const started = await backend.start();
    if (started.rebuilt)
      logger?.info?.({ file: config.searchIndex.file, papers: started.applied }, 'built the search index');
  } catch (err) {
    await backend.close();
    throw err;
  }
  return { backend, close: () => backend.close() };
}
