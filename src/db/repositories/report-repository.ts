// Reports of comments (comment_reports): one per reader per comment, enforced by a unique constraint.
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import type { Database } from '../schema.ts';

export interface OpenReport {
  id: number;
  commentId: number;
  reason: string;
  createdAt: string;
  reporter: { id: number; handle: string; displayName: string };
}

export class ReportRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db(): Kysely<Database> {
    return this.handle.db;
  }

  async exists(commentId: number, reporterId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('commentReports')
      .select('id')
      .where('commentId', '=', commentId)
      .where('reporterId', '=', reporterId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async insert(report: {
    commentId: number;
    reporterId: number;
    reason: string;
    createdAt: string;
  }): Promise<number> {
    const row = await this.db
      .insertInto('commentReports')
      .values({ ...report, resolvedAt: null, resolvedBy: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /**
   * Unresolved reports of the comments that have the oldest open report, oldest first: a page of
   * the queue holds every open report of at most `limit` comments.
   */
  async openQueue(limit: number, offset: number): Promise<OpenReport[]> {
    const comments = await this.db
      .selectFrom('commentReports')
      .select(['commentId', (eb) => eb.fn.min('createdAt').as('firstAt')])
      .where('resolvedAt', 'is', null)
      .groupBy('commentId')
      .orderBy('firstAt')
      .orderBy('commentId')
      .limit(limit)
      .offset(offset)
      .execute();
    if (comments.length === 0) return [];
    const rows = await this.db
      .selectFrom('commentReports')
      .innerJoin('users', 'users.id', 'commentReports.reporterId')
      .select([
        'commentReports.id',
        'commentReports.commentId',
        'commentReports.reason',
        'commentReports.createdAt',
        'users.id as reporterId',
        'users.handle',
        'users.displayName',
      ])
      .where('commentReports.resolvedAt', 'is', null)
      .where(
        'commentReports.commentId',
        'in',
        comments.map((c) => c.commentId),
      )
      .orderBy('commentReports.createdAt')
      .orderBy('commentReports.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      commentId: r.commentId,
      reason: r.reason,
      createdAt: r.createdAt,
      reporter: { id: r.reporterId, handle: r.handle, displayName: r.displayName },
    }));
  }

  /** How many comments have open reports. */
  async openCommentCount(): Promise<number> {
    const row = await this.db
      .selectFrom('commentReports')
      .select((eb) => eb.fn.count<number>('commentId').distinct().as('n'))
      .where('resolvedAt', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Resolves every open report of a comment; returns how many there were. */
  async resolveAllFor(commentId: number, by: number, now: string): Promise<number> {
    const result = await this.db
      .updateTable('commentReports')
      .set({ resolvedAt: now, resolvedBy: by })
      .where('commentId', '=', commentId)
      .where('resolvedAt', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
