// ProfileRepository and OrganizationRepository on every backend: what a profile and an organization
// page list, in which order, and what the public must not see (hidden papers, hidden or deleted
// comments) left out of lists and counts alike.
import { expect, it } from 'vitest';
import { describeBackends } from '../../../test/helpers/backends.ts';
import { paperRecord } from '../../../test/helpers/paper-records.ts';
import type { DatabaseHandle } from '../database.ts';
import { ListingRepository } from './listing-repository.ts';
import { OrganizationRepository } from './organization-repository.ts';
import { PaperRepository } from './paper-repository.ts';
import { ProfileRepository } from './profile-repository.ts';

const NOW = '2024-10-25T12:00:00.000Z';
const ACME = { name: 'acme', fullname: 'ACME Research' };

describeBackends('profile and organization repositories', (backend) => {
  let handle: DatabaseHandle;

  /** Five papers: 1–4 from ACME (4 hidden later), upvotes 10, 30, 20, 50, 5; days 21–25 in order. */
  async function setUp(): Promise<{ ada: number; bob: number }> {
    handle = await backend.open();
    const papers = new PaperRepository(handle);
    const upvotes = [10, 30, 20, 50, 5];
    await papers.upsertMany(
      upvotes.map((n, i) => ({
        record: paperRecord(`2410.0000${i + 1}`, { day: `2024-10-2${i + 1}` }),
        extras: { source: 'hf', importedUpvotes: n, organization: i < 4 ? ACME : null },
      })),
      NOW,
    );
    const [ada, bob] = await Promise.all(['ada', 'Bob'].map((h) => addUser(h)));
    await new ListingRepository(handle).addMany(
      upvotes.map((_, i) => ({
        paperId: `2410.0000${i + 1}`,
        day: `2024-10-2${i + 1}`,
        listedAt: `2024-10-2${i + 1}T12:00:00.000Z`,
        submittedBy: i % 2 === 0 ? ada : bob,
      })),
    );
    await handle.db.updateTable('papers').set({ hiddenAt: NOW }).where('id', '=', '2410.00004').execute();
    return { ada: ada!, bob: bob! };
  }

  async function addUser(name: string): Promise<number> {
    const row = await handle.db
      .insertInto('users')
      .values({ email: `${name}@example.org`, handle: name, displayName: name.toUpperCase(), createdAt: NOW })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  it('finds users by handle, exactly first, then in any case', async () => {
    await setUp();
    const profiles = new ProfileRepository(handle);
    expect((await profiles.userByHandle('ada'))?.displayName).toBe('ADA');
    expect((await profiles.userByHandle('ADA'))?.handle).toBe('ada');
    expect((await profiles.userByHandle('bob'))?.handle).toBe('Bob');
    expect(await profiles.userByHandle('carol')).toBeNull();
  });

  it('lists submissions newest listing first, and upvotes newest vote first, without hidden papers', async () => {
    const { ada, bob } = await setUp();
    const profiles = new ProfileRepository(handle);
    const submitted = await profiles.submitted(ada, 2, 0);
    expect(submitted.items.map((p) => p.id)).toEqual(['2410.00005', '2410.00003']);
    expect(submitted.hasMore).toBe(true);
    expect((await profiles.submitted(ada, 2, 2)).items.map((p) => p.id)).toEqual(['2410.00001']);
    expect((await profiles.submitted(bob, 10, 0)).items.map((p) => p.id)).toEqual(['2410.00002']);

    for (const [i, id] of ['2410.00002', '2410.00004', '2410.00001', '2410.00003'].entries()) {
      await handle.db
        .insertInto('votes')
        .values({ userId: bob, paperId: id, createdAt: `2024-10-26T0${i}:00:00.000Z` })
        .execute();
    }
    const upvoted = await profiles.upvoted(bob, 10, 0);
    expect(upvoted.items.map((p) => p.id)).toEqual(['2410.00003', '2410.00001', '2410.00002']);
    expect(upvoted.items[0]?.organization).toEqual(ACME);
    expect(upvoted.items[0]?.day).toBe('2024-10-23');
    expect(await profiles.counts(bob)).toEqual({ submitted: 1, upvoted: 3, comments: 0 });
  });

  it('lists visible comments newest first, with the paper title', async () => {
    const { ada } = await setUp();
    const comment = async (paperId: string, at: string, extra: object = {}) =>
      handle.db
        .insertInto('comments')
        .values({
          paperId,
          userId: ada,
          parentId: null,
          body: `on ${paperId}`,
          createdAt: at,
          updatedAt: at,
          ...extra,
        })
        .execute();
    await comment('2410.00001', '2024-10-26T01:00:00.000Z');
    await comment('2410.00002', '2024-10-26T02:00:00.000Z');
    await comment('2410.00003', '2024-10-26T03:00:00.000Z', { deletedAt: NOW });
    await comment('2410.00003', '2024-10-26T04:00:00.000Z', { hiddenAt: NOW });
    await comment('2410.00004', '2024-10-26T05:00:00.000Z');
    const profiles = new ProfileRepository(handle);
    const page = await profiles.comments(ada, 10, 0);
    expect(page.items.map((c) => [c.paperId, c.paperTitle, c.body])).toEqual([
      ['2410.00002', 'Title of 2410.00002', 'on 2410.00002'],
      ['2410.00001', 'Title of 2410.00001', 'on 2410.00001'],
    ]);
    expect((await profiles.counts(ada)).comments).toBe(2);
  });

  it('lists an organization’s visible papers newest first or most upvoted first, and counts organizations', async () => {
    await setUp();
    const orgs = new OrganizationRepository(handle);
    const acme = await orgs.byName('ACME');
    expect(acme).toMatchObject({ name: 'acme', fullname: 'ACME Research', avatarUrl: null });
    expect((await orgs.byName('acme research'))?.id).toBe(acme!.id);
    expect(await orgs.byName('nobody')).toBeNull();
    expect(await orgs.paperCount(acme!.id)).toBe(3);
    expect((await orgs.papers(acme!.id, 'new', 10, 0)).items.map((p) => p.id)).toEqual([
      '2410.00003',
      '2410.00002',
      '2410.00001',
    ]);
    const top = await orgs.papers(acme!.id, 'upvotes', 2, 0);
    expect(top.items.map((p) => p.id)).toEqual(['2410.00002', '2410.00003']);
    expect(top.hasMore).toBe(true);
    const index = await orgs.withPaperCounts(10, 0);
    expect(index.items.map((o) => [o.name, o.paperCount])).toEqual([['acme', 3]]);
  });
});
