// The rare half of a bulk write: papers that are stored already. They are compared with the record
// (a few queries per 500 papers) and rewritten one by one only when the record changes something,
// so importing a newer snapshot over an older one rewrites only what changed.
import type { Kysely } from 'kysely';
import type { PaperRecord } from '../../domain/paper.ts';
import { firstSubmittedAt, lastUpdatedAt } from '../../domain/paper.ts';
import type { DatabaseHandle } from '../database.ts';
import type { Database, PaperRow } from '../schema.ts';
import type { BulkPaper } from './bulk-paper-writer.ts';
import { newestVersion } from './bulk-paper-writer.ts';
import type { PaperDetail, PaperExtras } from './paper-repository.ts';
import { replacePaperChildren } from './paper-children.ts';
import { PaperRepository } from './paper-repository.ts';

/** Ids per comparison query. */
const LOOKUP_CHUNK = 500;

/** What an update would rewrite, as stored. */
type StoredPaper = Pick<PaperDetail, 'authors' | 'categories' | 'versions'> &
  Pick<PaperRow, (typeof COMPARED)[number]>;

const COMPARED = [
  'id',
  'title',
  'abstract',
  'primaryCategory',
  'authorCount',
  'submittedAt',
  'updatedAt',
  'latestVersion',
  'comments',
  'journalRef',
  'doi',
  'reportNo',
  'license',
] as const;

/** The candidates whose stored paper differs from the record in anything the record says. */
export async function changedPapers(tx: DatabaseHandle, candidates: BulkPaper[]): Promise<BulkPaper[]> {
  const repo = new PaperRepository(tx);
  const changed: BulkPaper[] = [];
  for (let i = 0; i < candidates.length; i += LOOKUP_CHUNK) {
    const chunk = candidates.slice(i, i + LOOKUP_CHUNK);
    const ids = chunk.map((c) => c.record.arxivId);
    const rows = await tx.db.selectFrom('papers').select(COMPARED).where('id', 'in', ids).execute();
    const authors = await repo.authorsOf(ids);
    const categories = await repo.categoriesOf(ids);
    const versions = new Map<string, StoredPaper['versions']>();
    for (const v of await tx.db
      .selectFrom('paperVersions')
      .select(['paperId', 'version', 'submittedAt', 'size'])
      .where('paperId', 'in', ids)
      .execute()) {
      versions.set(v.paperId, [...(versions.get(v.paperId) ?? []), v]);
    }
    const stored = new Map<string, StoredPaper>(
      rows.map((row) => [
        row.id,
        {
          ...row,
          authors: authors.get(row.id) ?? [],
          categories: categories.get(row.id) ?? [],
          versions: versions.get(row.id) ?? [],
        },
      ]),
    );
    for (const item of chunk) {
      const paper = stored.get(item.record.arxivId);
      if (!paper || differs(paper, item.record, item.extras)) changed.push(item);
    }
  }
  return changed;
}

/** Does writing `r` change anything the stored paper shows? */
function differs(stored: StoredPaper, r: PaperRecord, x: PaperExtras): boolean {
  const same =
    stored.title === r.title &&
    stored.abstract === r.abstract &&
    stored.primaryCategory === (r.categories[0] ?? null) &&
    stored.authorCount === (x.authorCount ?? r.authors.length) &&
    stored.submittedAt === firstSubmittedAt(r) &&
    stored.updatedAt === lastUpdatedAt(r) &&
    stored.latestVersion === newestVersion(r) &&
    stored.comments === r.comments &&
    stored.journalRef === r.journalRef &&
    stored.doi === r.doi &&
    stored.reportNo === r.reportNo &&
    stored.license === r.license &&
    sameList(stored.authors, r.authors) &&
    sameList(stored.categories, r.categories) &&
    r.versions.every((v) =>
      stored.versions.some(
        (s) => s.version === v.version && s.submittedAt === v.submittedAt && (v.size ?? s.size) === s.size,
      ),
    );
  return !same;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Rewrites what the record knows of an existing paper; leaves links, votes and source alone. */
export async function rewritePaper(
  db: Kysely<Database>,
  { record: r, extras }: BulkPaper,
  now: string,
): Promise<void> {
  const paperId = r.arxivId;
  const newest = newestVersion(r);
  await db
    .updateTable('papers')
    .set({
      title: r.title,
      abstract: r.abstract,
      primaryCategory: r.categories[0] ?? null,
      authorCount: extras.authorCount ?? r.authors.length,
      submittedAt: firstSubmittedAt(r),
      updatedAt: lastUpdatedAt(r),
      latestVersion: newest,
      comments: r.comments,
      journalRef: r.journalRef,
      doi: r.doi,
      reportNo: r.reportNo,
      license: r.license,
      modifiedAt: now,
    })
    .where('id', '=', paperId)
    .execute();
  await replacePaperChildren(db, r);
}
