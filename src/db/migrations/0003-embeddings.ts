import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';

// Paper vectors for hybrid search. Portable columns: the vector is a blob (bytea on PostgreSQL)
// of float32 little-endian values, so the same table serves every backend; the ANN index is built
// in memory from it. One vector per paper: a new model overwrites the old model's vectors.
export function embeddingsMigration(dialect: DialectInfo) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('paper_embeddings')
        .addColumn('paper_id', 'text', (c) => c.primaryKey().references('papers.id').onDelete('cascade'))
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('dims', 'integer', (c) => c.notNull())
        .addColumn('vector', dialect.blobType, (c) => c.notNull())
        .addColumn('text_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('paper_embeddings_model').on('paper_embeddings').column('model').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('paper_embeddings').execute();
    },
  };
}
