import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { PaperboyMigration } from '../migrate.ts';

// SQLite's full-text index (FTS5 with BM25). Search is one of the two places allowed to differ per
// backend, so this migration needs FTS5 and does nothing elsewhere (migrate.ts); other backends'
// search code brings its own migrations.
// The table keeps its own copy of the text so snippet() and highlight() work; rowid = papers.rowid.
export function sqliteSearchMigration(): PaperboyMigration {
  return {
    requires: ['fts5'],
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`CREATE VIRTUAL TABLE paper_fts USING fts5(
        title, abstract, authors, categories,
        tokenize = 'porter unicode61 remove_diacritics 2'
      )`.execute(db);
      // Document-frequency view of the index, for more-like-this term selection.
      await sql`CREATE VIRTUAL TABLE paper_fts_vocab USING fts5vocab(paper_fts, 'row')`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`DROP TABLE paper_fts_vocab`.execute(db);
      await sql`DROP TABLE paper_fts`.execute(db);
    },
  };
}
