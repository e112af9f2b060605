// Magic-link tokens, stored only as SHA-256 hashes.
import type { Selectable } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import type { LoginTokensTable } from '../schema.ts';

export type LoginTokenRow = Selectable<LoginTokensTable>;

export class LoginTokenRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  async create(token: Omit<LoginTokenRow, 'usedAt'>): Promise<void> {
    await this.handle.db
      .insertInto('loginTokens')
      .values({ ...token, usedAt: null })
      .execute();
  }

  find(tokenHash: string): Promise<LoginTokenRow | undefined> {
    return this.handle.db
      .selectFrom('loginTokens')
      .selectAll()
      .where('tokenHash', '=', tokenHash)
      .executeTakeFirst();
  }

  /**
   * Marks the token used if it is still unused and unexpired, in one conditional UPDATE: of two
   * concurrent verifications exactly one sees a changed row, so a link signs in only once.
   */
  async consume(tokenHash: string, now: string): Promise<boolean> {
    const result = await this.handle.db
      .updateTable('loginTokens')
      .set({ usedAt: now })
      .where('tokenHash', '=', tokenHash)
      .where('usedAt', 'is', null)
      .where('expiresAt', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Links sent to the address since `since`, and the oldest of them (for Retry-After). */
  async sentSince(email: string, since: string): Promise<{ count: number; oldest: string | null }> {
    const row = await this.handle.db
      .selectFrom('loginTokens')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('createdAt').as('oldest')])
      .where('email', '=', email)
      .where('createdAt', '>', since)
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), oldest: row.oldest ?? null };
  }

  /** Tokens past their expiry are useless; old ones only count for rate limits for a while. */
  async deleteExpiredBefore(cutoff: string): Promise<void> {
    await this.handle.db.deleteFrom('loginTokens').where('expiresAt', '<', cutoff).execute();
  }
}
