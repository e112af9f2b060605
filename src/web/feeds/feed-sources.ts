// Each feed's list and how it introduces itself: title, description, the page that shows the same
// list and its own address. Category and author feeds are saved searches, so they follow the
// search's rules (cat: filters, author: phrases) and sort newest first.
import type { PaperDetail } from '../../db/repositories/paper-repository.ts';
import type { SearchSort } from '../../domain/search-query.ts';
import { InvalidInputError, NotFoundError } from '../../services/errors.ts';
import { longDay } from '../format.ts';
import { dayPath, organizationPath, profilePath } from '../paths.ts';
import { composeQuery } from '../routes/search-routes.ts';
import type { FeedDocument } from './feed-document.ts';
import {
  authorFeedPath,
  categoryFeedPath,
  DAILY_FEED,
  feedPath,
  organizationFeedPath,
  SEARCH_FEED,
  TRENDING_FEED,
  userFeedPath,
} from './formats.ts';
import type { ListServices } from './paper-lists.ts';
import { organizationList, periodList, searchList, submissionsList, trendingList } from './paper-lists.ts';

export interface FeedSource {
  head: Omit<FeedDocument, 'entries' | 'updated'>;
  papers: PaperDetail[];
}

export interface SearchRequest {
  /** The query in the search language, the form's separate fields folded in. */
  query: string;
  sort: SearchSort | null;
  /** The request's search parameters in a fixed order, for the feed's own and its page's address. */
  params: string;
}

const SORTS: readonly SearchSort[] = ['relevance', 'newest', 'upvotes'];
/** arXiv category codes and archives: "cs.LG", "hep-th", "math.AG", "cs.*". */
const CATEGORY = /^[a-z-]+(?:\.(?:[A-Za-z-]+|\*))?$/;

function param(query: unknown, name: string, max: number): string {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max).trim() : '';
}

/** Reads the same parameters as the search page, so a search's feed is its page's address + .rss. */
export function readSearchRequest(query: unknown): SearchRequest {
  const year = (name: string) => (/^\d{4}$/.test(param(query, name, 4)) ? param(query, name, 4) : '');
  const sortParam = param(query, 'sort', 20);
  const sort = SORTS.includes(sortParam as SearchSort) ? (sortParam as SearchSort) : null;
  const form = {
    q: param(query, 'q', 1000),
    cat: param(query, 'cat', 40),
    from: year('from'),
    to: year('to'),
    code: param(query, 'code', 1) === '1',
    sort: sort ?? 'relevance',
  };
  const text = composeQuery(form);
  if (!text) throw new InvalidInputError('q is required: a search to follow', 'q');
  const params = new URLSearchParams();
  for (const key of ['q', 'cat', 'from', 'to'] as const) if (form[key]) params.set(key, form[key]);
  if (form.code) params.set('code', '1');
  if (sort) params.set('sort', sort);
  return { query: text, sort, params: params.toString() };
}

export class FeedSources {
  constructor(
    private readonly services: ListServices,
    private readonly baseUrl: string,
    private readonly categoryName: (code: string) => string | null,
  ) {}

  private head(
    title: string,
    description: string,
    page: string,
    path: string,
    query = '',
  ): FeedSource['head'] {
    return {
      title: `${title} · paperboy`,
      description,
      pageUrl: `${this.baseUrl}${page}`,
      selfUrl: (format) => `${this.baseUrl}${feedPath(path, format, query)}`,
    };
  }

  /** The newest listed day; an empty feed (not an error) before anything is listed. */
  async daily(): Promise<FeedSource> {
    const day = await this.services.feeds.latestDay();
    const description = day ? `Papers listed on ${longDay(day)}, most upvoted first.` : 'No papers yet.';
    return {
      head: this.head('Daily papers', description, '/', DAILY_FEED),
      papers: day ? await periodList(this.services, 'day', day) : [],
    };
  }

  async day(day: string): Promise<FeedSource> {
    const papers = await periodList(this.services, 'day', day);
    const title = `Daily papers of ${longDay(day)}`;
    return {
      head: this.head(
        title,
        `Papers listed on ${longDay(day)}, most upvoted first.`,
        dayPath(day),
        `/feeds/date/${day}`,
      ),
      papers,
    };
  }

  async trending(): Promise<FeedSource> {
    return {
      head: this.head('Trending papers', 'Upvotes weighed against age.', '/papers/trending', TRENDING_FEED),
      papers: await trendingList(this.services),
    };
  }

  async search(request: SearchRequest): Promise<FeedSource> {
    const papers = await searchList(this.services, request.query, request.sort ?? 'newest');
    const title = `Search: ${request.query}`;
    const order = request.sort ? `sorted by ${request.sort}` : 'newest first';
    const description = `Papers matching ${request.query}, ${order}.`;
    return {
      head: this.head(title, description, `/search?${request.params}`, SEARCH_FEED, request.params),
      papers,
    };
  }

  async category(code: string): Promise<FeedSource> {
    if (!CATEGORY.test(code)) throw new NotFoundError(`not a category: ${code}`);
    const name = this.categoryName(code);
    const label = name ? `${code} (${name})` : code;
    const papers = await searchList(this.services, `cat:${code}`);
    const page = `/search?${new URLSearchParams({ cat: code, sort: 'newest' }).toString()}`;
    return { head: this.head(label, `New papers in ${label}.`, page, categoryFeedPath(code)), papers };
  }

  async author(name: string): Promise<FeedSource> {
    // A quote would end the phrase early and let the rest be read as query syntax.
    const clean = name
      .replace(/["\p{Cc}]/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (!clean) throw new NotFoundError('an author feed needs a name');
    const query = `author:"${clean}"`;
    const papers = await searchList(this.services, query);
    const page = `/search?${new URLSearchParams({ q: query, sort: 'newest' }).toString()}`;
    return {
      head: this.head(`Papers by ${clean}`, `New papers by ${clean}.`, page, authorFeedPath(clean)),
      papers,
    };
  }

  async organization(name: string): Promise<FeedSource> {
    const { organization, papers } = await organizationList(this.services, name);
    const title = `Papers from ${organization.fullname}`;
    const path = organizationFeedPath(organization.name);
    const page = organizationPath(organization.name);
    return { head: this.head(title, `New papers from ${organization.fullname}.`, page, path), papers };
  }

  /** The papers a user submitted, newest first. */
  async user(handle: string): Promise<FeedSource> {
    const { user, papers } = await submissionsList(this.services, handle);
    const title = `Papers submitted by ${user.displayName} (@${user.handle})`;
    const description = `Papers ${user.displayName} submitted to paperboy, newest first.`;
    return {
      head: this.head(title, description, profilePath(user.handle), userFeedPath(user.handle)),
      papers,
    };
  }
}
