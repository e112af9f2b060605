import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { PaperboyMigration } from '../migrate.ts';

// Every node learns of every commit (issue 8): web nodes cache anonymous pages under
// DatabaseHandle.changeToken(), and on PostgreSQL a write by another node or a worker must move
// that token everywhere. A statement-level trigger on each table that pages and feeds are built
// from sends pg_notify('paperboy_changes', ''), in the writing transaction, so no write path can
// bypass it. PostgreSQL delivers a NOTIFY only when its transaction commits (never ahead of the
// data, never for a rollback) and sends identical ones of one transaction once, so a vote (a
// votes row and its paper's count) costs one message. Each process LISTENs on one connection
// (src/db/change-listener.ts).
//
// Not here, on purpose: sessions, login and API tokens, rate limits (written on every request, and
// shown on no shared page), subscriptions, deliveries, reports and the audit log (shown only on a
// reader's own or a moderator's pages, which are never cached), and the search feed's own tables.
// On SQLite (no 'notify' capability) PRAGMA data_version does this job; the migration is recorded
// and does nothing.
export const CHANGE_CHANNEL = 'paperboy_changes';

export const NOTIFYING_TABLES = [
  'papers',
  'paper_versions',
  'paper_authors',
  'paper_categories',
  'paper_embeddings', // similar papers on a paper's page
  'listings',
  'organizations',
  'users',
  'votes',
  'comments',
] as const;

export function changeNotifyMigration(): PaperboyMigration {
  return {
    requires: ['notify'],
    async up(db: Kysely<unknown>): Promise<void> {
      // A statement that changed no row (an upsert that found its row, an UPDATE matching nothing)
      // sends nothing: it must not empty every node's cache.
      await sql
        .raw(
          `CREATE FUNCTION paperboy_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            -- Each branch names only the transition table its trigger has.
            IF TG_OP = 'DELETE' THEN
              IF EXISTS (SELECT 1 FROM old_rows) THEN PERFORM pg_notify('${CHANGE_CHANNEL}', ''); END IF;
            ELSIF TG_OP IN ('INSERT', 'UPDATE') THEN
              IF EXISTS (SELECT 1 FROM new_rows) THEN PERFORM pg_notify('${CHANGE_CHANNEL}', ''); END IF;
            ELSE
              PERFORM pg_notify('${CHANGE_CHANNEL}', ''); -- TRUNCATE
            END IF;
            RETURN NULL;
          END $$`,
        )
        .execute(db);
      for (const table of NOTIFYING_TABLES) {
        await sql
          .raw(
            `CREATE TRIGGER ${table}_notify_insert AFTER INSERT ON ${table}
              REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION paperboy_notify_change();
            CREATE TRIGGER ${table}_notify_update AFTER UPDATE ON ${table}
              REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION paperboy_notify_change();
            CREATE TRIGGER ${table}_notify_delete AFTER DELETE ON ${table}
              REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION paperboy_notify_change();
            CREATE TRIGGER ${table}_notify_truncate AFTER TRUNCATE ON ${table}
              FOR EACH STATEMENT EXECUTE FUNCTION paperboy_notify_change();`,
          )
          .execute(db);
      }
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of NOTIFYING_TABLES) {
        for (const event of ['insert', 'update', 'delete', 'truncate']) {
          await sql.raw(`DROP TRIGGER ${table}_notify_${event} ON ${table}`).execute(db);
        }
      }
      await sql`DROP FUNCTION paperboy_notify_change()`.execute(db);
    },
  };
}
