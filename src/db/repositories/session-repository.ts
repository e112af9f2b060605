// Browser sessions, keyed by the SHA-256 of the cookie's value. None of these writes touch what
// anonymous pages show, so they do not call noteWrite (that would empty the shared page cache).
import type { Selectable } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import type { SessionsTable } from '../schema.ts';
import type { Role } from './user-repository.ts';

export type SessionRow = Selectable<SessionsTable>;

export interface SessionViewer {
  userId: number;
  handle: string;
  displayName: string;
  role: Role;
  lastSeenAt: string;
}

export class SessionRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  async create(session: SessionRow): Promise<void> {
    await this.handle.db.insertInto('sessions').values(session).execute();
  }

  /** The signed-in user of an unexpired session; banned users have no valid session. */
  findViewer(idHash: string, now: string): Promise<SessionViewer | undefined> {
    return this.handle.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.userId')
      .select([
        'users.id as userId',
        'users.handle',
        'users.displayName',
        'users.role',
        'sessions.lastSeenAt',
      ])
      .where('sessions.idHash', '=', idHash)
      .where('sessions.expiresAt', '>', now)
      .where('users.bannedAt', 'is', null)
      .executeTakeFirst();
  }

  /** Records activity, at most once a minute per session so reads stay reads. */
  async touch(idHash: string, now: string, notBefore: string): Promise<void> {
    await this.handle.db
      .updateTable('sessions')
      .set({ lastSeenAt: now })
      .where('idHash', '=', idHash)
      .where('lastSeenAt', '<', notBefore)
      .execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.handle.db.deleteFrom('sessions').where('idHash', '=', idHash).execute();
  }

  /** Deletes every session of the user; returns how many there were. */
  async deleteAllOf(userId: number): Promise<number> {
    const result = await this.handle.db
      .deleteFrom('sessions')
      .where('userId', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteExpired(now: string): Promise<void> {
    await this.handle.db.deleteFrom('sessions').where('expiresAt', '<=', now).execute();
  }

  listOf(userId: number, now: string): Promise<SessionRow[]> {
    return this.handle.db
      .selectFrom('sessions')
      .selectAll()
      .where('userId', '=', userId)
      .where('expiresAt', '>', now)
      .orderBy('lastSeenAt', 'desc')
      .execute();
  }

  /** Ids of the papers the user upvoted, for the state of vote buttons on a page. */
  async paperIdsVotedBy(userId: number): Promise<Set<string>> {
    const rows = await this.handle.db
      .selectFrom('votes')
      .select('paperId')
      .where('userId', '=', userId)
      .execute();
    return new Set(rows.map((r) => r.paperId));
  }
}
