// Which lexical search a database gets. SQLite: FTS5 in the same file. PostgreSQL: a BM25 index on
// each node (SQLite FTS5 in SEARCH_INDEX_FILE) derived from the database through its change feed
// (migration 0007; docs/decisions.md, "Search on PostgreSQL"). A backend with neither is refused
// up front, before touching the database.
import { dialectOf } from '../db/database.ts';
import type { DatabaseTarget } from '../db/database.ts';
import { supports } from '../db/dialect.ts';

export class SearchUnavailableError extends Error {}

export type SearchKind = 'fts5' | 'derived-index';

export function searchKindOf(target: DatabaseTarget): SearchKind {
  const dialect = dialectOf(target);
  if (supports(dialect, 'fts5')) return 'fts5';
  if (supports(dialect, 'change-feed')) return 'derived-index';
  throw new SearchUnavailableError(
    `search has no ${dialect.name} backend (it needs SQLite FTS5 or a PostgreSQL change feed), and this ` +
      'command needs it; `paperboy migrate` works without it.',
  );
}

export function assertSearchAvailable(target: DatabaseTarget): void {
  searchKindOf(target);
}
