// The lists that feeds and exports carry, each as full paper records (every author, category and
// identifier), in the order the site shows them.
import type { Page, PaperSummary } from '../../db/repositories/listing-repository.ts';
import type { OrganizationRef, PaperDetail } from '../../db/repositories/paper-repository.ts';
import type { SearchSort } from '../../domain/search-query.ts';
import { NotFoundError } from '../../services/errors.ts';
import type { FeedService } from '../../services/feed-service.ts';
import { MAX_PAGE } from '../../services/feed-service.ts';
import type { PaperService } from '../../services/paper-service.ts';
import type { ProfileService } from '../../services/profile-service.ts';
import type { SearchService } from '../../services/search-service.ts';
import { MAX_SEARCH_LIMIT } from '../../services/search-service.ts';

export interface ListServices {
  feeds: FeedService;
  papers: PaperService;
  search: SearchService;
  profiles: ProfileService;
}

/** Papers in a feed or export file; a day has rarely more, and readers want the top of the rest. */
export const LIST_LIMIT = 100;

/** Full records of the given papers, in order; a paper hidden since it was listed is left out. */
export async function details(papers: PaperService, ids: readonly string[]): Promise<PaperDetail[]> {
  const out: PaperDetail[] = [];
  for (const id of ids) {
    try {
      out.push(await papers.get(id));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return out;
}

/** Walks a paged list from its first page until it ends or `limit` papers are in. */
async function collect(
  fetchPage: (page: number) => Promise<Page<PaperSummary>>,
  limit: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 0; ids.length < limit && page <= MAX_PAGE; page++) {
    const { items, hasMore } = await fetchPage(page);
    ids.push(...items.map((p) => p.id));
    if (!hasMore) break;
  }
  return ids.slice(0, limit);
}

export async function periodList(
  s: ListServices,
  kind: 'day' | 'week' | 'month',
  period: string,
  limit = LIST_LIMIT,
): Promise<PaperDetail[]> {
  const ids = await collect(async (page) => (await s.feeds[kind](period, page)).papers, limit);
  return details(s.papers, ids);
}

export async function trendingList(s: ListServices, limit = LIST_LIMIT): Promise<PaperDetail[]> {
  const ids = await collect(async (page) => (await s.feeds.trending(page)).papers, limit);
  return details(s.papers, ids);
}

/** Search results; without a sort: of the query's own, newest first, which is what a feed follows. */
export async function searchList(
  s: ListServices,
  query: string,
  sort: SearchSort = 'newest',
  limit = Math.min(LIST_LIMIT, MAX_SEARCH_LIMIT),
): Promise<PaperDetail[]> {
  const results = await s.search.search(query, { limit, sort });
  return details(
    s.papers,
    results.items.map((item) => item.id),
  );
}

export async function organizationList(
  s: ListServices,
  name: string,
  limit = LIST_LIMIT,
): Promise<{ organization: OrganizationRef; papers: PaperDetail[] }> {
  const { organization, paperIds } = await s.papers.byOrganization(name, limit);
  return { organization, papers: await details(s.papers, paperIds) };
}

/** The papers a user submitted, newest listing first. */
export async function submissionsList(
  s: ListServices,
  handle: string,
  limit = LIST_LIMIT,
): Promise<{ user: { handle: string; displayName: string }; papers: PaperDetail[] }> {
  const { user, papers } = await s.profiles.submissions(handle, limit);
  return {
    user,
    papers: await details(
      s.papers,
      papers.map((p) => p.id),
    ),
  };
}
