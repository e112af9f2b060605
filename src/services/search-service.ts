// Search: parse the reader's query, let the backend rank, and relax an all-words query that finds
// too little to any-word ranking (the all-words matches stay on top), as readers expect from a
// search box and as natural-language queries need.
import type { ParsedQuery, SearchSort } from '../domain/search-query.ts';
import { parseSearchQuery, QueryError } from '../domain/search-query.ts';
import type { PaperRepository } from '../db/repositories/paper-repository.ts';
import type { PaperSummary } from '../db/repositories/paper-summaries.ts';
import { toFts5AnyMatch, toFts5Match } from '../search/fts5-query.ts';
import type { BackendHit, Highlight, SearchBackend } from '../search/search-backend.ts';
import { InvalidInputError } from './errors.ts';

export const SEARCH_PAGE_SIZE = 20;
export const MAX_SEARCH_LIMIT = 100;
/** Deep pages cost as much as all the pages before them; nobody reads past this. */
export const MAX_SEARCH_OFFSET = 1000;

export interface SearchOptions {
  limit: number;
  offset?: number;
  /** Used when the query has no sort: of its own. */
  sort?: SearchSort;
}

export interface SearchResultItem extends PaperSummary {
  highlight: Highlight | null;
}

export interface SearchResults {
  query: string;
  parsed: ParsedQuery;
  sort: SearchSort;
  items: SearchResultItem[];
  hasMore: boolean;
  /** True when not every word matched and results include papers matching only some. */
  relaxed: boolean;
  warnings: string[];
}

export class SearchService {
  constructor(
    private readonly backend: SearchBackend,
    private readonly papers: PaperRepository,
  ) {}

  async search(query: string, options: SearchOptions): Promise<SearchResults> {
    const parsed = parse(query);
    const sort = parsed.sort ?? options.sort ?? (parsed.text ? 'relevance' : 'newest');
    const { hits, relaxed, match } = await this.rank(parsed, sort, options);
    const limit = clampLimit(options.limit);
    const page = hits.slice(0, limit);
    const ids = page.map((h) => h.paperId);
    const [summaries, highlights] = await Promise.all([
      this.papers.summaries(ids),
      match ? this.backend.highlights(ids, match) : Promise.resolve(new Map<string, Highlight>()),
    ]);
    return {
      query,
      parsed,
      sort,
      items: summaries.map((s) => ({ ...s, highlight: highlights.get(s.id) ?? null })),
      hasMore: hits.length > limit,
      relaxed,
      warnings: parsed.warnings,
    };
  }

  /** Ranked paper ids only: what the relevance evaluation and similar tools need. */
  async rankIds(query: string, options: SearchOptions): Promise<string[]> {
    const parsed = parse(query);
    const { hits } = await this.rank(parsed, parsed.sort ?? options.sort ?? 'relevance', options);
    return hits.slice(0, clampLimit(options.limit, 1000)).map((h) => h.paperId);
  }

  async similar(paperId: string, limit = 6): Promise<PaperSummary[]> {
    const hits = await this.backend.moreLikeThis(paperId, limit);
    return this.papers.summaries(hits.map((h) => h.paperId));
  }

  indexPapers(ids: string[]): Promise<void> {
    return this.backend.indexPapers(ids);
  }

  rebuildIndex(): Promise<number> {
    return this.backend.rebuild();
  }

  /** Builds the index when papers exist but the index is empty (first start after upgrading). */
  async ensureIndexed(paperCount: number): Promise<number | null> {
    if (paperCount === 0 || (await this.backend.count()) > 0) return null;
    return this.backend.rebuild();
  }

  /** One more hit than asked for, to know whether another page exists. */
  private async rank(
    parsed: ParsedQuery,
    sort: SearchSort,
    options: SearchOptions,
  ): Promise<{ hits: BackendHit[]; relaxed: boolean; match: string | null }> {
    const limit = clampLimit(options.limit, 1000);
    const offset = options.offset ?? 0;
    if (!Number.isInteger(offset) || offset < 0 || offset > MAX_SEARCH_OFFSET) {
      throw new InvalidInputError(`offset must be a whole number from 0 to ${MAX_SEARCH_OFFSET}`, 'offset');
    }
    const f = parsed.filters;
    if (!parsed.text && f.categories.length === 0 && !f.dates.start && !f.dates.end && !f.hasCode) {
      throw new InvalidInputError('The query has no words or filters to search with.', 'q');
    }
    const match = parsed.text ? toFts5Match(parsed.text) : null;
    if (parsed.text && match === null) {
      throw new InvalidInputError('The query has no words that can be searched for.', 'q');
    }
    const base = { filters: parsed.filters, sort };
    const wanted = offset + limit + 1;
    const strict = await this.backend.search({ ...base, match, limit: wanted, offset: 0 });
    const loose =
      parsed.text && sort === 'relevance' && strict.length < wanted ? toFts5AnyMatch(parsed.text) : null;
    if (!loose || loose === match) return { hits: strict.slice(offset), relaxed: false, match };
    const extra = await this.backend.search({
      ...base,
      match: loose,
      limit: wanted + strict.length,
      offset: 0,
    });
    const seen = new Set(strict.map((h) => h.paperId));
    const merged = [...strict, ...extra.filter((h) => !seen.has(h.paperId))];
    return { hits: merged.slice(offset), relaxed: merged.length > strict.length, match: loose };
  }
}

function parse(query: string): ParsedQuery {
  try {
    return parseSearchQuery(query);
  } catch (err) {
    if (err instanceof QueryError) throw new InvalidInputError(err.message, 'q');
    throw err;
  }
}

function clampLimit(limit: number, max = MAX_SEARCH_LIMIT): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new InvalidInputError(`limit must be a whole number from 1 to ${max}`, 'limit');
  }
  return limit;
}
