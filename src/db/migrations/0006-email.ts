import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';

// Email delivery: subscriber state on subscriptions (paused after repeated permanent failures) and
// one row per digest and subscriber in deliveries. UNIQUE(subscription_id, digest_key) is the
// idempotency record of exactly-once sending: a row is written (pending) before a message is handed
// to SMTP, so a run can never hand the same digest over twice without knowing it.
export function emailMigration(dialect: DialectInfo) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('subscriptions').addColumn('paused_at', 'text').execute();
      await db.schema
        .alterTable('subscriptions')
        .addColumn('failure_count', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('subscriptions').addColumn('last_error', 'text').execute();
      await db.schema
        .createIndex('subscriptions_user')
        .on('subscriptions')
        .columns(['user_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('deliveries')
        .addColumn('id', dialect.serialType, (c) => dialect.serialPrimaryKey(c))
        .addColumn('subscription_id', 'integer', (c) =>
          c.notNull().references('subscriptions.id').onDelete('cascade'),
        )
        /** daily:2026-11-26, weekly:2026-W48, alert:2026-11-26 */
        .addColumn('digest_key', 'text', (c) => c.notNull())
        /** pending | sent | deferred | failed | empty */
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('paper_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addUniqueConstraint('deliveries_once', ['subscription_id', 'digest_key'])
        .execute();
      await db.schema
        .createIndex('deliveries_status')
        .on('deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema.createIndex('deliveries_updated').on('deliveries').column('updated_at').execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('deliveries').execute();
      await db.schema.dropIndex('subscriptions_user').execute();
      for (const column of ['last_error', 'failure_count', 'paused_at']) {
        await db.schema.alterTable('subscriptions').dropColumn(column).execute();
      }
    },
  };
}
