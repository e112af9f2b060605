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
      await sql
        .raw(
          `CREATE FUNCTION paperboy_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            PERFORM pg_notify('${CHANGE_CHANNEL}', '');
            RETURN NULL;
          END $$`,
        )
        .execute(db);
      for (const table of NOTIFYING_TABLES) {
        await sql
          .raw(
            `CREATE TRIGGER ${table}_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
              FOR EACH STATEMENT EXECUTE FUNCTION paperboy_notify_change()`,
          )
          .execute(db);
      }
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of NOTIFYING_TABLES) {
        await sql.raw(`DROP TRIGGER ${table}_notify_change ON ${table}`).execute(db);
      }
      await sql`DROP FUNCTION paperboy_notify_change()`.execute(db);
    },
  };
}
