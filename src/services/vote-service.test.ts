// The vote service on every SQL backend: idempotency, the stored count and trending score, exact
// counts with many votes in flight (on PostgreSQL truly concurrent, over a pool of connections), and
// the rules (unknown and hidden papers, banned voters).
import { beforeEach, expect, it } from 'vitest';
import { describeBackends } from '../../test/helpers/backends.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { ListingRepository } from '../db/repositories/listing-repository.ts';
import { PaperRepository } from '../db/repositories/paper-repository.ts';
import { trendingScore } from '../domain/ranking.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';
import { VoteService } from './vote-service.ts';

const LISTED_AT = '2026-11-20T10:00:00.000Z';

describeBackends('VoteService', (backend) => {
  let db: DatabaseHandle;
  let votes: VoteService;

  beforeEach(async () => {
    db = await backend.open();
    const now = '2026-11-20T09:00:00.000Z';
    await new PaperRepository(db).upsert(
      {
        arxivId: '2611.00001',
        title: 'A paper',
        abstract: 'About things.',
        authors: ['Ada Lovelace'],
        categories: ['cs.LG'],
        versions: [{ version: 1, submittedAt: now, size: null }],
        comments: null,
        journalRef: null,
        doi: null,
        reportNo: null,
        license: null,
      },
      { source: 'arxiv', importedUpvotes: 7 },
      now,
    );
    await new ListingRepository(db).addMany([
      { paperId: '2611.00001', day: '2026-11-20', listedAt: LISTED_AT },
    ]);
    for (const [i, banned] of [
      [1, null],
      [2, null],
      [3, '2026-11-19T00:00:00.000Z'],
    ] as const) {
      await db.db
        .insertInto('users')
        .values({
          id: i,
          email: `u${i}@example.org`,
          handle: `u${i}`,
          displayName: `User ${i}`,
          createdAt: now,
          bannedAt: banned,
        })
        .execute();
    }
    votes = new VoteService(db, () => new Date('2026-11-21T00:00:00.000Z'));
  });

  async function stored() {
    return db.db
      .selectFrom('papers')
      .innerJoin('listings', 'listings.paperId', 'papers.id')
      .select(['papers.upvotes', 'listings.trendingScore'])
      .where('papers.id', '=', '2611.00001')
      .executeTakeFirstOrThrow();
  }

  it('counts imported upvotes plus vote rows, idempotently, and keeps the trending score in step', async () => {
    expect(await votes.setVote({ id: 1 }, '2611.00001', true)).toEqual({
      paperId: '2611.00001',
      upvotes: 8,
      upvoted: true,
    });
    expect((await votes.setVote({ id: 1 }, '2611.00001', true)).upvotes).toBe(8);
    expect((await votes.setVote({ id: 2 }, '2611.00001', true)).upvotes).toBe(9);
    expect(await stored()).toEqual({ upvotes: 9, trendingScore: trendingScore(9, LISTED_AT) });
    expect((await votes.setVote({ id: 1 }, '2611.00001', false)).upvotes).toBe(8);
    expect((await votes.setVote({ id: 1 }, '2611.00001', false)).upvotes).toBe(8);
    expect(await stored()).toEqual({ upvotes: 8, trendingScore: trendingScore(8, LISTED_AT) });
    expect(await votes.votedAmong({ id: 2 }, ['2611.00001', 'nope'])).toEqual(new Set(['2611.00001']));
  });

  it('bumps the change token only when something changed', async () => {
    const before = db.changeToken();
    await votes.setVote({ id: 1 }, '2611.00001', false);
    expect(db.changeToken()).toBe(before);
    await votes.setVote({ id: 1 }, '2611.00001', true);
    expect(db.changeToken()).not.toBe(before);
  });

  it('keeps counts exact when many votes are in flight at once', async () => {
    for (let i = 10; i < 60; i++) {
      await db.db
        .insertInto('users')
        .values({ id: i, email: `m${i}@x.org`, handle: `m${i}`, displayName: 'M', createdAt: LISTED_AT })
        .execute();
    }
    const ids = Array.from({ length: 50 }, (_, i) => i + 10);
    await Promise.all(ids.flatMap((id) => [votes.setVote({ id }, '2611.00001', true)]));
    await Promise.all(ids.map((id) => votes.setVote({ id }, '2611.00001', true)));
    expect((await stored()).upvotes).toBe(57);
    await Promise.all(ids.slice(0, 20).map((id) => votes.setVote({ id }, '2611.00001', false)));
    expect(await stored()).toEqual({ upvotes: 37, trendingScore: trendingScore(37, LISTED_AT) });
  });

  it('refuses unknown and hidden papers and banned voters, changing nothing', async () => {
    await expect(votes.setVote({ id: 1 }, '2611.99999', true)).rejects.toBeInstanceOf(NotFoundError);
    await expect(votes.setVote({ id: 3 }, '2611.00001', true)).rejects.toThrow(/suspended/);
    await db.db.updateTable('papers').set({ hiddenAt: LISTED_AT }).execute();
    await expect(votes.setVote({ id: 1 }, '2611.00001', true)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await db.db.selectFrom('votes').selectAll().execute()).toEqual([]);
    expect((await stored()).upvotes).toBe(7);
  });
});
