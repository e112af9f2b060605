// Client for the arXiv API (https://info.arxiv.org/help/api/user-manual.html): search queries with
// paging, and id_list look-ups. arXiv's terms: at most one request every 3 seconds on one connection
// and a descriptive User-Agent; PoliteHttpClient does that, with retries on 5xx, 429, timeouts and
// Retry-After. On top of it, this client retries the API's own glitches: pages that come back
// truncated, as HTML, or empty although totalResults says more exist.
import { parseArxivId } from '../domain/arxiv-id.ts';
import type { ArxivApiEntry, AtomPage, SkippedEntry } from './arxiv-atom.ts';
import { AtomFeedError, parseArxivAtom } from './arxiv-atom.ts';
import { HttpSourceError, PoliteHttpClient } from './polite-http.ts';

export const ARXIV_API_SOURCE = 'arXiv API';

export interface ArxivApiOptions {
  /** e.g. https://export.arxiv.org/api/query */
  baseUrl: string;
  userAgent: string;
  /** Between the starts of two requests; arXiv asks for 3 s. */
  minIntervalMs?: number;
  timeoutMs?: number;
  /** HTTP attempts per request (5xx, 429, timeouts), the first included. */
  maxAttempts?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  maxBodyBytes?: number;
  /** Tries for a page that arrives empty, truncated or as HTML before giving up. */
  pageTries?: number;
}

export type SortBy = 'relevance' | 'lastUpdatedDate' | 'submittedDate';

export interface PageRequest {
  searchQuery?: string;
  idList?: string[];
  start: number;
  maxResults: number;
  sortBy?: SortBy;
  sortOrder?: 'ascending' | 'descending';
}

export interface FetchedPage extends AtomPage {
  url: string;
  start: number;
}

export interface SearchOptions {
  pageSize: number;
  /** Where to begin (resuming an interrupted import). */
  start?: number;
  /** Stop after this many entries. */
  limit?: number;
  sortBy?: SortBy;
  sortOrder?: 'ascending' | 'descending';
}

export interface LookupResult {
  entries: ArxivApiEntry[];
  skipped: SkippedEntry[];
  /** Requested ids the API returned nothing for. */
  notFound: string[];
}

export class ArxivApiError extends Error {
  override name = 'ArxivApiError';
  constructor(
    message: string,
    readonly url: string | null,
  ) {
    super(`${ARXIV_API_SOURCE}: ${message}${url ? ` (${url})` : ''}`);
  }
}

/** The most ids one id_list request carries (and max_results it asks for). */
export const ID_BATCH = 100;

export class ArxivApiClient {
  private readonly http: PoliteHttpClient;
  readonly minIntervalMs: number;
  private readonly pageTries: number;

  constructor(private readonly options: ArxivApiOptions) {
    this.minIntervalMs = options.minIntervalMs ?? 3_000;
    this.pageTries = options.pageTries ?? 4;
    this.http = new PoliteHttpClient({
      source: ARXIV_API_SOURCE,
      userAgent: options.userAgent,
      minIntervalMs: this.minIntervalMs,
      timeoutMs: options.timeoutMs ?? 60_000,
      maxAttempts: options.maxAttempts ?? 5,
      backoffMs: options.backoffMs ?? 3_000,
      maxBackoffMs: options.maxBackoffMs ?? 120_000,
      // A 2000-entry page (arXiv's largest) is about 5 MB.
      maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    });
  }

  url(req: PageRequest): string {
    const params = new URLSearchParams();
    params.set('search_query', req.searchQuery ?? '');
    params.set('id_list', (req.idList ?? []).join(','));
    params.set('start', String(req.start));
    params.set('max_results', String(req.maxResults));
    if (req.sortBy) params.set('sortBy', req.sortBy);
    if (req.sortOrder) params.set('sortOrder', req.sortOrder);
    return `${this.options.baseUrl}?${params.toString()}`;
  }

  /** One page, asked again while it arrives truncated, as HTML or not as a feed. */
  async fetchPage(req: PageRequest): Promise<FetchedPage> {
    const url = this.url(req);
    const where = `${ARXIV_API_SOURCE} (${url})`;
    for (let attempt = 1; ; attempt++) {
      const res = await this.get(url);
      try {
        if (/html/i.test(res.contentType)) {
          throw new AtomFeedError(`${where}: got ${res.contentType} instead of an Atom feed`, true);
        }
        return { ...parseArxivAtom(res.body, where), url, start: req.start };
      } catch (err) {
        if (!(err instanceof AtomFeedError) || !err.retryable) throw err;
        if (attempt >= this.pageTries) throw new AtomFeedError(`${err.message} (${attempt} tries)`, false);
      }
    }
  }

