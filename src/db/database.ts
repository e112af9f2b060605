// Opens the configured database, applies pragmas and runs migrations.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteAdapter, SqliteDialect } from 'kysely';
import type { DialectInfo } from './dialect.ts';
import { postgresDialectInfo, sqliteDialectInfo } from './dialect.ts';
import { migrateToLatest } from './migrate.ts';
import { openPostgres } from './postgres-database.ts';
import type { PostgresOptions } from './postgres-database.ts';
import type { Database } from './schema.ts';
import { loadBm25Extension } from '../search/bm25-extension.ts';

export { DatabaseOpenError } from './database-errors.ts';

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectInfo;
  /**
   * A token that changes whenever committed data may have changed, from this process or another
   * (e.g. `paperboy seed` while the server runs). Cheap enough to call on every request.
   */
  changeToken(): string;
  /** Call after this process commits a write. */
  noteWrite(): void;
  close(): Promise<void>;
}

/**
 * SQLite runs DDL inside transactions, but Kysely's adapter says it does not, so its migrator
 * would apply migrations outside one and a kill during the first start would leave a half-built
 * schema. Saying so makes every migration batch atomic.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class PaperboySqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/** What a target's backend can do, known before opening it. */
export function dialectOf(target: DatabaseTarget): DialectInfo {
  return target.kind === 'postgres' ? postgresDialectInfo : sqliteDialectInfo;
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(
  target: DatabaseTarget,
  options: PostgresOptions = {},
): Promise<DatabaseHandle> {
  const handle =
    target.kind === 'postgres' ? await openPostgres(target.url, options) : openSqlite(target.file);
  try {
    await migrateToLatest(handle.db, handle.dialect);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}

function openSqlite(file: string): DatabaseHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL'); // durable at WAL checkpoints; safe with WAL
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  loadBm25Extension(sqlite); // optional: search falls back to the built-in bm25()
  const db = new Kysely<Database>({
    dialect: new PaperboySqliteDialect({ database: sqlite }),
    plugins: [new CamelCasePlugin()],
  });
  const versionStmt = sqlite.prepare('PRAGMA data_version').pluck();
  let localWrites = 0;
  let closed = false;
  return {
    db,
    dialect: sqliteDialectInfo,
    // data_version changes on commits by other connections; our own commits are counted here.
    changeToken: () => `${String(versionStmt.get())}.${localWrites}`,
    noteWrite: () => {
      localWrites += 1;
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy(); // closes the better-sqlite3 handle, which checkpoints the WAL
    },
  };
}
