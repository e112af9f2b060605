// Lexical search exists for SQLite only (FTS5 with BM25). PostgreSQL can hold every table, but a
// container without search would serve broken pages and lose index entries on import, so commands
// that need the whole container refuse PostgreSQL up front, before touching the database; only
// `paperboy migrate` works there for now. Which search PostgreSQL gets is issue 8's decision.
import { dialectOf } from '../db/database.ts';
import type { DatabaseTarget } from '../db/database.ts';
import { supports } from '../db/dialect.ts';

export class SearchUnavailableError extends Error {}

export function assertSearchAvailable(target: DatabaseTarget): void {
  const dialect = dialectOf(target);
  if (supports(dialect, 'fts5')) return;
  const backend = dialect.name === 'postgres' ? 'PostgreSQL' : dialect.name;
  throw new SearchUnavailableError(
    `search has no ${backend} backend yet (it runs on SQLite FTS5), and this command needs it. ` +
      '`paperboy migrate` works on ' +
      'PostgreSQL; for everything else unset DATABASE_URL (or use sqlite:PATH) until PostgreSQL search lands.',
  );
}
