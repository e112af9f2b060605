// The card-sized view of papers that every list shows, and the query pieces that build it.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface PaperSummary {
  id: string;
  title: string;
  abstract: string;
  authorCount: number;
  /** The first few authors, in order. */
  firstAuthors: string[];
  submittedAt: string;
  /** The day the paper was listed, or null when it never was (e.g. found by search). */
  day: string | null;
  upvotes: number;
  commentCount: number;
  codeUrl: string | null;
  githubStars: number | null;
  primaryCategory: string | null;
  organization: { name: string; fullname: string } | null;
}

export const FIRST_AUTHORS = 3;

/** The columns of a summary, from papers p (aliased "papers") left-joined with organizations. */
export const SUMMARY_COLUMNS = [
  'papers.id',
  'papers.title',
  'papers.abstract',
  'papers.authorCount',
  'papers.submittedAt',
  'papers.upvotes',
  'papers.commentCount',
  'papers.codeUrl',
  'papers.githubStars',
  'papers.primaryCategory',
  'organizations.name as orgName',
  'organizations.fullname as orgFullname',
] as const;

export interface SummaryRow {
  id: string;
  title: string;
  abstract: string;
  authorCount: number;
  submittedAt: string;
  upvotes: number;
  commentCount: number;
  codeUrl: string | null;
  githubStars: number | null;
  primaryCategory: string | null;
  day: string | null;
  orgName: string | null;
  orgFullname: string | null;
}

/** Completes rows with their first authors (one query for the whole page). */
export async function toSummaries(db: Kysely<Database>, rows: SummaryRow[]): Promise<PaperSummary[]> {
  const authors = await firstAuthors(
    db,
    rows.map((r) => r.id),
  );
  return rows.map(({ orgName, orgFullname, ...r }) => ({
    ...r,
    firstAuthors: authors.get(r.id) ?? [],
    organization: orgName != null && orgFullname != null ? { name: orgName, fullname: orgFullname } : null,
  }));
}

async function firstAuthors(db: Kysely<Database>, ids: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('paperAuthors')
    .select(['paperId', 'name'])
    .where('paperId', 'in', ids)
    .where('position', '<', FIRST_AUTHORS)
    .orderBy('paperId')
    .orderBy('position')
    .execute();
  for (const r of rows) {
    const list = map.get(r.paperId) ?? [];
    list.push(r.name);
    map.set(r.paperId, list);
  }
  return map;
}
