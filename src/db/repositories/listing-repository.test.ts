// ListingRepository on every backend: listings, ranked days and periods, trending, submitters.
import { expect, it } from 'vitest';
import { describeBackends } from '../../../test/helpers/backends.ts';
import { paperRecord } from '../../../test/helpers/paper-records.ts';
import { trendingScore } from '../../domain/ranking.ts';
import type { DatabaseHandle } from '../database.ts';
import { ListingRepository } from './listing-repository.ts';
import { PaperRepository } from './paper-repository.ts';

const NOW = '2024-10-25T12:00:00.000Z';

describeBackends('listing repository', (backend) => {
  let handle: DatabaseHandle;
  let listings: ListingRepository;

  /** Papers with these upvotes, listed on these days at noon plus `minute` minutes. */
  async function setUp(
    items: { id: string; upvotes: number; day: string; minute?: number }[],
  ): Promise<void> {
    handle = await backend.open();
    listings = new ListingRepository(handle);
    const papers = new PaperRepository(handle);
    await papers.upsertMany(
      items.map((i) => ({ record: paperRecord(i.id), extras: { source: 'hf', importedUpvotes: i.upvotes } })),
      NOW,
    );
    const added = await listings.addMany(
      items.map((i) => ({
        paperId: i.id,
        day: i.day,
        listedAt: `${i.day}T12:${String(i.minute ?? 0).padStart(2, '0')}:00.000Z`,
      })),
    );
    expect(added).toBe(items.length);
  }

  async function addUser(handleName: string): Promise<number> {
    const row = await handle.db
      .insertInto('users')
      .values({
        email: `${handleName}@example.org`,
        handle: handleName,
        displayName: handleName,
        createdAt: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  it('lists a paper once, with its trending score, and refuses unknown papers', async () => {
    await setUp([{ id: '2410.00001', upvotes: 9, day: '2024-10-24' }]);
    const before = handle.changeToken();
    expect(await listings.addMany([{ paperId: '2410.00001', day: '2024-10-25', listedAt: NOW }])).toBe(0);
    expect(handle.changeToken()).toBe(before);
    const row = await handle.db
      .selectFrom('listings')
      .selectAll()
      .where('paperId', '=', '2410.00001')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      paperId: '2410.00001',
      day: '2024-10-24',
      listedAt: '2024-10-24T12:00:00.000Z',
      submittedBy: null,
      trendingScore: trendingScore(9, '2024-10-24T12:00:00.000Z'),
    });
    await expect(listings.addMany([{ paperId: 'nope', day: '2024-10-25', listedAt: NOW }])).rejects.toThrow(
      'cannot list unknown paper nope',
    );
  });

  it('finds the latest day and the days around a period, skipping hidden papers', async () => {
    await setUp([
      { id: '2410.00001', upvotes: 1, day: '2024-10-20' },
      { id: '2410.00002', upvotes: 1, day: '2024-10-22' },
      { id: '2410.00003', upvotes: 1, day: '2024-10-24' },
      { id: '2410.00004', upvotes: 1, day: '2024-10-26' },
    ]);
    await handle.db.updateTable('papers').set({ hiddenAt: NOW }).where('id', '=', '2410.00004').execute();
    expect(await listings.latestDay()).toBe('2024-10-24');
    expect(await listings.adjacentDays('2024-10-22')).toEqual({ previous: '2024-10-20', next: '2024-10-24' });
    expect(await listings.adjacentDays('2024-10-21', '2024-10-23')).toEqual({
      previous: '2024-10-20',
      next: '2024-10-24',
    });
    expect(await listings.adjacentDays('2024-10-20', '2024-10-24')).toEqual({ previous: null, next: null });
  });

  it('ranks a period by upvotes, then newest listing, then id, in pages', async () => {
    await setUp([
      { id: '2410.00001', upvotes: 5, day: '2024-10-21', minute: 0 },
      { id: '2410.00002', upvotes: 9, day: '2024-10-22', minute: 0 },
      { id: '2410.00003', upvotes: 5, day: '2024-10-22', minute: 30 },
      { id: '2410.00004', upvotes: 5, day: '2024-10-22', minute: 30 },
      { id: '2410.00005', upvotes: 50, day: '2024-10-25', minute: 0 },
    ]);
    const first = await listings.rankedBetween('2024-10-21', '2024-10-24', 2, 0);
    expect(first.items.map((p) => p.id)).toEqual(['2410.00002', '2410.00003']);
    expect(first.hasMore).toBe(true);
    const second = await listings.rankedBetween('2024-10-21', '2024-10-24', 2, 2);
    expect(second.items.map((p) => p.id)).toEqual(['2410.00004', '2410.00001']);
    expect(second.hasMore).toBe(false);
    expect(second.items[1]).toMatchObject({
      day: '2024-10-21',
      upvotes: 5,
      firstAuthors: ['Ada Lovelace', 'Alan Turing'],
    });
    expect(await listings.countBetween('2024-10-21', '2024-10-24')).toBe(4);
    expect(await listings.countBetween('2024-11-01', '2024-11-30')).toBe(0);
  });

  it('orders trending by the stored score', async () => {
    await setUp([
      { id: '2410.00001', upvotes: 199, day: '2024-10-24' },
      { id: '2410.00002', upvotes: 19, day: '2024-10-25' },
      { id: '2410.00003', upvotes: 0, day: '2024-10-25' },
      { id: '2410.00004', upvotes: 1000, day: '2024-10-20' },
    ]);
    const page = await listings.trending(3, 0);
    // log10(u + 1) + age in units of two days: 1.80, 1.30, 0.50 and 0 above 2024-10-25's base.
    expect(page.items.map((p) => p.id)).toEqual(['2410.00001', '2410.00002', '2410.00004']);
    expect(page.hasMore).toBe(true);
  });

  it('restricts lists to one submitter by handle', async () => {
    await setUp([
      { id: '2410.00001', upvotes: 3, day: '2024-10-24' },
      { id: '2410.00002', upvotes: 2, day: '2024-10-24' },
    ]);
    const ada = await addUser('ada');
    await addUser('alan');
    await handle.db
      .updateTable('listings')
      .set({ submittedBy: ada })
      .where('paperId', '=', '2410.00002')
      .execute();
    const mine = await listings.rankedBetween('2024-10-01', '2024-10-31', 10, 0, 'ada');
    expect(mine.items.map((p) => p.id)).toEqual(['2410.00002']);
    expect(await listings.countBetween('2024-10-01', '2024-10-31', 'alan')).toBe(0);
    expect((await listings.trending(10, 0, 'ada')).items.map((p) => p.id)).toEqual(['2410.00002']);
    expect((await listings.trending(10, 0, 'nobody')).items).toEqual([]);
  });
});
