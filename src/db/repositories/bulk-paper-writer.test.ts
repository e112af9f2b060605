// BulkPaperWriter on every backend: its multi-row statements are compiled once per dialect and shape
// and reused with fresh parameters, so they must hold on PostgreSQL's numbered placeholders as on
// SQLite's; the result must equal what PaperRepository.upsert stores.
import { expect, it } from 'vitest';
import { describeBackends } from '../../../test/helpers/backends.ts';
import { paperRecord } from '../../../test/helpers/paper-records.ts';
import type { PaperRecord } from '../../domain/paper.ts';
import type { DatabaseHandle } from '../database.ts';
import { BulkPaperWriter } from './bulk-paper-writer.ts';
import { PaperRepository } from './paper-repository.ts';

const NOW = '2024-10-25T12:00:00.000Z';
const LATER = '2024-10-26T12:00:00.000Z';

function numbered(n: number): PaperRecord[] {
  return Array.from({ length: n }, (_, i) =>
    paperRecord(`2410.${String(i).padStart(5, '0')}`, {
      authors: Array.from({ length: (i % 4) + 1 }, (_, k) => `Author ${i}-${k}`),
      day: `2024-10-${String((i % 28) + 1).padStart(2, '0')}`,
    }),
  );
}

describeBackends('bulk paper writer', (backend) => {
  let handle: DatabaseHandle;

  it('inserts a large batch over several statements, as upsert would store it', async () => {
    handle = await backend.open();
    // 1,100 papers: more than one statement's worth of rows for every table and lookup.
    const records = numbered(1100);
    const result = await new BulkPaperWriter(handle).write(
      records.map((record) => ({
        record,
        extras: { source: 'snapshot', organization: { name: 'org', fullname: 'An Org' } },
      })),
      NOW,
    );
    expect(result).toMatchObject({ inserted: 1100, updated: 0, unchanged: 0 });
    expect(result.newPapers).toHaveLength(1100);
    const papers = new PaperRepository(handle);
    expect(await papers.count()).toBe(1100);
    const found = (await papers.findById('2410.01099'))!;
    expect(found).toMatchObject({
      authors: ['Author 1099-0', 'Author 1099-1', 'Author 1099-2', 'Author 1099-3'],
      categories: ['cs.LG', 'stat.ML'],
      source: 'snapshot',
      organization: { name: 'org', fullname: 'An Org' },
      createdAt: NOW,
    });
    const authors = await handle.db
      .selectFrom('paperAuthors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(authors.n).toBe(records.reduce((n, r) => n + r.authors.length, 0));
  });

  it('rewrites only what changed, ignores older versions and keeps what other sources set', async () => {
    handle = await backend.open();
    const writer = new BulkPaperWriter(handle);
    const [a, b, c] = numbered(3) as [PaperRecord, PaperRecord, PaperRecord];
    const bV2: PaperRecord = {
      ...b,
      title: 'Revised',
      versions: [...b.versions, { version: 2, submittedAt: '2024-10-28T00:00:00.000Z', size: null }],
    };
    await writer.write(
      [a, bV2, c].map((record) => ({ record, extras: { source: 'snapshot' } })),
      NOW,
    );
    const papers = new PaperRepository(handle);
    await papers.applySignals(a.arxivId, { codeUrl: 'https://github.com/o/r', importedUpvotes: 3 }, NOW);
    const again = await writer.write(
      [
        { record: { ...a, title: 'New title for a' }, extras: { source: 'snapshot' } },
        { record: b, extras: { source: 'snapshot' } }, // older than the stored v2
        { record: c, extras: { source: 'snapshot' } }, // identical
      ],
      LATER,
    );
    expect(again).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
    expect(again.changedPapers.map((p) => p.arxivId)).toEqual([a.arxivId]);
    expect(await papers.findById(a.arxivId)).toMatchObject({
      title: 'New title for a',
      codeUrl: 'https://github.com/o/r',
      upvotes: 3,
      modifiedAt: LATER,
    });
    expect(await papers.findById(b.arxivId)).toMatchObject({ title: 'Revised', latestVersion: 2 });
    expect((await papers.findById(c.arxivId))!.modifiedAt).toBe(NOW);
  });

  it('takes the newest of duplicates within one batch', async () => {
    handle = await backend.open();
    const v1 = paperRecord('2410.00100', { title: 'v1' });
    const v2: PaperRecord = {
      ...v1,
      title: 'v2',
      versions: [...v1.versions, { version: 2, submittedAt: '2024-10-22T00:00:00.000Z', size: '1kb' }],
    };
    const result = await new BulkPaperWriter(handle).write(
      [v2, v1].map((record) => ({ record, extras: { source: 'snapshot' } })),
      NOW,
    );
    expect(result).toMatchObject({ inserted: 1, unchanged: 1 });
    expect((await new PaperRepository(handle).findById('2410.00100'))!.title).toBe('v2');
  });

  it('stores text with U+0000 without it, as upsert does', async () => {
    handle = await backend.open();
    const record = paperRecord('2410.00666', {
      title: 'Nul\u0000 in a snapshot',
      authors: ['Eve\u0000 Null'],
    });
    const result = await new BulkPaperWriter(handle).write([{ record, extras: { source: 'snapshot' } }], NOW);
    expect(result.newPapers[0]!.title).toBe('Nul in a snapshot');
    expect(await new PaperRepository(handle).findById('2410.00666')).toMatchObject({
      title: 'Nul in a snapshot',
      authors: ['Eve Null'],
    });
  });
});
