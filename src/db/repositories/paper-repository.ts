// Papers with their versions, authors and categories. Queries only; rules live in services.
import type { Kysely } from 'kysely';
import type { PaperRecord } from '../../domain/paper.ts';
import { firstSubmittedAt, lastUpdatedAt, storableRecord } from '../../domain/paper.ts';
import type { DatabaseHandle } from '../database.ts';
import { withTransaction } from '../transaction.ts';
import { trendingScore } from '../../domain/ranking.ts';
import type { Database, PaperRow, PaperUpdate } from '../schema.ts';
import { replacePaperChildren } from './paper-children.ts';
import type { PaperSummary } from './paper-summaries.ts';
import { SUMMARY_COLUMNS, toSummaries } from './paper-summaries.ts';

export interface PaperExtras {
  /** arxiv, hf, seed, submission … */
  source: string;
  codeUrl?: string | null;
  projectUrl?: string | null;
  githubStars?: number | null;
  organization?: { name: string; fullname: string; avatarUrl?: string | null } | null;
  /** Upvotes that come with the record (HF counts, demo data). */
  importedUpvotes?: number;
  /** For sources that know how many authors there are but not their names. */
  authorCount?: number;
  /**
   * The record is another site's copy of the paper (HF daily papers): it creates a missing paper,
   * but a paper stored from a different source keeps its metadata and takes only the extras.
   */
  secondary?: boolean;
}

/**
 * What an import may say about a stored paper besides its metadata. Undefined fields keep the stored
 * value; null clears it.
 */
export type PaperSignals = Pick<
  PaperExtras,
  'codeUrl' | 'projectUrl' | 'githubStars' | 'organization' | 'importedUpvotes'
>;

export interface OrganizationRef {
  name: string;
  fullname: string;
}

export interface PaperDetail extends PaperRow {
  authors: string[];
  categories: string[];
  versions: { version: number; submittedAt: string; size: string | null }[];
  organization: OrganizationRef | null;
  listedOn: string | null;
}

export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged';

