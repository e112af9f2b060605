// A paper's child rows (ordered authors, ordered categories, versions) rewritten from a record: the
// one rule shared by single upserts (PaperRepository) and bulk rewrites (bulk-paper-update).
import type { Kysely } from 'kysely';
import type { PaperRecord } from '../../domain/paper.ts';
import type { Database } from '../schema.ts';

export async function replacePaperChildren(db: Kysely<Database>, record: PaperRecord): Promise<void> {
  const paperId = record.arxivId;
  await db.deleteFrom('paperAuthors').where('paperId', '=', paperId).execute();
  await db.deleteFrom('paperCategories').where('paperId', '=', paperId).execute();
  if (record.authors.length > 0) {
    await db
      .insertInto('paperAuthors')
      .values(record.authors.map((name, position) => ({ paperId, position, name })))
      .execute();
  }
  if (record.categories.length > 0) {
    await db
      .insertInto('paperCategories')
      .values(record.categories.map((category, position) => ({ paperId, position, category })))
      .execute();
  }
  const newest = record.versions[record.versions.length - 1]!.version;
  for (const v of record.versions) {
    // Only the newest version's text is known from a single record; older versions keep theirs.
    const text = v.version === newest;
    await db
      .insertInto('paperVersions')
      .values({
        paperId,
        version: v.version,
        submittedAt: v.submittedAt,
        size: v.size,
        title: text ? record.title : null,
        abstract: text ? record.abstract : null,
      })
      .onConflict((oc) =>
        oc.columns(['paperId', 'version']).doUpdateSet((eb) => ({
          submittedAt: eb.ref('excluded.submittedAt'),
          // A source that does not know the size (the snapshot, some API answers) keeps the one
          // another source gave.
          size: eb.fn.coalesce(eb.ref('excluded.size'), eb.ref('paperVersions.size')),
          title: text ? eb.ref('excluded.title') : eb.ref('paperVersions.title'),
          abstract: text ? eb.ref('excluded.abstract') : eb.ref('paperVersions.abstract'),
        })),
      )
      .execute();
  }
}
