// The only place that knows which SQL backend is in use. Everything else asks DialectInfo for a
// capability (as kysely's own DialectAdapter does) rather than testing "is this SQLite?".
import type { ColumnDefinitionBuilder, ColumnDataType } from 'kysely';

export interface DialectInfo {
  name: 'sqlite' | 'postgres';
  /** Column type of auto-numbered primary keys. */
  serialType: ColumnDataType;
  serialPrimaryKey(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** Column type of binary values (embedding vectors). */
  blobType: ColumnDataType;
}

export const sqliteDialectInfo: DialectInfo = {
  name: 'sqlite',
  serialType: 'integer',
  serialPrimaryKey: (c) => c.primaryKey().autoIncrement(),
  blobType: 'blob',
};

export const postgresDialectInfo: DialectInfo = {
  name: 'postgres',
  serialType: 'serial',
  serialPrimaryKey: (c) => c.primaryKey(),
  blobType: 'bytea',
};
