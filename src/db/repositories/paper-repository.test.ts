// PaperRepository on every backend: the same calls give the same answers on SQLite and PostgreSQL.
import { expect, it } from 'vitest';
import { describeBackends } from '../../../test/helpers/backends.ts';
import { paperRecord } from '../../../test/helpers/paper-records.ts';
import { trendingScore } from '../../domain/ranking.ts';
import type { DatabaseHandle } from '../database.ts';
import { ListingRepository } from './listing-repository.ts';
import { PaperRepository } from './paper-repository.ts';

const NOW = '2024-10-25T12:00:00.000Z';
const LATER = '2024-10-26T12:00:00.000Z';

describeBackends('paper repository', (backend) => {
  let handle: DatabaseHandle;
  let papers: PaperRepository;

  async function open(): Promise<void> {
    handle = await backend.open();
    papers = new PaperRepository(handle);
  }

  it('stores a paper with its authors, categories and versions, in order, and any script', async () => {
    await open();
    const record = paperRecord('2410.17243', {
      title: 'Schrödinger bridges: 量子 and ∂-operators 🚀',
      authors: ['Zoë Ölçer', 'Ada Lovelace', 'Émile Borel'],
      categories: ['math.PR', 'cs.LG', 'stat.ML'],
      versions: [
        { version: 1, submittedAt: '2024-10-22T17:59:00.000Z', size: '120kb' },
        { version: 2, submittedAt: '2024-10-24T09:00:00.000Z', size: '130kb' },
      ],
      doi: '10.1000/xyz',
    });
    expect(await papers.upsert(record, { source: 'arxiv' }, NOW)).toBe('inserted');
    expect(await papers.count()).toBe(1);
    const found = await papers.findById('2410.17243');
    expect(found).toMatchObject({
      id: '2410.17243',
      source: 'arxiv',
      title: record.title,
      authors: record.authors,
      categories: record.categories,
      primaryCategory: 'math.PR',
      authorCount: 3,
      submittedAt: '2024-10-22T17:59:00.000Z',
      updatedAt: '2024-10-24T09:00:00.000Z',
      latestVersion: 2,
      doi: '10.1000/xyz',
      upvotes: 0,
      commentCount: 0,
      organization: null,
      listedOn: null,
      createdAt: NOW,
    });
    expect(found!.versions).toEqual([
      { version: 1, submittedAt: '2024-10-22T17:59:00.000Z', size: '120kb' },
      { version: 2, submittedAt: '2024-10-24T09:00:00.000Z', size: '130kb' },
    ]);
    expect(await papers.findById('2410.99999')).toBeNull();
  });

  it('updates to a newer version and never goes back to an older one', async () => {
    await open();
    const v1 = paperRecord('2410.00001', { title: 'First title' });
    const v2 = paperRecord('2410.00001', {
      title: 'Second title',
      authors: ['Only Author'],
      versions: [...v1.versions, { version: 2, submittedAt: '2024-10-23T10:00:00.000Z', size: null }],
    });
    await papers.upsert(v1, { source: 'arxiv' }, NOW);
    expect(await papers.upsert(v2, { source: 'arxiv' }, LATER)).toBe('updated');
    expect(await papers.upsert(v1, { source: 'arxiv' }, LATER)).toBe('unchanged');
    const found = (await papers.findById('2410.00001'))!;
    expect(found.title).toBe('Second title');
    expect(found.authors).toEqual(['Only Author']);
    expect(found.latestVersion).toBe(2);
    expect(found.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(found.modifiedAt).toBe(LATER);
  });

  it('keeps a version size it knows when a newer record of the paper does not give one', async () => {
    await open();
    const v1 = paperRecord('2410.00002', {
      versions: [{ version: 1, submittedAt: '2024-10-22T10:00:00.000Z', size: '88kb' }],
    });
    const v2 = paperRecord('2410.00002', {
      title: 'Revised',
      versions: [
        { version: 1, submittedAt: '2024-10-22T10:00:00.000Z', size: null },
        { version: 2, submittedAt: '2024-10-23T10:00:00.000Z', size: '91kb' },
      ],
    });
    await papers.upsert(v1, { source: 'arxiv' }, NOW);
    expect(await papers.upsert(v2, { source: 'snapshot' }, LATER)).toBe('updated');
    expect((await papers.findById('2410.00002'))!.versions).toEqual([
      { version: 1, submittedAt: '2024-10-22T10:00:00.000Z', size: '88kb' },
      { version: 2, submittedAt: '2024-10-23T10:00:00.000Z', size: '91kb' },
    ]);
  });

  it('keeps a primary copy’s metadata against a secondary source, taking its upvotes and links', async () => {
    await open();
    const listings = new ListingRepository(handle);
    await papers.upsert(paperRecord('2410.00002', { title: 'arXiv title' }), { source: 'arxiv' }, NOW);
    await listings.addMany([{ paperId: '2410.00002', day: '2024-10-25', listedAt: NOW }]);
    const outcome = await papers.upsert(
      paperRecord('2410.00002', { title: 'HF title' }),
      {
        source: 'hf',
        secondary: true,
        importedUpvotes: 41,
        codeUrl: 'https://github.com/a/b',
        organization: { name: 'acme', fullname: 'Acme Research' },
      },
      LATER,
    );
    expect(outcome).toBe('updated');
    const found = (await papers.findById('2410.00002'))!;
    expect(found).toMatchObject({
      title: 'arXiv title',
      source: 'arxiv',
      upvotes: 41,
      importedUpvotes: 41,
      codeUrl: 'https://github.com/a/b',
      organization: { name: 'acme', fullname: 'Acme Research' },
      listedOn: '2024-10-25',
    });
    const listing = await handle.db
      .selectFrom('listings')
      .select('trendingScore')
      .where('paperId', '=', '2410.00002')
      .executeTakeFirstOrThrow();
    expect(listing.trendingScore).toBe(trendingScore(41, NOW));
  });

  it('applies signals: unchanged values change nothing, null clears, upvotes move by the delta', async () => {
    await open();
    await papers.upsert(paperRecord('2410.00003'), { source: 'arxiv', importedUpvotes: 5 }, NOW);
    expect(await papers.applySignals('2410.00003', { githubStars: null, importedUpvotes: 5 }, LATER)).toBe(
      false,
    );
    expect(
      await papers.applySignals('2410.00003', { githubStars: 120, codeUrl: 'https://github.com/x/y' }, LATER),
    ).toBe(true);
    // Two community votes on top of the imported five.
    await handle.db.updateTable('papers').set({ upvotes: 7 }).where('id', '=', '2410.00003').execute();
    expect(await papers.applySignals('2410.00003', { importedUpvotes: 8, codeUrl: null }, LATER)).toBe(true);
    const found = (await papers.findById('2410.00003'))!;
    expect(found).toMatchObject({ importedUpvotes: 8, upvotes: 10, githubStars: 120, codeUrl: null });
    expect(await papers.codeLinksOf(['2410.00003', 'missing'])).toEqual(
      new Map([['2410.00003', { codeUrl: null, githubStars: 120 }]]),
    );
    expect(await papers.applySignals('missing', { githubStars: 1 }, LATER)).toBe(false);
  });

  it('upserts many in one transaction and answers for each', async () => {
    await open();
    const before = handle.changeToken();
    const outcomes = await papers.upsertMany(
      [
        { record: paperRecord('2410.00010'), extras: { source: 'seed' } },
        { record: paperRecord('2410.00011'), extras: { source: 'seed' } },
        { record: paperRecord('2410.00010'), extras: { source: 'seed' } },
      ],
      NOW,
    );
    expect(outcomes).toEqual(['inserted', 'inserted', 'updated']);
    expect(await papers.count()).toBe(2);
    expect(handle.changeToken()).not.toBe(before);
  });

  it('gives summaries in the order asked, leaving out hidden and unknown papers', async () => {
    await open();
    for (const id of ['2410.00020', '2410.00021', '2410.00022']) {
      await papers.upsert(
        paperRecord(id, { authors: ['A One', 'B Two', 'C Three', 'D Four'] }),
        { source: 'arxiv' },
        NOW,
      );
    }
    await handle.db.updateTable('papers').set({ hiddenAt: NOW }).where('id', '=', '2410.00021').execute();
    const summaries = await papers.summaries(['2410.00022', 'nope', '2410.00021', '2410.00020']);
    expect(summaries.map((s) => s.id)).toEqual(['2410.00022', '2410.00020']);
    expect(summaries[0]).toMatchObject({
      firstAuthors: ['A One', 'B Two', 'C Three'],
      authorCount: 4,
      day: null,
      organization: null,
      upvotes: 0,
    });
    expect(await papers.findById('2410.00021')).toBeNull();
    expect(await papers.authorsOf(['2410.00020', 'nope'])).toEqual(
      new Map([
        ['2410.00020', ['A One', 'B Two', 'C Three', 'D Four']],
        ['nope', []],
      ]),
    );
    expect((await papers.categoriesOf(['2410.00022'])).get('2410.00022')).toEqual(['cs.LG', 'stat.ML']);
  });

  it('pages through every paper newest first by keyset, ties broken by id', async () => {
    await open();
    const ids = ['hep-th/9901001', '2410.00031', '2410.00030', 'cs/0101001', '2410.00032'];
    const days = ['2024-10-20', '2024-10-22', '2024-10-22', '2024-10-22', '2024-10-21'];
    for (const [i, id] of ids.entries()) {
      await papers.upsert(paperRecord(id, { day: days[i]! }), { source: 'arxiv' }, NOW);
    }
    const seen: string[] = [];
    let after: { submittedAt: string; id: string } | null = null;
    for (;;) {
      const page = await papers.listPage(after, 2);
      if (page.length === 0) break;
      seen.push(...page.map((p) => p.id));
      const last = page[page.length - 1]!;
      after = { submittedAt: last.submittedAt, id: last.id };
    }
    expect(seen).toEqual(['2410.00030', '2410.00031', 'cs/0101001', '2410.00032', 'hep-th/9901001']);
  });

  it('finds an organization by either name in any case, with its papers newest first', async () => {
    await open();
    const org = { name: 'DeepLab', fullname: 'Deep Learning Laboratory' };
    await papers.upsert(
      paperRecord('2410.00040', { day: '2024-10-20' }),
      { source: 'hf', organization: org },
      NOW,
    );
    await papers.upsert(
      paperRecord('2410.00041', { day: '2024-10-22' }),
      { source: 'hf', organization: org },
      NOW,
    );
    const byShort = await papers.byOrganization('deeplab', 10);
    expect(byShort).toEqual({
      organization: { name: 'DeepLab', fullname: 'Deep Learning Laboratory' },
      paperIds: ['2410.00041', '2410.00040'],
    });
    expect((await papers.byOrganization('DEEP LEARNING LABORATORY', 1))!.paperIds).toEqual(['2410.00041']);
    expect(await papers.byOrganization('nobody', 10)).toBeNull();
  });

  it('stores text with U+0000 without it, as PostgreSQL must (and SQLite does the same)', async () => {
    await open();
    const record = paperRecord('2410.00666', {
      title: 'Nul\u0000 in the title',
      authors: ['Eve\u0000 Null'],
      abstract: 'An abstract\u0000 with a nul.',
      comments: '\u00003 pages',
    });
    expect(await papers.upsert(record, { source: 'arxiv' }, NOW)).toBe('inserted');
    expect(await papers.findById('2410.00666')).toMatchObject({
      title: 'Nul in the title',
      abstract: 'An abstract with a nul.',
      authors: ['Eve Null'],
      comments: '3 pages',
    });
  });
});
