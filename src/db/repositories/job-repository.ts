// The job queue (migration 0009; docs/decisions.md "Jobs in the database"). Any number of workers,
// in any number of processes, claim jobs from one table:
//   - claim: one UPDATE of the earliest due queued row, chosen by a subquery. On PostgreSQL the
//     subquery takes the row FOR UPDATE SKIP LOCKED, so concurrent claimers pass over each other's
//     rows instead of queueing behind them; SQLite has one writer at a time, so the same statement
//     is atomic there without row locks (DialectInfo capability 'skip-locked').
//   - a claimed job is leased: the worker renews the lease while it runs; a job whose lease has
//     expired (its worker was killed) goes back to the queue (reclaimExpired), or to 'failed' once
//     it has used up its attempts, so a job that kills its worker cannot loop forever.
//   - singleton kinds never run twice at once: a claim passes over a kind that has a running row,
//     and a unique partial index refuses a second running row if two claims race.
import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, Selectable, SqlBool } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import { isUniqueViolation } from '../database-errors.ts';
import { supports } from '../dialect.ts';
import type { Database, JobSchedulesTable, JobsTable } from '../schema.ts';

/** NOTIFY channel of new and handed-back jobs, so idle workers claim them at once (PostgreSQL). */
export const JOBS_CHANNEL = 'paperboy_jobs';

export type JobState = JobsTable['state'];
export type JobRow = Selectable<JobsTable>;

export interface EnqueueRequest {
  kind: string;
  payload?: object;
  /** Makes the enqueue idempotent: a job with this key already exists → nothing is added. */
  dedupeKey?: string;
  /** Never two running jobs of this kind. */
  singleton?: boolean;
  maxAttempts: number;
  /** Not before this time; default now. */
  runAt?: Date;
}

export interface Enqueued {
  id: number;
  /** False when a job with the same dedupe key existed: its id is returned. */
  created: boolean;
}

/** The job `id` as long as `owner` still holds its lease: a worker that lost it changes nothing. */
function heldBy(id: number, owner: string) {
  return (eb: ExpressionBuilder<Database, 'jobs'>): Expression<SqlBool> =>
    eb.and([eb('id', '=', id), eb('leaseOwner', '=', owner), eb('state', '=', 'running')]);
}

