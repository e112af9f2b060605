import { Migrator } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { DialectInfo } from './dialect.ts';
import { initialMigration } from './migrations/0001-initial.ts';
import { sqliteSearchMigration } from './migrations/0002-search-sqlite.ts';
import { ingestStateMigration } from './migrations/0004-ingest-state.ts';
import { embeddingsMigration } from './migrations/0003-embeddings.ts';
import { communityMigration } from './migrations/0005-community.ts';
import { emailMigration } from './migrations/0006-email.ts';

/** Every migration in order; names sort in the order they run. */
function migrations(dialect: DialectInfo): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-search-sqlite': sqliteSearchMigration(dialect),
    '0004-ingest-state': ingestStateMigration(),
    '0003-embeddings': embeddingsMigration(dialect),
    '0005-community': communityMigration(dialect),
    '0006-email': emailMigration(dialect),
  };
}

export class MigrationError extends Error {}

export async function migrateToLatest<T>(db: Kysely<T>, dialect: DialectInfo): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`database migration ${failed} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
