// Comments on papers. Queries only; the rules (who may write, depth, what readers see) are in
// services/comment-service.ts and domain/comment-thread.ts. Callers compose these in a transaction
// by constructing the repository over the transaction's handle.
import type { Kysely } from 'kysely';
import type { StoredComment } from '../../domain/comment-thread.ts';
import type { DatabaseHandle } from '../database.ts';
import type { Database } from '../schema.ts';

export interface CommentRow {
  id: number;
  paperId: string;
  userId: number;
  parentId: number | null;
  body: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  hiddenAt: string | null;
}

export interface NewComment {
  paperId: string;
  userId: number;
  parentId: number | null;
  body: string;
  createdAt: string;
}

const COMMENT_COLUMNS = [
  'comments.id',
  'comments.paperId',
  'comments.userId',
  'comments.parentId',
  'comments.body',
  'comments.createdAt',
  'comments.updatedAt',
  'comments.deletedAt',
  'comments.hiddenAt',
] as const;

export class CommentRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db(): Kysely<Database> {
    return this.handle.db;
  }

  async findById(id: number): Promise<CommentRow | null> {
    const row = await this.db
      .selectFrom('comments')
      .select(COMMENT_COLUMNS)
      .where('comments.id', '=', id)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Every comment on a paper with its author, in no particular order (the thread sorts them). */
  async ofPaper(paperId: string): Promise<StoredComment[]> {
    const rows = await this.db
      .selectFrom('comments')
      .innerJoin('users', 'users.id', 'comments.userId')
      .select([...COMMENT_COLUMNS, 'users.handle', 'users.displayName'])
      .where('comments.paperId', '=', paperId)
      .execute();
    return rows.map(toStored);
  }

  /** Several comments with their authors (the reports queue), keyed by id. */
  async withAuthors(ids: number[]): Promise<Map<number, StoredComment>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('comments')
      .innerJoin('users', 'users.id', 'comments.userId')
      .select([...COMMENT_COLUMNS, 'users.handle', 'users.displayName'])
      .where('comments.id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, toStored(r)]));
  }

  /** How many ancestors a comment has (0 for a top-level one); walks at most `limit` steps up. */
  async depthOf(id: number, limit: number): Promise<number> {
    let depth = 0;
    let current = await this.findById(id);
    while (current?.parentId != null && depth < limit) {
      depth += 1;
      current = await this.findById(current.parentId);
    }
    return depth;
  }

  async insert(comment: NewComment): Promise<number> {
    const row = await this.db
      .insertInto('comments')
      .values({ ...comment, updatedAt: comment.createdAt, deletedAt: null, hiddenAt: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async updateBody(id: number, body: string, now: string): Promise<void> {
    await this.db.updateTable('comments').set({ body, updatedAt: now }).where('id', '=', id).execute();
  }

  async markDeleted(id: number, now: string): Promise<void> {
    await this.db.updateTable('comments').set({ deletedAt: now }).where('id', '=', id).execute();
  }

  async setHidden(id: number, hiddenAt: string | null): Promise<void> {
    await this.db.updateTable('comments').set({ hiddenAt }).where('id', '=', id).execute();
  }

  /** Hides every visible comment of a user (a ban with "hide comments"); returns the affected ids. */
  async hideAllBy(userId: number, now: string): Promise<{ id: number; paperId: string }[]> {
    const rows = await this.db
      .selectFrom('comments')
      .select(['id', 'paperId'])
      .where('userId', '=', userId)
      .where('hiddenAt', 'is', null)
      .where('deletedAt', 'is', null)
      .execute();
    if (rows.length > 0) {
      await this.db
        .updateTable('comments')
        .set({ hiddenAt: now })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
    }
    return rows;
  }

  /**
   * Sets papers.comment_count to the number of comments readers can see (neither deleted nor
   * hidden). Recounted rather than incremented, so it cannot drift whatever happened before.
   */
  async refreshCount(paperId: string): Promise<void> {
    await this.db
      .updateTable('papers')
      .set((eb) => ({
        commentCount: eb
          .selectFrom('comments')
          .select((c) => c.fn.countAll<number>().as('n'))
          .where('comments.paperId', '=', paperId)
          .where('comments.deletedAt', 'is', null)
          .where('comments.hiddenAt', 'is', null),
      }))
      .where('id', '=', paperId)
      .execute();
  }
}

function toStored(r: CommentRow & { handle: string; displayName: string }): StoredComment {
  return {
    id: r.id,
    paperId: r.paperId,
    parentId: r.parentId,
    body: r.body,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    deletedAt: r.deletedAt,
    hiddenAt: r.hiddenAt,
    author: { id: r.userId, handle: r.handle, displayName: r.displayName },
  };
}
