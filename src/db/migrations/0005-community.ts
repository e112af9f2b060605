import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';

// Sign-in, sessions, API tokens, comment reports and the moderation audit log. Secrets (magic-link
// tokens, session ids, API tokens) are stored only as SHA-256 hashes: a leaked database cannot be
// used to sign in.
export function communityMigration(dialect: DialectInfo) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('login_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        /** Local path to return to after signing in (validated before it is stored). */
        .addColumn('next_path', 'text')
        .execute();
      await db.schema
        .createIndex('login_tokens_email')
        .on('login_tokens')
        .columns(['email', 'created_at'])
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', dialect.serialType, (c) => dialect.serialPrimaryKey(c))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        /** The token's first characters, shown in settings so users can tell tokens apart. */
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();

      await db.schema
        .createTable('comment_reports')
        .addColumn('id', dialect.serialType, (c) => dialect.serialPrimaryKey(c))
        .addColumn('comment_id', 'integer', (c) => c.notNull().references('comments.id').onDelete('cascade'))
        .addColumn('reporter_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .addColumn('resolved_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addUniqueConstraint('comment_reports_once', ['comment_id', 'reporter_id'])
        .execute();
      await db.schema
        .createIndex('comment_reports_open')
        .on('comment_reports')
        .columns(['resolved_at', 'created_at'])
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', dialect.serialType, (c) => dialect.serialPrimaryKey(c))
        .addColumn('actor_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        /** e.g. comment.hide, comment.unhide, paper.hide, paper.unhide, user.ban, user.unban, user.role */
        .addColumn('action', 'text', (c) => c.notNull())
        /** comment | paper | user */
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        /** JSON with whatever else the action wants to keep (e.g. the hidden comment's text). */
        .addColumn('details', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_created').on('audit_log').column('created_at').execute();

      // Profiles list a user's upvotes newest first; comments by user are already indexed.
      await db.schema
        .createIndex('votes_user_created')
        .on('votes')
        .columns(['user_id', 'created_at'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('votes_user_created').execute();
      for (const table of ['audit_log', 'comment_reports', 'api_tokens', 'sessions', 'login_tokens']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
