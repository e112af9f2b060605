// Daily listings: which paper entered the list on which day, and the ranked feeds built from them.
import type { Kysely } from 'kysely';
import { trendingScore } from '../../domain/ranking.ts';
import type { DatabaseHandle } from '../database.ts';
import { withTransaction } from '../transaction.ts';
import type { Database } from '../schema.ts';
import type { PaperSummary, SummaryRow } from './paper-summaries.ts';
import { SUMMARY_COLUMNS, toSummaries } from './paper-summaries.ts';

export type { PaperSummary } from './paper-summaries.ts';

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

export interface NewListing {
  paperId: string;
  day: string;
  listedAt: string;
  submittedBy?: number | null;
}

export class ListingRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db(): Kysely<Database> {
    return this.handle.db;
  }

  /** Lists papers; a paper already listed keeps its first listing. Returns how many were added. */
  async addMany(listings: NewListing[]): Promise<number> {
    if (listings.length === 0) return 0;
    return withTransaction(this.handle, async (tx) => {
      let n = 0;
      for (const l of listings) {
        const paper = await tx.db
          .selectFrom('papers')
          .select('upvotes')
          .where('id', '=', l.paperId)
          .executeTakeFirst();
        if (!paper) throw new Error(`cannot list unknown paper ${l.paperId}`);
        const result = await tx.db
          .insertInto('listings')
          .values({
            paperId: l.paperId,
            day: l.day,
            listedAt: l.listedAt,
            submittedBy: l.submittedBy ?? null,
            trendingScore: trendingScore(paper.upvotes, l.listedAt),
          })
          .onConflict((oc) => oc.column('paperId').doNothing())
          .executeTakeFirst();
        n += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
      if (n > 0) tx.noteWrite();
      return n;
    });
  }

  async latestDay(): Promise<string | null> {
    const row = await this.visible()
      .select((eb) => eb.fn.max('listings.day').as('day'))
      .executeTakeFirst();
    return row?.day ?? null;
  }

  /** The nearest days before `start` and after `end` that have papers. */
  async adjacentDays(start: string, end = start): Promise<{ previous: string | null; next: string | null }> {
    const [prev, next] = await Promise.all([
      this.visible()
        .select((eb) => eb.fn.max('listings.day').as('day'))
        .where('listings.day', '<', start)
        .executeTakeFirst(),
      this.visible()
        .select((eb) => eb.fn.min('listings.day').as('day'))
        .where('listings.day', '>', end)
        .executeTakeFirst(),
    ]);
    return { previous: prev?.day ?? null, next: next?.day ?? null };
  }

  /** Papers listed between two days (inclusive), most upvoted first. */
  async rankedBetween(
    start: string,
    end: string,
    limit: number,
    offset: number,
    submitter: string | null = null,
  ): Promise<Page<PaperSummary>> {
    const rows = await this.summaries(submitter)
      .where('listings.day', '>=', start)
      .where('listings.day', '<=', end)
      .orderBy('papers.upvotes', 'desc')
      .orderBy('listings.listedAt', 'desc')
      .orderBy('papers.id')
      .limit(limit + 1)
      .offset(offset)
      .execute();
    return this.page(rows, limit);
  }

  async countBetween(start: string, end: string, submitter: string | null = null): Promise<number> {
    const row = await this.bySubmitter(this.visible(), submitter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('listings.day', '>=', start)
      .where('listings.day', '<=', end)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** All listed papers by stored trending score. */
  async trending(
    limit: number,
    offset: number,
    submitter: string | null = null,
  ): Promise<Page<PaperSummary>> {
    const rows = await this.summaries(submitter)
      .orderBy('listings.trendingScore', 'desc')
      .orderBy('papers.id')
      .limit(limit + 1)
      .offset(offset)
      .execute();
    return this.page(rows, limit);
  }

  private visible() {
    return this.db
      .selectFrom('listings')
      .innerJoin('papers', 'papers.id', 'listings.paperId')
      .where('papers.hiddenAt', 'is', null);
  }

  /** Restricts to listings submitted by the user with this handle. */
  private bySubmitter<Q extends ReturnType<ListingRepository['visible']>>(
    query: Q,
    submitter: string | null,
  ): Q {
    if (submitter === null) return query;
    return query.where('listings.submittedBy', 'in', (eb) =>
      eb.selectFrom('users').select('users.id').where('users.handle', '=', submitter),
    ) as Q;
  }

  private summaries(submitter: string | null = null) {
    return this.bySubmitter(this.visible(), submitter)
      .leftJoin('organizations', 'organizations.id', 'papers.organizationId')
      .select([...SUMMARY_COLUMNS, 'listings.day']);
  }

  private async page(rows: SummaryRow[], limit: number): Promise<Page<PaperSummary>> {
    return { items: await toSummaries(this.db, rows.slice(0, limit)), hasMore: rows.length > limit };
  }
}