export class PaperRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db(): Kysely<Database> {
    return this.handle.db;
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('papers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Inserts or updates one paper and everything that belongs to it, in one transaction. */
  async upsert(record: PaperRecord, extras: PaperExtras, now: string): Promise<UpsertOutcome> {
    return withTransaction(this.handle, async (tx) => {
      const outcome = await this.upsertIn(tx.db, record, extras, now);
      if (outcome !== 'unchanged') tx.noteWrite();
      return outcome;
    });
  }

  /** Many papers in one transaction: the bulk path for seeding and imports. */
  async upsertMany(
    items: { record: PaperRecord; extras: PaperExtras }[],
    now: string,
  ): Promise<UpsertOutcome[]> {
    return withTransaction(this.handle, async (tx) => {
      const out: UpsertOutcome[] = [];
      for (const item of items) out.push(await this.upsertIn(tx.db, item.record, item.extras, now));
      tx.noteWrite();
      return out;
    });
  }

  private async upsertIn(
    trx: Kysely<Database>,
    given: PaperRecord,
    extras: PaperExtras,
    now: string,
  ): Promise<UpsertOutcome> {
    const record = storableRecord(given);
    const existing = await trx
      .selectFrom('papers')
      .select(['id', 'latestVersion', 'updatedAt', 'source'])
      .where('id', '=', record.arxivId)
      .executeTakeFirst();
    const latest = record.versions[record.versions.length - 1]!.version;
    // An older copy never overwrites the record, nor does a secondary copy of a paper stored from
    // elsewhere; their extras (upvotes, code link …) still apply.
    if (
      existing &&
      (existing.latestVersion > latest || (extras.secondary && existing.source !== extras.source))
    ) {
      return (await this.applySignalsIn(trx, record.arxivId, extras, now)) ? 'updated' : 'unchanged';
    }
    const columns = {
      source: extras.source,
      title: record.title,
      abstract: record.abstract,
      primaryCategory: record.categories[0] ?? null,
      authorCount: extras.authorCount ?? record.authors.length,
      submittedAt: firstSubmittedAt(record),
      updatedAt: lastUpdatedAt(record),
      latestVersion: latest,
      comments: record.comments,
      journalRef: record.journalRef,
      doi: record.doi,
      reportNo: record.reportNo,
      license: record.license,
      modifiedAt: now,
    };
    if (existing) {
      await trx.updateTable('papers').set(columns).where('id', '=', record.arxivId).execute();
      await replacePaperChildren(trx, record);
      await this.applySignalsIn(trx, record.arxivId, extras, now);
      return 'updated';
    }
    const organizationId = extras.organization
      ? await this.organizationId(trx, extras.organization, now)
      : null;
    const imported = extras.importedUpvotes ?? 0;
    await trx
      .insertInto('papers')
      .values({
        id: record.arxivId,
        ...columns,
        codeUrl: extras.codeUrl ?? null,
        projectUrl: extras.projectUrl ?? null,
        githubStars: extras.githubStars ?? null,
        organizationId,
        importedUpvotes: imported,
        upvotes: imported,
        createdAt: now,
      })
      .execute();
    await replacePaperChildren(trx, record);
    return 'inserted';
  }

  /** Applies an import's signals to a stored paper; false when the paper is unknown or nothing changed. */
  async applySignals(id: string, signals: PaperSignals, now: string): Promise<boolean> {
    return withTransaction(this.handle, async (tx) => {
      const changed = await this.applySignalsIn(tx.db, id, signals, now);
      if (changed) tx.noteWrite();
      return changed;
    });
  }

  /** Code URL and stars of the given papers that exist. */
  async codeLinksOf(
    ids: string[],
  ): Promise<Map<string, { codeUrl: string | null; githubStars: number | null }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('papers')
      .select(['id', 'codeUrl', 'githubStars'])
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, { codeUrl: r.codeUrl, githubStars: r.githubStars }]));
  }

  /**
   * Undefined signals keep the stored value. `upvotes` is importedUpvotes plus community votes, so a
   * new imported count moves it, and the listing's trending score with it, by the same delta.
   */
  private async applySignalsIn(
    trx: Kysely<Database>,
    id: string,
    signals: PaperSignals,
    now: string,
  ): Promise<boolean> {
    const row = await trx
      .selectFrom('papers')
      .select(['codeUrl', 'projectUrl', 'githubStars', 'organizationId', 'importedUpvotes', 'upvotes'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return false;
    const set: PaperUpdate = {};
    if (signals.codeUrl !== undefined && signals.codeUrl !== row.codeUrl) set.codeUrl = signals.codeUrl;
    if (signals.projectUrl !== undefined && signals.projectUrl !== row.projectUrl) {
      set.projectUrl = signals.projectUrl;
    }
    if (signals.githubStars !== undefined && signals.githubStars !== row.githubStars) {
      set.githubStars = signals.githubStars;
    }
    if (signals.organization !== undefined) {
      const orgId = signals.organization ? await this.organizationId(trx, signals.organization, now) : null;
      if (orgId !== row.organizationId) set.organizationId = orgId;
    }
    const delta = signals.importedUpvotes === undefined ? 0 : signals.importedUpvotes - row.importedUpvotes;
    if (delta !== 0) {
      set.importedUpvotes = signals.importedUpvotes;
      set.upvotes = row.upvotes + delta;
    }
    if (Object.keys(set).length === 0) return false;
    await trx
      .updateTable('papers')
      .set({ ...set, modifiedAt: now })
      .where('id', '=', id)
      .execute();
    if (delta !== 0) {
      const listing = await trx
        .selectFrom('listings')
        .select('listedAt')
        .where('paperId', '=', id)
        .executeTakeFirst();
      if (listing) {
        await trx
          .updateTable('listings')
          .set({ trendingScore: trendingScore(row.upvotes + delta, listing.listedAt) })
          .where('paperId', '=', id)
          .execute();
      }
    }
    return true;
  }

  private async organizationId(
    trx: Kysely<Database>,
    org: NonNullable<PaperExtras['organization']>,
    now: string,
  ): Promise<number> {
    await trx
      .insertInto('organizations')
      .values({ name: org.name, fullname: org.fullname, avatarUrl: org.avatarUrl ?? null, createdAt: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await trx
      .selectFrom('organizations')
      .select('id')
      .where('name', '=', org.name)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** A visible paper; `includeHidden` also finds papers moderators hid (for the moderators' view). */
  async findById(id: string, options: { includeHidden?: boolean } = {}): Promise<PaperDetail | null> {
    let query = this.db.selectFrom('papers').selectAll().where('id', '=', id);
    if (!options.includeHidden) query = query.where('hiddenAt', 'is', null);
    const paper = await query.executeTakeFirst();
    if (!paper) return null;
    const [authors, categories, versions, organization, listing] = await Promise.all([
      this.db
        .selectFrom('paperAuthors')
        .select('name')
        .where('paperId', '=', id)
        .orderBy('position')
        .execute(),
      this.db
        .selectFrom('paperCategories')
        .select('category')
        .where('paperId', '=', id)
        .orderBy('position')
        .execute(),
      this.db
        .selectFrom('paperVersions')
        .select(['version', 'submittedAt', 'size'])
        .where('paperId', '=', id)
        .orderBy('version')
        .execute(),
      paper.organizationId == null
        ? Promise.resolve(undefined)
        : this.db
            .selectFrom('organizations')
            .select(['name', 'fullname'])
            .where('id', '=', paper.organizationId)
            .executeTakeFirst(),
      this.db.selectFrom('listings').select('day').where('paperId', '=', id).executeTakeFirst(),
    ]);
    return {
      ...paper,
      authors: authors.map((a) => a.name),
      categories: categories.map((c) => c.category),
      versions,
      organization: organization ?? null,
      listedOn: listing?.day ?? null,
    };
  }

  /** Card-sized summaries of the given papers, in the order of `ids`; hidden or unknown ids are left out. */
  async summaries(ids: string[]): Promise<PaperSummary[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('papers')
      .leftJoin('organizations', 'organizations.id', 'papers.organizationId')
      .leftJoin('listings', 'listings.paperId', 'papers.id')
      .select([...SUMMARY_COLUMNS, 'listings.day'])
      .where('papers.id', 'in', ids)
      .where('papers.hiddenAt', 'is', null)
      .execute();
    const byId = new Map((await toSummaries(this.db, rows)).map((s) => [s.id, s]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Every author of each paper, in order. */
  async authorsOf(ids: string[]): Promise<Map<string, string[]>> {
    return this.orderedChildren('paperAuthors', 'name', ids);
  }

  /** Every category of each paper; the first is the primary one. */
  async categoriesOf(ids: string[]): Promise<Map<string, string[]>> {
    return this.orderedChildren('paperCategories', 'category', ids);
  }

  private async orderedChildren(
    table: 'paperAuthors' | 'paperCategories',
    column: 'name' | 'category',
    ids: string[],
  ): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return map;
    const rows = (await this.db
      .selectFrom(table)
      .select(['paperId', `${column} as value` as 'name as value'])
      .where('paperId', 'in', ids)
      .orderBy('paperId')
      .orderBy('position')
      .execute()) as { paperId: string; value: string }[];
    for (const r of rows) map.get(r.paperId)?.push(r.value);
    return map;
  }

  /**
   * All visible papers, newest arXiv date first, by keyset pagination: `after` is the last
   * (submittedAt, id) of the previous page, so deep pages cost as little as the first.
   */
  async listPage(after: { submittedAt: string; id: string } | null, limit: number): Promise<PaperSummary[]> {
    let query = this.db
      .selectFrom('papers')
      .select(['papers.id', 'papers.submittedAt'])
      .where('papers.hiddenAt', 'is', null);
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('papers.submittedAt', '<', after.submittedAt),
          eb.and([eb('papers.submittedAt', '=', after.submittedAt), eb('papers.id', '>', after.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('papers.submittedAt', 'desc')
      .orderBy('papers.id')
      .limit(limit)
      .execute();
    return this.summaries(rows.map((r) => r.id));
  }

  /**
   * An organization, found by its short name or full name in any case, with its visible papers'
   * ids, newest arXiv date first; null when no organization has that name.
   */
  async byOrganization(
    name: string,
    limit: number,
  ): Promise<{ organization: OrganizationRef; paperIds: string[] } | null> {
    const wanted = name.toLowerCase();
    const org = await this.db
      .selectFrom('organizations')
      .select(['id', 'name', 'fullname'])
      .where((eb) =>
        eb.or([eb(eb.fn('lower', ['name']), '=', wanted), eb(eb.fn('lower', ['fullname']), '=', wanted)]),
      )
      .orderBy('id')
      .executeTakeFirst();
    if (!org) return null;
    const rows = await this.db
      .selectFrom('papers')
      .select('id')
      .where('organizationId', '=', org.id)
      .where('hiddenAt', 'is', null)
      .orderBy('submittedAt', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return { organization: { name: org.name, fullname: org.fullname }, paperIds: rows.map((r) => r.id) };
  }
}
