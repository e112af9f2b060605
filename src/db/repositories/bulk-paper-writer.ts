// The fast path for writing many papers at once (bulk imports of the arXiv snapshot): the same rows
// PaperRepository.upsert writes, but new papers go in with multi-row INSERTs whose SQL is compiled by
// Kysely once per shape and then reused with fresh parameters, so a batch of 10,000 papers costs
// about fifty statements instead of ~80,000. Portable SQL only (the dialect's own placeholders); it joins
// the caller's transaction (withTransaction), so papers, index and checkpoint commit together.
//
// Rules, as PaperRepository's: a paper is keyed by its arXiv base id; an older version never
// overwrites a newer one. Two refinements for imports that are run again: a record that would change
// nothing is "unchanged" (not rewritten, not re-indexed), and an update only sets what the record
// knows, so code links, organisation, votes and the original source stay as other sources left them
// (bulk-paper-update.ts).
import { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';
import type { PaperRecord } from '../../domain/paper.ts';
import { firstSubmittedAt, lastUpdatedAt, storableRecord } from '../../domain/paper.ts';
import type { DatabaseHandle } from '../database.ts';
import type { Database } from '../schema.ts';
import { statementSizes } from '../statement-sizes.ts';
import { withTransaction } from '../transaction.ts';
import { changedPapers, rewritePaper } from './bulk-paper-update.ts';
import type { PaperExtras } from './paper-repository.ts';

export interface BulkPaper {
  record: PaperRecord;
  extras: PaperExtras;
}

export interface BulkWriteResult {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Papers that did not exist before, as written: index them as new. */
  newPapers: PaperRecord[];
  /** Existing papers that were rewritten: re-index them. */
  changedPapers: PaperRecord[];
}

/** Parameters per statement: below every backend's limit (SQLite 32,766, PostgreSQL 65,535). */
const MAX_PARAMETERS = 16_000;
/** Ids per lookup query. */
const LOOKUP_CHUNK = 1000;

type Table = 'papers' | 'paperVersions' | 'paperAuthors' | 'paperCategories';

const COLUMNS = {
  papers: [
    'id',
    'source',
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
    'codeUrl',
    'projectUrl',
    'githubStars',
    'organizationId',
    'upvotes',
    'importedUpvotes',
    'createdAt',
    'modifiedAt',
  ],
  paperVersions: ['paperId', 'version', 'submittedAt', 'size', 'title', 'abstract'],
  paperAuthors: ['paperId', 'position', 'name'],
  paperCategories: ['paperId', 'position', 'category'],
} as const satisfies Record<Table, readonly string[]>;

/** Compiled SQL per dialect, statement and row count; the SQL never depends on the values. */
const compiledSql = new Map<string, string>();

export class BulkPaperWriter {
  constructor(private readonly handle: DatabaseHandle) {}

  /** Writes `items` (in order: a later record of the same paper wins unless it is older). */
  async write(items: BulkPaper[], now: string): Promise<BulkWriteResult> {
    const storable = items.map((item) => ({ ...item, record: storableRecord(item.record) }));
    return withTransaction(this.handle, async (tx) => {
      const result = await this.writeIn(tx, storable, now);
      if (result.inserted + result.updated > 0) tx.noteWrite();
      return result;
    });
  }

  private async writeIn(tx: DatabaseHandle, items: BulkPaper[], now: string): Promise<BulkWriteResult> {
    const db = tx.db;
    const result: BulkWriteResult = {
      inserted: 0,
      updated: 0,
      unchanged: 0,
      newPapers: [],
      changedPapers: [],
    };
    // Last word per paper within the batch, applying the version rule between duplicates.
    const latest = new Map<string, BulkPaper>();
    let duplicates = 0;
    for (const item of items) {
      const before = latest.get(item.record.arxivId);
      if (before && newestVersion(before.record) > newestVersion(item.record)) {
        result.unchanged += 1;
        continue;
      }
      if (before) duplicates += 1;
      latest.set(item.record.arxivId, item);
    }
    const existing = await this.existingVersions(db, [...latest.keys()]);
    const fresh: BulkPaper[] = [];
    const candidates: BulkPaper[] = [];
    for (const item of latest.values()) {
      const stored = existing.get(item.record.arxivId);
      if (stored === undefined) fresh.push(item);
      else if (stored > newestVersion(item.record)) result.unchanged += 1;
      else candidates.push(item);
    }
    const changed = await changedPapers(tx, candidates);
    result.unchanged += candidates.length - changed.length;
    await this.insertNew(db, fresh, now);
    for (const item of changed) await rewritePaper(db, item, now);
    result.inserted = fresh.length;
    result.updated = changed.length + duplicates;
    result.newPapers = fresh.map((f) => f.record);
    result.changedPapers = changed.map((c) => c.record);
    return result;
  }

  private async existingVersions(db: Kysely<Database>, ids: string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    let at = 0;
    for (const size of statementSizes(ids.length, LOOKUP_CHUNK)) {
      const chunk = ids.slice(at, (at += size));
      const key = `${this.handle.dialect.name}:lookup:${size}`;
      let text = compiledSql.get(key);
      if (text === undefined) {
        text = db.selectFrom('papers').select(['id', 'latestVersion']).where('id', 'in', chunk).compile().sql;
        compiledSql.set(key, text);
      }
      const { rows } = await db.executeQuery<{ id: string; latestVersion: number }>(
        CompiledQuery.raw(text, chunk),
      );
      for (const r of rows) found.set(r.id, r.latestVersion);
    }
    return found;
  }

  private async insertNew(db: Kysely<Database>, items: BulkPaper[], now: string): Promise<void> {
    if (items.length === 0) return;
    const organizations = await this.organizationIds(db, items, now);
    // Parameters row after row, in COLUMNS order, straight into one array per table.
    const papers: unknown[] = [];
    const versions: unknown[] = [];
    const authors: unknown[] = [];
    const categories: unknown[] = [];
    for (const { record: r, extras: x } of items) {
      const id = r.arxivId;
      const upvotes = x.importedUpvotes ?? 0;
      const org = x.organization ? (organizations.get(x.organization.name) ?? null) : null;
      const newest = newestVersion(r);
      papers.push(
        id,
        x.source,
        r.title,
        r.abstract,
        r.categories[0] ?? null,
        x.authorCount ?? r.authors.length,
        firstSubmittedAt(r),
        lastUpdatedAt(r),
        newest,
        r.comments,
        r.journalRef,
        r.doi,
        r.reportNo,
        r.license,
        x.codeUrl ?? null,
        x.projectUrl ?? null,
        x.githubStars ?? null,
        org,
        upvotes,
        upvotes,
        now,
        now,
      );
      for (const v of r.versions) {
        // Only the newest version's text is known from one record, as in PaperRepository.
        const text = v.version === newest;
        versions.push(id, v.version, v.submittedAt, v.size, text ? r.title : null, text ? r.abstract : null);
      }
      for (let i = 0; i < r.authors.length; i++) authors.push(id, i, r.authors[i]);
      for (let i = 0; i < r.categories.length; i++) categories.push(id, i, r.categories[i]);
    }
    // Parents first: the children reference papers.id.
    await this.insertRows(db, 'papers', papers);
    await this.insertRows(db, 'paperVersions', versions);
    await this.insertRows(db, 'paperAuthors', authors);
    await this.insertRows(db, 'paperCategories', categories);
  }

  /** Inserts rows given as one flat list of parameters (row after row, in COLUMNS order). */
  private async insertRows(db: Kysely<Database>, table: Table, params: unknown[]): Promise<void> {
    const width = COLUMNS[table].length;
    let at = 0;
    for (const rows of statementSizes(params.length / width, Math.floor(MAX_PARAMETERS / width))) {
      const chunk = params.slice(at, (at += rows * width));
      await db.executeQuery(CompiledQuery.raw(this.sqlFor(db, table, rows), chunk));
    }
  }

  /** The dialect's INSERT for `count` rows, compiled by Kysely (names and placeholders) once. */
  private sqlFor(db: Kysely<Database>, table: Table, count: number): string {
    const key = `${this.handle.dialect.name}:${table}:${count}`;
    let text = compiledSql.get(key);
    if (text === undefined) {
      const row = Object.fromEntries(COLUMNS[table].map((c) => [c, null]));
      const compiled = db
        .insertInto(table)
        .values(Array.from({ length: count }, () => row) as never)
        .compile();
      if (compiled.parameters.length !== count * COLUMNS[table].length) {
        throw new Error(`bulk insert into ${table}: unexpected parameter count`);
      }
      text = compiled.sql;
      compiledSql.set(key, text);
    }
    return text;
  }

  private async organizationIds(
    db: Kysely<Database>,
    items: BulkPaper[],
    now: string,
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (const { extras } of items) {
      const org = extras.organization;
      if (!org || ids.has(org.name)) continue;
      await db
        .insertInto('organizations')
        .values({ name: org.name, fullname: org.fullname, avatarUrl: org.avatarUrl ?? null, createdAt: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await db
        .selectFrom('organizations')
        .select('id')
        .where('name', '=', org.name)
        .executeTakeFirstOrThrow();
      ids.set(org.name, row.id);
    }
    return ids;
  }
}

export function newestVersion(r: PaperRecord): number {
  return r.versions[r.versions.length - 1]!.version;
}
