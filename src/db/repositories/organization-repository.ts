// Organizations (the labs and companies papers come from, as on HF) and their papers.
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import type { Database } from '../schema.ts';
import type { Page } from './listing-repository.ts';
import type { PaperSummary } from './paper-summaries.ts';
import { SUMMARY_COLUMNS, toSummaries } from './paper-summaries.ts';

export interface Organization {
  id: number;
  /** Short name, as in HF's URLs ("parameterlab"). */
  name: string;
  fullname: string;
  avatarUrl: string | null;
}

export interface OrganizationWithCount extends Organization {
  /** Visible papers. */
  paperCount: number;
}

/** new: newest arXiv date first; upvotes: most upvoted first. */
export type OrganizationSort = 'new' | 'upvotes';

export class OrganizationRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db(): Kysely<Database> {
    return this.handle.db;
  }

  /** By short name in any case; the full name is accepted too, as the organization feed does. */
  async byName(name: string): Promise<Organization | null> {
    const wanted = name.toLowerCase();
    const rows = await this.db
      .selectFrom('organizations')
      .select(['id', 'name', 'fullname', 'avatarUrl'])
      .where((eb) =>
        eb.or([eb(eb.fn('lower', ['name']), '=', wanted), eb(eb.fn('lower', ['fullname']), '=', wanted)]),
      )
      .orderBy('id')
      .execute();
    // Prefer the exact short name, then a short name in another case, then a full name.
    return (
      rows.find((r) => r.name === name) ??
      rows.find((r) => r.name.toLowerCase() === wanted) ??
      rows[0] ??
      null
    );
  }

  async paperCount(organizationId: number): Promise<number> {
    const row = await this.visiblePapers(organizationId)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async papers(
    organizationId: number,
    sort: OrganizationSort,
    limit: number,
    offset: number,
  ): Promise<Page<PaperSummary>> {
    let query = this.visiblePapers(organizationId)
      .leftJoin('organizations', 'organizations.id', 'papers.organizationId')
      .leftJoin('listings', 'listings.paperId', 'papers.id')
      .select([...SUMMARY_COLUMNS, 'listings.day']);
    if (sort === 'upvotes') query = query.orderBy('papers.upvotes', 'desc');
    const rows = await query
      .orderBy('papers.submittedAt', 'desc')
      .orderBy('papers.id')
      .limit(limit + 1)
      .offset(offset)
      .execute();
    return { items: await toSummaries(this.db, rows.slice(0, limit)), hasMore: rows.length > limit };
  }

  /** Organizations that have visible papers, most papers first. */
  async withPaperCounts(limit: number, offset: number): Promise<Page<OrganizationWithCount>> {
    const rows = await this.db
      .selectFrom('organizations')
      .innerJoin('papers', 'papers.organizationId', 'organizations.id')
      .where('papers.hiddenAt', 'is', null)
      .select((eb) => [
        'organizations.id',
        'organizations.name',
        'organizations.fullname',
        'organizations.avatarUrl',
        eb.fn.count<number>('papers.id').as('paperCount'),
      ])
      .groupBy([
        'organizations.id',
        'organizations.name',
        'organizations.fullname',
        'organizations.avatarUrl',
      ])
      .orderBy('paperCount', 'desc')
      .orderBy('organizations.name')
      .limit(limit + 1)
      .offset(offset)
      .execute();
    return {
      items: rows.slice(0, limit).map((r) => ({ ...r, paperCount: Number(r.paperCount) })),
      hasMore: rows.length > limit,
    };
  }

  private visiblePapers(organizationId: number) {
    return this.db
      .selectFrom('papers')
      .where('papers.organizationId', '=', organizationId)
      .where('papers.hiddenAt', 'is', null);
  }
}
