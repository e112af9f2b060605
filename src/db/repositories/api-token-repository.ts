// Personal API tokens ("pb_…"), stored only as SHA-256 hashes with a short prefix for display.
import type { Selectable } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import type { ApiTokensTable } from '../schema.ts';
import type { SessionViewer } from './session-repository.ts';

export type ApiTokenRow = Selectable<ApiTokensTable>;
export type ApiTokenSummary = Omit<ApiTokenRow, 'tokenHash'>;

export class ApiTokenRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  async create(token: Omit<ApiTokenRow, 'id' | 'lastUsedAt' | 'revokedAt'>): Promise<number> {
    const row = await this.handle.db
      .insertInto('apiTokens')
      .values({ ...token, lastUsedAt: null, revokedAt: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** The owner of a live (unrevoked) token; banned users' tokens do not work. */
  findViewer(
    tokenHash: string,
  ): Promise<
    (Omit<SessionViewer, 'lastSeenAt'> & { tokenId: number; lastUsedAt: string | null }) | undefined
  > {
    return this.handle.db
      .selectFrom('apiTokens')
      .innerJoin('users', 'users.id', 'apiTokens.userId')
      .select([
        'apiTokens.id as tokenId',
        'apiTokens.lastUsedAt',
        'users.id as userId',
        'users.handle',
        'users.displayName',
        'users.role',
      ])
      .where('apiTokens.tokenHash', '=', tokenHash)
      .where('apiTokens.revokedAt', 'is', null)
      .where('users.bannedAt', 'is', null)
      .executeTakeFirst();
  }

  /** Records use at most once a minute: `notBefore` is a minute before `now`. */
  async touch(id: number, now: string, notBefore: string): Promise<void> {
    await this.handle.db
      .updateTable('apiTokens')
      .set({ lastUsedAt: now })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('lastUsedAt', 'is', null), eb('lastUsedAt', '<', notBefore)]))
      .execute();
  }

  listOf(userId: number): Promise<ApiTokenSummary[]> {
    return this.handle.db
      .selectFrom('apiTokens')
      .select(['id', 'userId', 'name', 'prefix', 'createdAt', 'lastUsedAt', 'revokedAt'])
      .where('userId', '=', userId)
      .where('revokedAt', 'is', null)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  /** Revokes one of the user's own tokens; false when there is no such live token. */
  async revoke(userId: number, id: number, now: string): Promise<boolean> {
    const result = await this.handle.db
      .updateTable('apiTokens')
      .set({ revokedAt: now })
      .where('id', '=', id)
      .where('userId', '=', userId)
      .where('revokedAt', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
