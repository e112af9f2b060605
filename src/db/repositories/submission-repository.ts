// Queries behind community submissions: where a paper stands, how much a user submitted today, which
// organization a name means. Queries only; the rules are in services/submission-service.ts.
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import type { Database } from '../schema.ts';

export interface PaperStanding {
  hidden: boolean;
  /** v1 submission time: the paper's arXiv date. */
  submittedAt: string;
  /** The day the paper is listed on, or null when it is not listed. */
  listedOn: string | null;
}

export interface OrganizationName {
  name: string;
  fullname: string;
}

export class SubmissionRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db(): Kysely<Database> {
    return this.handle.db;
  }

  /** A stored paper's visibility, arXiv date and listing; null when the paper is not stored. */
  async standing(paperId: string): Promise<PaperStanding | null> {
    const row = await this.db
      .selectFrom('papers')
      .leftJoin('listings', 'listings.paperId', 'papers.id')
      .select(['papers.hiddenAt', 'papers.submittedAt', 'listings.day'])
      .where('papers.id', '=', paperId)
      .executeTakeFirst();
    if (!row) return null;
    return { hidden: row.hiddenAt !== null, submittedAt: row.submittedAt, listedOn: row.day ?? null };
  }

  /**
   * Takes the submitter's row lock (a no-op write) for the rest of the transaction, so that two
   * submissions by one user run one after the other and the second counts the first: PostgreSQL runs
   * them side by side otherwise, and another process on the same SQLite file could too.
   */
  async lockSubmitter(userId: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set((eb) => ({ role: eb.ref('role') }))
      .where('id', '=', userId)
      .execute();
  }

  /** Listings the user submitted with listedAt in [from, to). */
  async submittedBetween(userId: number, from: string, to: string): Promise<number> {
    const row = await this.db
      .selectFrom('listings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('submittedBy', '=', userId)
      .where('listedAt', '>=', from)
      .where('listedAt', '<', to)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * The organization whose short name, or else full name, is `text` in any case; with `slug`, also
   * the one whose short name is that slug ("Google DeepMind" finds google-deepmind).
   */
  async findOrganization(text: string, slug: string): Promise<OrganizationName | null> {
    const wanted = text.toLowerCase();
    const rows = await this.db
      .selectFrom('organizations')
      .select(['name', 'fullname'])
      .where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['name']), '=', wanted),
          eb(eb.fn('lower', ['fullname']), '=', wanted),
          eb('name', '=', slug),
        ]),
      )
      .orderBy('id')
      .execute();
    return (
      rows.find((r) => r.name.toLowerCase() === wanted) ??
      rows.find((r) => r.fullname.toLowerCase() === wanted) ??
      rows[0] ??
      null
    );
  }

  /** Who listed each of the papers (by handle and display name), for those that have a submitter. */
  async submittersOf(paperIds: string[]): Promise<Map<string, { handle: string; displayName: string }>> {
    if (paperIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('listings')
      .innerJoin('users', 'users.id', 'listings.submittedBy')
      .select(['listings.paperId', 'users.handle', 'users.displayName'])
      .where('listings.paperId', 'in', paperIds)
      .execute();
    return new Map(rows.map((r) => [r.paperId, { handle: r.handle, displayName: r.displayName }]));
  }

  /** Organizations for the submission form's suggestions, by full name. */
  async organizationNames(limit: number): Promise<OrganizationName[]> {
    return this.db
      .selectFrom('organizations')
      .select(['name', 'fullname'])
      .orderBy('fullname')
      .limit(limit)
      .execute();
  }
}
