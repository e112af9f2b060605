// Versioned migrations, one list for every backend. Write them with Kysely's schema builder and the
// DialectInfo column types (serialType, blobType); timestamps are text. A migration that needs a
// backend-only feature declares `requires` (see PaperboyMigration). src/db/database.test.ts applies
// them on SQLite and PostgreSQL.
import { Migrator } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { Capability, DialectInfo } from './dialect.ts';
import { supports } from './dialect.ts';
import { initialMigration } from './migrations/0001-initial.ts';
import { sqliteSearchMigration } from './migrations/0002-search-sqlite.ts';
import { ingestStateMigration } from './migrations/0004-ingest-state.ts';
import { embeddingsMigration } from './migrations/0003-embeddings.ts';
import { communityMigration } from './migrations/0005-community.ts';
import { emailMigration } from './migrations/0006-email.ts';
import { searchChangeFeedMigration } from './migrations/0007-search-change-feed.ts';
import { rateLimitsMigration } from './migrations/0008-rate-limits.ts';
import { jobsMigration } from './migrations/0009-jobs.ts';
import { changeNotifyMigration } from './migrations/0010-change-notify.ts';

/**
 * A migration, optionally with the backend capabilities it needs. Where one is missing it is still
 * recorded as applied, doing nothing: every backend has the same migration history, and one list
 * serves them all. A backend that gains a capability later gets its own, new migration.
 */
export interface PaperboyMigration extends Migration {
  requires?: readonly Capability[];
}

/** Every migration in order; names sort in the order they run. */
function migrations(dialect: DialectInfo): Record<string, PaperboyMigration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-search-sqlite': sqliteSearchMigration(),
    '0004-ingest-state': ingestStateMigration(),
    '0003-embeddings': embeddingsMigration(dialect),
    '0005-community': communityMigration(dialect),
    '0006-email': emailMigration(dialect),
    '0007-search-change-feed': searchChangeFeedMigration(),
    '0008-rate-limits': rateLimitsMigration(),
    '0009-jobs': jobsMigration(dialect),
    '0010-change-notify': changeNotifyMigration(),
  };
}

export class MigrationError extends Error {}

const NOTHING: Migration = { up: async () => {}, down: async () => {} };

/** The migrations as this backend runs them: those it lacks a capability for do nothing. */
export function migrationsFor(dialect: DialectInfo): Record<string, Migration> {
  return Object.fromEntries(
    Object.entries(migrations(dialect)).map(([name, { requires = [], ...migration }]) => [
      name,
      requires.every((c) => supports(dialect, c)) ? migration : NOTHING,
    ]),
  );
}

export async function migrateToLatest<T>(db: Kysely<T>, dialect: DialectInfo): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(dialect) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`database migration ${failed} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
