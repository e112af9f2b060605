import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { PaperboyMigration } from '../migrate.ts';

// PostgreSQL's change feed for the node-local search indexes (docs/decisions.md, "Search on
// PostgreSQL"). Triggers on papers, paper_authors and paper_categories write one row per changed
// paper into search_changes, in the writing transaction, so no write path can bypass the feed.
//
// Order: a row's position is (xid, seq), the writing transaction's id and a sequence number. Both
// are assigned before commit, so rows become visible out of order; a reader therefore only takes rows
// of transactions older than its snapshot's xmin (pg_snapshot_xmin(pg_current_snapshot())): every
// transaction below that horizon has ended, so no row can appear later below it (src/db/
// search-change-feed.ts). A row with a NULL paper_id (TRUNCATE) means "everything changed".
//
// search_keys gives every paper a stable integer (the local index's rowid), the same on every node
// and in insertion order like SQLite's rowid, so ties in BM25 order the same way everywhere.
// search_feed holds the database's identity (a node whose index came from another database
// rebuilds) and how far the feed was pruned (a node whose cursor is older rebuilds).
// On SQLite (no 'change-feed' capability) this migration is recorded and does nothing.
const PAPER_COLUMNS = ['title', 'abstract', 'submitted_at', 'upvotes', 'code_url', 'hidden_at'];

export function searchChangeFeedMigration(): PaperboyMigration {
  return {
    requires: ['change-feed'],
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`CREATE TABLE search_changes (
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        seq bigserial NOT NULL,
        paper_id text,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (xid, seq)
      )`.execute(db);
      await sql`CREATE TABLE search_keys (
        paper_id text PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
        key bigserial NOT NULL UNIQUE
      )`.execute(db);
      await sql`INSERT INTO search_keys (paper_id) SELECT id FROM papers ORDER BY submitted_at, id`.execute(
        db,
      );
      await sql`CREATE TABLE search_feed (
        singleton integer PRIMARY KEY CHECK (singleton = 1),
        database_id text NOT NULL,
        pruned_xid xid8,
        pruned_seq bigint
      )`.execute(db);
      await sql`INSERT INTO search_feed (singleton, database_id) VALUES (1, gen_random_uuid()::text)`.execute(
        db,
      );

      // NOTIFY is delivered at commit only: a wake-up for the nodes, never ahead of the data.
      await sql
        .raw(
          `
        CREATE FUNCTION search_changes_from_new() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_TABLE_NAME = 'papers' THEN
            INSERT INTO search_keys (paper_id) SELECT id FROM new_rows ON CONFLICT DO NOTHING;
            INSERT INTO search_changes (paper_id) SELECT id FROM new_rows;
          ELSE
            INSERT INTO search_changes (paper_id) SELECT DISTINCT paper_id FROM new_rows;
          END IF;
          PERFORM pg_notify('search_changes', '');
          RETURN NULL;
        END $$;
        CREATE FUNCTION search_changes_from_old() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_TABLE_NAME = 'papers' THEN
            INSERT INTO search_changes (paper_id) SELECT id FROM old_rows;
          ELSE
            INSERT INTO search_changes (paper_id) SELECT DISTINCT paper_id FROM old_rows;
          END IF;
          PERFORM pg_notify('search_changes', '');
          RETURN NULL;
        END $$;
        CREATE FUNCTION search_changes_from_updated_children() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO search_changes (paper_id)
            SELECT paper_id FROM new_rows UNION SELECT paper_id FROM old_rows;
          PERFORM pg_notify('search_changes', '');
          RETURN NULL;
        END $$;
        -- Only columns the index holds: a vote changes upvotes (sort by upvotes), a comment does not.
        CREATE FUNCTION search_changes_from_updated_papers() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO search_keys (paper_id) SELECT id FROM new_rows ON CONFLICT DO NOTHING;
          INSERT INTO search_changes (paper_id)
            SELECT n.id FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
            WHERE o.id IS NULL OR (${PAPER_COLUMNS.map((c) => `o.${c}`).join(', ')})
              IS DISTINCT FROM (${PAPER_COLUMNS.map((c) => `n.${c}`).join(', ')})
            UNION SELECT o.id FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id WHERE n.id IS NULL;
          IF FOUND THEN PERFORM pg_notify('search_changes', ''); END IF;
          RETURN NULL;
        END $$;
        CREATE FUNCTION search_changes_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO search_changes (paper_id) VALUES (NULL);
          PERFORM pg_notify('search_changes', '');
          RETURN NULL;
        END $$;
      `,
        )
        .execute(db);
      for (const table of ['papers', 'paper_authors', 'paper_categories']) {
        const updated =
          table === 'papers' ? 'search_changes_from_updated_papers' : 'search_changes_from_updated_children';
        await sql
          .raw(
            `
          CREATE TRIGGER ${table}_search_insert AFTER INSERT ON ${table}
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_changes_from_new();
          CREATE TRIGGER ${table}_search_update AFTER UPDATE ON ${table}
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${updated}();
          CREATE TRIGGER ${table}_search_delete AFTER DELETE ON ${table}
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_changes_from_old();
          CREATE TRIGGER ${table}_search_truncate AFTER TRUNCATE ON ${table}
            FOR EACH STATEMENT EXECUTE FUNCTION search_changes_truncated();
        `,
          )
          .execute(db);
      }
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['papers', 'paper_authors', 'paper_categories']) {
        for (const event of ['insert', 'update', 'delete', 'truncate']) {
          await sql.raw(`DROP TRIGGER ${table}_search_${event} ON ${table}`).execute(db);
        }
      }
      await sql
        .raw(
          `DROP FUNCTION search_changes_from_new(), search_changes_from_old(),
        search_changes_from_updated_children(), search_changes_from_updated_papers(), search_changes_truncated()`,
        )
        .execute(db);
      await sql`DROP TABLE search_feed`.execute(db);
      await sql`DROP TABLE search_keys`.execute(db);
      await sql`DROP TABLE search_changes`.execute(db);
    },
  };
}
