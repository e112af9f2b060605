import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';

// The whole product's model, not only what the foundation pages read, so later features add
// columns rather than reshape tables. Written with Kysely's schema builder: no backend-specific SQL.
export function initialMigration(dialect: DialectInfo) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('organizations')
        .addColumn('id', dialect.serialType, (c) => dialect.serialPrimaryKey(c))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('fullname', 'text', (c) => c.notNull())
        .addColumn('avatar_url', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', dialect.serialType, (c) => dialect.serialPrimaryKey(c))
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('handle', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().defaultTo('user'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('banned_at', 'text')
        .execute();

      await db.schema
        .createTable('papers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('abstract', 'text', (c) => c.notNull())
        .addColumn('primary_category', 'text')
        .addColumn('author_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('submitted_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('latest_version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('comments', 'text')
        .addColumn('journal_ref', 'text')
        .addColumn('doi', 'text')
        .addColumn('report_no', 'text')
        .addColumn('license', 'text')
        .addColumn('code_url', 'text')
        .addColumn('project_url', 'text')
        .addColumn('github_stars', 'integer')
        .addColumn('organization_id', 'integer', (c) => c.references('organizations.id').onDelete('set null'))
        .addColumn('upvotes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('imported_upvotes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('hidden_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('papers_submitted_at').on('papers').column('submitted_at').execute();
      await db.schema.createIndex('papers_organization').on('papers').column('organization_id').execute();

      await db.schema
        .createTable('paper_versions')
        .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('submitted_at', 'text', (c) => c.notNull())
        .addColumn('size', 'text')
        .addColumn('title', 'text')
        .addColumn('abstract', 'text')
        .addPrimaryKeyConstraint('paper_versions_pk', ['paper_id', 'version'])
        .execute();

      await db.schema
        .createTable('paper_authors')
        .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('paper_authors_pk', ['paper_id', 'position'])
        .execute();
      await db.schema.createIndex('paper_authors_name').on('paper_authors').column('name').execute();

      await db.schema
        .createTable('paper_categories')
        .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('paper_categories_pk', ['paper_id', 'position'])
        .execute();
      await db.schema
        .createIndex('paper_categories_category')
        .on('paper_categories')
        .columns(['category', 'paper_id'])
        .execute();

      // One listing per paper, as on HF: a paper enters the daily list once.
      await db.schema
        .createTable('listings')
        .addColumn('paper_id', 'text', (c) => c.primaryKey().references('papers.id').onDelete('cascade'))
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('listed_at', 'text', (c) => c.notNull())
        .addColumn('submitted_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('trending_score', 'double precision', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('listings_day').on('listings').columns(['day', 'paper_id']).execute();
      await db.schema.createIndex('listings_trending').on('listings').column('trending_score').execute();
      await db.schema.createIndex('listings_submitter').on('listings').column('submitted_by').execute();

      await db.schema
        .createTable('votes')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('votes_pk', ['user_id', 'paper_id'])
        .execute();
      await db.schema.createIndex('votes_paper').on('votes').column('paper_id').execute();

      await db.schema
        .createTable('comments')
        .addColumn('id', dialect.serialType, (c) => dialect.serialPrimaryKey(c))
        .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('parent_id', 'integer', (c) => c.references('comments.id').onDelete('cascade'))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('deleted_at', 'text')
        .addColumn('hidden_at', 'text')
        .execute();
      await db.schema
        .createIndex('comments_paper')
        .on('comments')
        .columns(['paper_id', 'created_at'])
        .execute();
      await db.schema.createIndex('comments_user').on('comments').column('user_id').execute();

      await db.schema
        .createTable('subscriptions')
        .addColumn('id', dialect.serialType, (c) => dialect.serialPrimaryKey(c))
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('query', 'text')
        .addColumn('deliver_hour', 'integer', (c) => c.notNull().defaultTo(8))
        .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
        .addColumn('confirmed_at', 'text')
        .addColumn('unsubscribed_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('subscriptions_email').on('subscriptions').column('email').execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'subscriptions',
        'comments',
        'votes',
        'listings',
        'paper_categories',
        'paper_authors',
        'paper_versions',
        'papers',
        'users',
        'organizations',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
