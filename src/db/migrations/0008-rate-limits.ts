import type { Kysely } from 'kysely';
import type { PaperboyMigration } from '../migrate.ts';

// Rate-limit counters shared by every web node (src/db/repositories/rate-limit-repository.ts): one
// row per limit key (route and client), counting requests until window_ends_at (ISO-8601 UTC, like
// every timestamp). Rows whose window has ended are deleted from time to time; none is precious.
export function rateLimitsMigration(): PaperboyMigration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('window_ends_at', 'text', (c) => c.notNull())
        .execute();
      // For deleting expired rows without a full scan.
      await db.schema
        .createIndex('rate_limits_window_ends_at')
        .on('rate_limits')
        .column('window_ends_at')
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('rate_limits').execute();
    },
  };
}