export class JobRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db() {
    return this.handle.db;
  }

  async enqueue(request: EnqueueRequest, now: Date): Promise<Enqueued> {
    const values = {
      kind: request.kind,
      dedupeKey: request.dedupeKey ?? null,
      payload: JSON.stringify(request.payload ?? {}),
      singleton: request.singleton ? 1 : 0,
      state: 'queued' as const,
      attempts: 0,
      maxAttempts: request.maxAttempts,
      runAt: (request.runAt ?? now).toISOString(),
      createdAt: now.toISOString(),
    };
    const inserted = await this.db
      .insertInto('jobs')
      .values(values)
      .onConflict((oc) => oc.column('dedupeKey').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) {
      await this.notifyWorkers();
      return { id: inserted.id, created: true };
    }
    const existing = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('dedupeKey', '=', request.dedupeKey!)
      .executeTakeFirstOrThrow();
    return { id: existing.id, created: false };
  }

  /**
   * Enqueues unless a job of this kind is already waiting: for "run again soon" wake-ups (new
   * papers to embed) that would otherwise pile up. Two nodes asking at the same instant may both
   * add one; the kinds this serves are singletons and idempotent, so the second run finds nothing.
   */
  async enqueueUnlessQueued(request: EnqueueRequest, now: Date): Promise<Enqueued | null> {
    const waiting = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', request.kind)
      .where('state', '=', 'queued')
      .limit(1)
      .executeTakeFirst();
    return waiting ? null : this.enqueue(request, now);
  }

  /**
   * Takes the earliest due queued job of one of `kinds` for `owner`, leased until now + leaseMs;
   * null when there is none (or a concurrent claim took the last singleton slot).
   */
  async claim(owner: string, kinds: readonly string[], leaseMs: number, now: Date): Promise<JobRow | null> {
    if (kinds.length === 0) return null;
    const nowIso = now.toISOString();
    const lockRows = supports(this.handle.dialect, 'skip-locked');
    try {
      const row = await this.db
        .updateTable('jobs')
        .set((eb) => ({
          state: 'running',
          attempts: eb('attempts', '+', 1),
          leaseOwner: owner,
          leaseExpiresAt: new Date(now.getTime() + leaseMs).toISOString(),
          startedAt: nowIso,
          finishedAt: null,
        }))
        .where('state', '=', 'queued')
        .where('id', '=', (eb) =>
          eb
            .selectFrom('jobs as j')
            .select('j.id')
            .where('j.state', '=', 'queued')
            .where('j.runAt', '<=', nowIso)
            .where('j.kind', 'in', kinds)
            .where((w) =>
              w.or([
                w('j.singleton', '=', 0),
                w.not(
                  w.exists(
                    w
                      .selectFrom('jobs as r')
                      .select('r.id')
                      .whereRef('r.kind', '=', 'j.kind')
                      .where('r.state', '=', 'running'),
                  ),
                ),
              ]),
            )
            .orderBy('j.runAt')
            .orderBy('j.id')
            .limit(1)
            .$if(lockRows, (qb) => qb.forUpdate().skipLocked()),
        )
        .returningAll()
        .executeTakeFirst();
      return row ?? null;
    } catch (err) {
      // Two claimers took different rows of one singleton kind at once: the index refused ours.
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  /** Extends the lease of a job `owner` still holds; false when it is no longer theirs. */
  async renewLease(id: number, owner: string, leaseMs: number, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ leaseExpiresAt: new Date(now.getTime() + leaseMs).toISOString() })
      .where(heldBy(id, owner))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Marks the job done with its report; false when the lease had been lost (nothing written). */
  async complete(id: number, owner: string, report: object, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({
        state: 'done',
        report: JSON.stringify(report),
        finishedAt: now.toISOString(),
        leaseOwner: null,
        leaseExpiresAt: null,
      })
      .where(heldBy(id, owner))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * A failed attempt: back to the queue until `retryAt` (the worker's backoff), or, with retryAt
   * null (attempts used up), 'failed' for good. False when the lease had been lost.
   */
  async fail(
    id: number,
    owner: string,
    failure: { error: string; report?: object; retryAt: Date | null },
    now: Date,
  ): Promise<boolean> {
    const final = failure.retryAt === null;
    const result = await this.db
      .updateTable('jobs')
      .set({
        state: final ? 'failed' : 'queued',
        runAt: final ? undefined : failure.retryAt!.toISOString(),
        lastError: failure.error,
        report: failure.report ? JSON.stringify(failure.report) : null,
        finishedAt: final ? now.toISOString() : null,
        leaseOwner: null,
        leaseExpiresAt: null,
      })
      .where(heldBy(id, owner))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** A worker stopping gracefully hands its job back untouched: the attempt does not count. */
  async release(id: number, owner: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        state: 'queued',
        attempts: eb('attempts', '-', 1),
        leaseOwner: null,
        leaseExpiresAt: null,
        startedAt: null,
      }))
      .where(heldBy(id, owner))
      .executeTakeFirst();
    const released = Number(result.numUpdatedRows) === 1;
    if (released) await this.notifyWorkers();
    return released;
  }

  /**
   * Running jobs whose lease expired before `now` (their worker died, or hangs past its lease)
   * go back to the queue, or to 'failed' when that was their last attempt. Returns them.
   */
  async reclaimExpired(now: Date): Promise<JobRow[]> {
    const nowIso = now.toISOString();
    return this.db
      .updateTable('jobs')
      .set((eb) => {
        const usedUp = eb('attempts', '>=', eb.ref('maxAttempts'));
        return {
          state: eb.case().when(usedUp).then('failed').else('queued').end().$castTo<JobState>(),
          finishedAt: eb.case().when(usedUp).then(nowIso).else(null).end(),
          runAt: nowIso,
          lastError: eb
            .case()
            .when(usedUp)
            .then('its worker stopped answering (lease expired) on its last attempt')
            .else('its worker stopped answering (lease expired); queued again')
            .end(),
          leaseOwner: null,
          leaseExpiresAt: null,
        };
      })
      .where('state', '=', 'running')
      .where('leaseExpiresAt', '<', nowIso)
      .returningAll()
      .execute();
  }

  /** Wakes idle workers (they LISTEN on JOBS_CHANNEL); elsewhere they find the job at their next poll. */
  private async notifyWorkers(): Promise<void> {
    if (supports(this.handle.dialect, 'notify'))
      await sql`select pg_notify(${JOBS_CHANNEL}, '')`.execute(this.db);
  }

  async get(id: number): Promise<JobRow | null> {
    return (await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  /** The newest jobs first. */
  async recent(options: { limit: number; kind?: string; state?: JobState }): Promise<JobRow[]> {
    return this.db
      .selectFrom('jobs')
      .selectAll()
      .$if(options.kind !== undefined, (qb) => qb.where('kind', '=', options.kind!))
      .$if(options.state !== undefined, (qb) => qb.where('state', '=', options.state!))
      .orderBy('id', 'desc')
      .limit(options.limit)
      .execute();
  }

  /** Deletes finished jobs (done or failed) that finished before `before`; returns how many. */
  async prune(before: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('jobs')
      .where('state', 'in', ['done', 'failed'])
      .where('finishedAt', '<', before.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Creates schedule `name` (first due at `firstRunAt`) unless it exists, and brings its next run
   * forward to `latest` when it lies beyond it (the interval was shortened since it was set).
   */
  async ensureSchedule(name: string, firstRunAt: Date, latest: Date): Promise<void> {
    await this.db
      .insertInto('jobSchedules')
      .values({ name, nextRunAt: firstRunAt.toISOString(), lastRunAt: null })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    await this.db
      .updateTable('jobSchedules')
      .set({ nextRunAt: latest.toISOString() })
      .where('name', '=', name)
      .where('nextRunAt', '>', latest.toISOString())
      .execute();
  }

  /**
   * Fires schedule `name` if it is due: moves its next run to `next` with a conditional
   * UPDATE (compare and set on next_run_at, and only while it is due), so of any number of nodes
   * trying at once exactly one touches the row. Returns the slot fired (the due time, the same on
   * every node, for the job's dedupe key), or null when it was not due or another node fired it.
   */
  async fireSchedule(name: string, now: Date, next: Date): Promise<Date | null> {
    const row = await this.db
      .selectFrom('jobSchedules')
      .select('nextRunAt')
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) return null;
    const slot = new Date(row.nextRunAt);
    if (slot.getTime() > now.getTime()) return null;
    const result = await this.db
      .updateTable('jobSchedules')
      .set({ nextRunAt: next.toISOString(), lastRunAt: now.toISOString() })
      .where('name', '=', name)
      .where('nextRunAt', '=', row.nextRunAt)
      .where('nextRunAt', '<=', now.toISOString())
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? slot : null;
  }

  async schedules(): Promise<Selectable<JobSchedulesTable>[]> {
    return this.db.selectFrom('jobSchedules').selectAll().orderBy('name').execute();
  }
}
