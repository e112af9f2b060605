import type { Kysely } from 'kysely';

// Where each ingestion source keeps its place (an OAI-PMH resumption token, a byte offset in a
// snapshot, the last day polled), written in the same transaction as the records it covers.
export function ingestStateMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('ingest_state')
        .addColumn('source', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('ingest_state').execute();
    },
  };
}
