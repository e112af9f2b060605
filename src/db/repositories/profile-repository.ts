// What a profile shows about one user: who they are, the papers they submitted and upvoted, and
// their comments. Only what the public may see: hidden papers, and deleted or hidden comments, are
// left out everywhere (lists and counts alike).
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import type { Database } from '../schema.ts';
import type { Page } from './listing-repository.ts';
import type { PaperSummary } from './paper-summaries.ts';
import { SUMMARY_COLUMNS, toSummaries } from './paper-summaries.ts';

export interface ProfileUser {
  id: number;
  handle: string;
  displayName: string;
  role: 'user' | 'moderator' | 'admin';
  createdAt: string;
  bannedAt: string | null;
}

export interface ProfileCounts {
  submitted: number;
  upvoted: number;
  comments: number;
}

export interface ProfileComment {
  id: number;
  paperId: string;
  paperTitle: string;
  /** Markdown source, as written. */
  body: string;
  createdAt: string;
  /** Set when the comment is a reply. */
  parentId: number | null;
}

export class ProfileRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db(): Kysely<Database> {
    return this.handle.db;
  }

  /**
   * The user with this handle. An exact match wins; otherwise handles match in any case, so that
   * /u/Alice finds alice (the route then redirects to the handle's own spelling).
   */
  async userByHandle(handle: string): Promise<ProfileUser | null> {
    const columns = ['id', 'handle', 'displayName', 'role', 'createdAt', 'bannedAt'] as const;
    const exact = await this.db
      .selectFrom('users')
      .select(columns)
      .where('handle', '=', handle)
      .executeTakeFirst();
    if (exact) return exact;
    const folded = await this.db
      .selectFrom('users')
      .select(columns)
      .where((eb) => eb(eb.fn('lower', ['handle']), '=', handle.toLowerCase()))
      .orderBy('id')
      .executeTakeFirst();
    return folded ?? null;
  }

  async counts(userId: number): Promise<ProfileCounts> {
    const [submitted, upvoted, comments] = await Promise.all([
      this.submittedQuery(userId)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
      this.upvotedQuery(userId)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
      this.commentsQuery(userId)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { submitted: Number(submitted.n), upvoted: Number(upvoted.n), comments: Number(comments.n) };
  }

  /** Papers the user submitted (listed), newest listing first. */
  async submitted(userId: number, limit: number, offset: number): Promise<Page<PaperSummary>> {
    const rows = await this.submittedQuery(userId)
      .leftJoin('organizations', 'organizations.id', 'papers.organizationId')
      .select([...SUMMARY_COLUMNS, 'listings.day'])
      .orderBy('listings.listedAt', 'desc')
      .orderBy('papers.id')
      .limit(limit + 1)
      .offset(offset)
      .execute();
    return this.page(rows, limit);
  }

  /** Papers the user upvoted, newest vote first. */
  async upvoted(userId: number, limit: number, offset: number): Promise<Page<PaperSummary>> {
    const rows = await this.upvotedQuery(userId)
      .leftJoin('organizations', 'organizations.id', 'papers.organizationId')
      .leftJoin('listings', 'listings.paperId', 'papers.id')
      .select([...SUMMARY_COLUMNS, 'listings.day'])
      .orderBy('votes.createdAt', 'desc')
      .orderBy('papers.id')
      .limit(limit + 1)
      .offset(offset)
      .execute();
    return this.page(rows, limit);
  }

  /** The user's visible comments on visible papers, newest first. */
  async comments(userId: number, limit: number, offset: number): Promise<Page<ProfileComment>> {
    const rows = await this.commentsQuery(userId)
      .select([
        'comments.id',
        'comments.paperId',
        'papers.title as paperTitle',
        'comments.body',
        'comments.createdAt',
        'comments.parentId',
      ])
      .orderBy('comments.createdAt', 'desc')
      .orderBy('comments.id', 'desc')
      .limit(limit + 1)
      .offset(offset)
      .execute();
    return { items: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  private submittedQuery(userId: number) {
    return this.db
      .selectFrom('listings')
      .innerJoin('papers', 'papers.id', 'listings.paperId')
      .where('listings.submittedBy', '=', userId)
      .where('papers.hiddenAt', 'is', null);
  }

  private upvotedQuery(userId: number) {
    return this.db
      .selectFrom('votes')
      .innerJoin('papers', 'papers.id', 'votes.paperId')
      .where('votes.userId', '=', userId)
      .where('papers.hiddenAt', 'is', null);
  }

  private commentsQuery(userId: number) {
    return this.db
      .selectFrom('comments')
      .innerJoin('papers', 'papers.id', 'comments.paperId')
      .where('comments.userId', '=', userId)
      .where('comments.deletedAt', 'is', null)
      .where('comments.hiddenAt', 'is', null)
      .where('papers.hiddenAt', 'is', null);
  }

  private async page(rows: Parameters<typeof toSummaries>[1], limit: number): Promise<Page<PaperSummary>> {
    return { items: await toSummaries(this.db, rows.slice(0, limit)), hasMore: rows.length > limit };
  }
}
