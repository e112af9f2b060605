// What moderation needs beyond comments and the audit log: hiding papers and finding users.
// (Roles, bans and sessions go through UserRepository and SessionRepository.)
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import type { Database } from '../schema.ts';
import type { Role } from './user-repository.ts';

export interface ModeratedPaper {
  id: string;
  title: string;
  hiddenAt: string | null;
}

export interface UserListing {
  id: number;
  handle: string;
  displayName: string;
  email: string;
  role: Role;
  createdAt: string;
  bannedAt: string | null;
  commentCount: number;
}

export class ModerationRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db(): Kysely<Database> {
    return this.handle.db;
  }

  /** A paper whether hidden or not (the readers' queries leave hidden papers out). */
  async paper(id: string): Promise<ModeratedPaper | null> {
    const row = await this.db
      .selectFrom('papers')
      .select(['id', 'title', 'hiddenAt'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ?? null;
  }

  async setPaperHidden(id: string, hiddenAt: string | null): Promise<void> {
    await this.db.updateTable('papers').set({ hiddenAt }).where('id', '=', id).execute();
  }

  /** Hidden papers, most recently hidden first. */
  async hiddenPapers(limit: number): Promise<ModeratedPaper[]> {
    return this.db
      .selectFrom('papers')
      .select(['id', 'title', 'hiddenAt'])
      .where('hiddenAt', 'is not', null)
      .orderBy('hiddenAt', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /**
   * Users whose handle, display name or email contains `query` (any case), newest first; all
   * users when the query is empty. Staff (moderators, admins) first, so they are easy to find.
   */
  async searchUsers(query: string, limit: number, offset: number): Promise<UserListing[]> {
    let q = this.db.selectFrom('users').select([
      'users.id',
      'users.handle',
      'users.displayName',
      'users.email',
      'users.role',
      'users.createdAt',
      'users.bannedAt',
      (eb) =>
        eb
          .selectFrom('comments')
          .select((c) => c.fn.countAll<number>().as('n'))
          .whereRef('comments.userId', '=', 'users.id')
          .where('comments.deletedAt', 'is', null)
          .as('commentCount'),
    ]);
    const needle = query.trim().toLowerCase();
    if (needle !== '') {
      const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      // lower() because PostgreSQL's LIKE is case-sensitive; ESCAPE because SQLite has no default.
      q = q.where((eb) =>
        eb.or(
          (['users.handle', 'users.displayName', 'users.email'] as const).map(
            (column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`,
          ),
        ),
      );
    }
    const rows = await q
      .orderBy((eb) => eb.case().when('users.role', '=', 'user').then(1).else(0).end())
      .orderBy('users.createdAt', 'desc')
      .orderBy('users.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((r) => ({ ...r, commentCount: Number(r.commentCount ?? 0) }));
  }
}
