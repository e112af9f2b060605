// The only place that knows which SQL backend is in use. Everything else asks DialectInfo for a
// capability (as kysely's own DialectAdapter does) rather than testing "is this SQLite?".
import type { ColumnDefinitionBuilder, ColumnDataType } from 'kysely';

/**
 * Features that only some backends have. A migration or a component that needs one says so, and
 * is skipped (migrations) or refused with a clear message (components) where it is missing.
 * - fts5: SQLite's FTS5 full-text index (virtual tables, bm25(), snippet()).
 * - change-feed: triggers with transition tables and transaction ids (xid8): PostgreSQL's change
 *   feed for node-local search indexes (migration 0007).
 * - notify: LISTEN/NOTIFY, so every process learns of every commit (migration 0010, the page
 *   cache's change token on PostgreSQL).
 * - skip-locked: SELECT … FOR UPDATE SKIP LOCKED, so concurrent job claimers pass over each other's
 *   rows (PostgreSQL). SQLite has one writer at a time, so its claim needs no row locks.
 */
export type Capability = 'fts5' | 'change-feed' | 'notify' | 'skip-locked';

export interface DialectInfo {
  name: 'sqlite' | 'postgres';
  /** Column type of auto-numbered primary keys. */
  serialType: ColumnDataType;
  serialPrimaryKey(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** Column type of binary values (embedding vectors). */
  blobType: ColumnDataType;
  capabilities: ReadonlySet<Capability>;
}

export const sqliteDialectInfo: DialectInfo = {
  name: 'sqlite',
  serialType: 'integer',
  serialPrimaryKey: (c) => c.primaryKey().autoIncrement(),
  blobType: 'blob',
  capabilities: new Set<Capability>(['fts5']),
};

// Values read back are the same on both backends: integers (COUNT's bigint too) are numbers and
// truth values are 1 or 0, as SQLite gives them; text compares byte by byte (the database must use
// the C collation, which openDatabase checks). See database.ts's PostgreSQL type parsers.
export const postgresDialectInfo: DialectInfo = {
  name: 'postgres',
  serialType: 'serial',
  serialPrimaryKey: (c) => c.primaryKey(),
  blobType: 'bytea',
  capabilities: new Set<Capability>(['change-feed', 'notify', 'skip-locked']),
};

export function supports(dialect: DialectInfo, capability: Capability): boolean {
  return dialect.capabilities.has(capability);
}
