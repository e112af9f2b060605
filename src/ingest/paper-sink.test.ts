import { afterEach, describe, expect, it } from 'vitest';
import type { PaperRecord } from '../domain/paper.ts';
import { createTestApp } from '../../test/helpers/test-app.ts';
import type { TestApp } from '../../test/helpers/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function record(id: string, title: string, version = 1): PaperRecord {
  return {
    arxivId: id,
    title,
    abstract: `An abstract about ${title}.`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    categories: ['cs.LG'],
    versions: Array.from({ length: version }, (_, i) => ({
      version: i + 1,
      submittedAt: `2026-11-0${i + 1}T10:00:00.000Z`,
      size: null,
    })),
    comments: null,
    journalRef: null,
    doi: null,
    reportNo: null,
    license: null,
  };
}

describe('PaperSink', () => {
  it('stores papers, listings, index entries and the checkpoint together', async () => {
    t = await createTestApp({ seed: false });
    const result = await t.container.sink.store(
      [
        {
          record: record('2611.00001', 'Xylophone transformers'),
          extras: { source: 'arxiv' },
          listing: { day: '2026-11-02', listedAt: '2026-11-02T20:00:00.000Z' },
        },
        { record: record('2611.00002', 'Marimba diffusion'), extras: { source: 'arxiv' } },
      ],
      { source: 'test', state: { page: 1 } },
    );
    expect(result).toEqual({ inserted: 2, updated: 0, unchanged: 0, listed: 1 });
    expect(await t.container.sink.checkpoint('test')).toEqual({ page: 1 });
    expect(await t.container.search.rankIds('xylophone', { limit: 5 })).toEqual(['2611.00001']);
    expect((await t.container.feeds.day('2026-11-02')).papers.items.map((p) => p.id)).toEqual(['2611.00001']);
  });

  it('updates a paper with a new version instead of duplicating it', async () => {
    t = await createTestApp({ seed: false });
    await t.container.sink.store([
      { record: record('2611.00003', 'Old title'), extras: { source: 'arxiv' } },
    ]);
    const r = await t.container.sink.store([
      { record: record('2611.00003', 'New title', 2), extras: { source: 'arxiv' } },
    ]);
    expect(r.updated).toBe(1);
    const paper = await t.container.papers.get('2611.00003');
    expect(paper.title).toBe('New title');
    expect(paper.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(await t.container.search.rankIds('old', { limit: 5 })).toEqual([]);
    expect(await t.container.search.rankIds('new title', { limit: 5 })).toEqual(['2611.00003']);
    expect(await t.container.papersRepo.count()).toBe(1);
  });

  it('rolls everything back when one part of the batch fails', async () => {
    t = await createTestApp({ seed: false });
    await expect(
      t.container.sink.store(
        [
          { record: record('2611.00004', 'Fine'), extras: { source: 'arxiv' } },
          // A listing for a day is fine, but a NOT NULL violation in the second paper aborts the batch.
          {
            record: { ...record('2611.00005', 'Broken'), title: null as unknown as string },
            extras: { source: 'arxiv' },
          },
        ],
        { source: 'test', state: { page: 2 } },
      ),
    ).rejects.toThrow();
    expect(await t.container.papersRepo.count()).toBe(0);
    expect(await t.container.sink.checkpoint('test')).toBeNull();
    expect(await t.container.search.rankIds('fine', { limit: 5 })).toEqual([]);
  });
});