  private async get(url: string) {
    try {
      return await this.http.get(url, 'application/atom+xml');
    } catch (err) {
      // A 400 carries an error entry ("incorrect id format for abc"), cut off in the HTTP error.
      if (err instanceof HttpSourceError && err.status === 400) {
        throw new ArxivApiError('the API rejected the request (HTTP 400): check the ids or the query', url);
      }
      throw err;
    }
  }

  /**
   * Pages through a search. An empty page while totalResults (the largest seen so far: the glitch
   * pages also say 0) still promises more is asked for again, then fails rather than end silently.
   */
  async *search(query: string, o: SearchOptions): AsyncGenerator<FetchedPage> {
    let start = o.start ?? 0;
    let fetched = 0;
    let total = 0;
    const limit = o.limit ?? Infinity;
    while (fetched < limit) {
      const req: PageRequest = {
        searchQuery: query,
        start,
        maxResults: Math.min(o.pageSize, limit - fetched),
        sortBy: o.sortBy,
        sortOrder: o.sortOrder,
      };
      const page = await this.fetchNonEmpty(req, () => total);
      total = Math.max(total, page.totalResults ?? 0);
      yield page;
      if (page.entryCount === 0) return;
      start += page.entryCount;
      fetched += page.entryCount;
      if (start >= total) return;
    }
  }

  private async fetchNonEmpty(req: PageRequest, knownTotal: () => number): Promise<FetchedPage> {
    for (let attempt = 1; ; attempt++) {
      const page = await this.fetchPage(req);
      const total = Math.max(knownTotal(), page.totalResults ?? 0);
      if (page.entryCount > 0 || req.start >= total) return page;
      if (attempt >= this.pageTries) {
        throw new ArxivApiError(
          `empty page at start=${req.start} although totalResults is ${total}; gave up after ${attempt} tries`,
          page.url,
        );
      }
    }
  }

  /**
   * Looks up papers by id: new style (2410.17243, 2410.17243v2) or old style (hep-th/9901001). Ids
   * that are not arXiv ids fail before any request; ids arXiv does not know come back in notFound.
   */
  async lookup(ids: string[]): Promise<LookupResult> {
    const parsed = ids.map((raw) => ({ raw, id: parseArxivId(raw) }));
    const bad = parsed.filter((p) => p.id === null).map((p) => p.raw);
    if (bad.length > 0) throw new ArxivApiError(`not arXiv ids: ${bad.join(', ')}`, null);
    const wanted = [
      ...new Set(parsed.map(({ id }) => (id!.version ? `${id!.base}v${id!.version}` : id!.base))),
    ];
    const result: LookupResult = { entries: [], skipped: [], notFound: [] };
    for (let i = 0; i < wanted.length; i += ID_BATCH) {
      const batch = wanted.slice(i, i + ID_BATCH);
      const req = { idList: batch, start: 0, maxResults: ID_BATCH };
      const page = await this.fetchNonEmpty(req, () => 0);
      result.entries.push(...page.entries);
      result.skipped.push(...page.skipped);
      const found = new Set([
        ...page.entries.map((e) => e.record.arxivId),
        ...page.skipped.map((e) => parseArxivId(e.id)?.base),
      ]);
      result.notFound.push(...batch.filter((id) => !found.has(parseArxivId(id)!.base)));
    }
    return result;
  }
}

/**
 * A search for papers in any of `categories` (cross-lists included) whose submittedDate (v1) or
 * lastUpdatedDate (newest version) lies in [from, to], both inclusive to the minute, in UTC.
 */
export function categoryDateQuery(
  categories: string[],
  field: 'submittedDate' | 'lastUpdatedDate',
  from: Date,
  to: Date,
): string {
  if (categories.length === 0) throw new Error('categoryDateQuery: no categories');
  const cats = categories.map((c) => `cat:${c}`).join(' OR ');
  return `(${cats}) AND ${field}:[${arxivDate(from)} TO ${arxivDate(to)}]`;
}

/** 2024-10-20T13:05Z -> "202410201305", the API's date format (GMT). */
export function arxivDate(d: Date): string {
  return d.toISOString().slice(0, 16).replace(/[-T:]/g, '');
}
