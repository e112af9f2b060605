// A canonical JSON dump of a paperboy SQLite database, for comparing the result of an interrupted and
// resumed import with an uninterrupted one. Every table and every column, rows sorted, except:
//   - columns that hold the wall-clock time of the write (papers.created_at/modified_at,
//     organizations.created_at, ingest_state.updated_at): two runs write at different moments;
//   - FTS5 shadow tables, whose segment layout depends on how writes were batched; the search index is
//     compared by its content instead (paper_fts joined to papers by rowid, ordered by paper id);
//   - the migration bookkeeping.
import BetterSqlite3 from 'better-sqlite3';

const WALL_CLOCK: Record<string, string[]> = {
  papers: ['created_at', 'modified_at'],
  organizations: ['created_at'],
  ingest_state: ['updated_at'],
};

export function dumpDatabase(file: string): Record<string, unknown[]> {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         AND name NOT LIKE 'paper_fts%' AND name NOT LIKE 'kysely_%' ORDER BY name`,
      )
      .pluck()
      .all() as string[];
    const dump: Record<string, unknown[]> = {};
    for (const table of tables) {
      const skip = new Set(WALL_CLOCK[table] ?? []);
      const columns = (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[])
        .map((c) => c.name)
        .filter((c) => !skip.has(c));
      const rows = db.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}"`).all();
      dump[table] = rows.map((r) => JSON.stringify(r)).sort();
    }
    dump.paper_fts = db
      .prepare(
        `SELECT p.id, f.title, f.abstract, f.authors, f.categories
         FROM paper_fts f JOIN papers p ON p.rowid = f.rowid ORDER BY p.id`,
      )
      .all()
      .map((r) => JSON.stringify(r));
    return dump;
  } finally {
    db.close();
  }
}
