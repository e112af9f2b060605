import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';
import type { PaperboyMigration } from '../migrate.ts';

// The job queue shared by every worker (src/db/repositories/job-repository.ts, docs/decisions.md
// "Jobs in the database").
//
// jobs: one row per run of a job. state goes queued → running → done, or back to queued after a
// failure (run_at moved out by the backoff) or an expired lease (the worker died), and ends in
// failed after max_attempts. A running row belongs to lease_owner until lease_expires_at, which the
// worker renews while the job runs. dedupe_key (optional, unique) makes an enqueue idempotent: a
// schedule's slot is enqueued once however many nodes try. singleton marks kinds that must never
// run twice at once; the partial unique index makes the database refuse a second running row of
// such a kind, whatever the race between claimers.
//
// job_schedules: when each schedule fires next. A node fires a schedule only through a conditional
// UPDATE of its row (compare and set on next_run_at), so each slot fires once per cluster.
// Timestamps are ISO-8601 UTC text, as everywhere.
export function jobsMigration(dialect: DialectInfo): PaperboyMigration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('jobs')
        .addColumn('id', dialect.serialType, (c) => dialect.serialPrimaryKey(c))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('dedupe_key', 'text', (c) => c.unique())
        .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('singleton', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('state', 'text', (c) =>
          c.notNull().check(sqlIn('state', ['queued', 'running', 'done', 'failed'])),
        )
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('run_at', 'text', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('report', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .execute();
      // The claim: the earliest due queued job.
      await db.schema.createIndex('jobs_queued').on('jobs').columns(['state', 'run_at', 'id']).execute();
      // Reclaiming expired leases, and "is a job of this kind running?".
      await db.schema.createIndex('jobs_running').on('jobs').columns(['state', 'lease_expires_at']).execute();
      await db.schema.createIndex('jobs_kind_state').on('jobs').columns(['kind', 'state']).execute();
      // At most one running job of a singleton kind, enforced by the database.
      await db.schema
        .createIndex('jobs_one_running_singleton')
        .on('jobs')
        .column('kind')
        .unique()
        .where(sql.ref('state'), '=', 'running')
        .where(sql.ref('singleton'), '=', 1)
        .execute();
      // Listing recent jobs and pruning old finished ones.
      await db.schema.createIndex('jobs_created_at').on('jobs').column('created_at').execute();
      await db.schema
        .createTable('job_schedules')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('next_run_at', 'text', (c) => c.notNull())
        .addColumn('last_run_at', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('job_schedules').execute();
      await db.schema.dropTable('jobs').execute();
    },
  };
}

function sqlIn(column: string, values: string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}
