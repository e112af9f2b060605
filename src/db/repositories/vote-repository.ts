// Community upvotes: one row per (user, paper). papers.upvotes is always importedUpvotes plus the
// number of vote rows, and the listing's trending score follows it; both are recomputed from the rows
// (never incremented) so that a retried or concurrent vote can never leave a count off by one.
import type { Kysely } from 'kysely';
import { trendingScore } from '../../domain/ranking.ts';
import type { DatabaseHandle } from '../database.ts';
import type { Database } from '../schema.ts';

/** What a voter needs to know about a paper before voting on it. */
export type PaperVoteState = 'votable' | 'hidden' | 'missing';

export class VoteRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db(): Kysely<Database> {
    return this.handle.db;
  }

  /**
   * Takes the paper's row lock as the transaction's first statement, then says whether the paper can
   * be voted on. The no-op update is deliberate: on SQLite it takes the write lock before anything
   * is read (so the busy timeout applies, never SQLITE_BUSY_SNAPSHOT), and on PostgreSQL it
   * serialises the voters of one paper, so each recount below sees every earlier voter's row.
   */
  async lockPaper(paperId: string): Promise<PaperVoteState> {
    const locked = await this.db
      .updateTable('papers')
      .set((eb) => ({ upvotes: eb.ref('upvotes') }))
      .where('id', '=', paperId)
      .where('hiddenAt', 'is', null)
      .executeTakeFirst();
    if (Number(locked.numUpdatedRows) > 0) return 'votable';
    const row = await this.db.selectFrom('papers').select('id').where('id', '=', paperId).executeTakeFirst();
    return row ? 'hidden' : 'missing';
  }

  /** Adds the vote unless it is there already; true when a row was added. */
  async add(userId: number, paperId: string, now: string): Promise<boolean> {
    const result = await this.db
      .insertInto('votes')
      .values({ userId, paperId, createdAt: now })
      .onConflict((oc) => oc.columns(['userId', 'paperId']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Removes the vote if there is one; true when a row was removed. */
  async remove(userId: number, paperId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('votes')
      .where('userId', '=', userId)
      .where('paperId', '=', paperId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async has(userId: number, paperId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('votes')
      .select('paperId')
      .where('userId', '=', userId)
      .where('paperId', '=', paperId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Sets papers.upvotes = importedUpvotes + count(votes) and the listing's trending score to match.
   * Returns the new count and whether anything stored changed. Run it in the voting transaction.
   */
  async recount(paperId: string): Promise<{ upvotes: number; changed: boolean }> {
    const before = await this.db
      .selectFrom('papers')
      .select('upvotes')
      .where('id', '=', paperId)
      .executeTakeFirstOrThrow();
    await this.db
      .updateTable('papers')
      .set((eb) => ({
        upvotes: eb(
          'importedUpvotes',
          '+',
          eb
            .selectFrom('votes')
            .select((v) => v.fn.countAll<number>().as('n'))
            .where('votes.paperId', '=', paperId),
        ),
      }))
      .where('id', '=', paperId)
      .execute();
    const after = await this.db
      .selectFrom('papers')
      .leftJoin('listings', 'listings.paperId', 'papers.id')
      .select(['papers.upvotes', 'listings.listedAt', 'listings.trendingScore'])
      .where('papers.id', '=', paperId)
      .executeTakeFirstOrThrow();
    const upvotes = Number(after.upvotes);
    let changed = upvotes !== Number(before.upvotes);
    if (after.listedAt !== null) {
      const score = trendingScore(upvotes, after.listedAt);
      if (score !== after.trendingScore) {
        await this.db
          .updateTable('listings')
          .set({ trendingScore: score })
          .where('paperId', '=', paperId)
          .execute();
        changed = true;
      }
    }
    return { upvotes, changed };
  }

  /** Which of `paperIds` the user has upvoted. */
  async votedAmong(userId: number, paperIds: string[]): Promise<Set<string>> {
    if (paperIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('votes')
      .select('paperId')
      .where('userId', '=', userId)
      .where('paperId', 'in', paperIds)
      .execute();
    return new Set(rows.map((r) => r.paperId));
  }
}
