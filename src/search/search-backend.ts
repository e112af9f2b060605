// What a lexical search backend does. SQLite's FTS5 is one implementation; PostgreSQL will bring
// another, and the same tests run against each.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { SearchFilters, SearchSort } from '../domain/search-query.ts';

/** Relative weights of the indexed fields in BM25 scoring. */
export interface FieldWeights {
  title: number;
  abstract: number;
  authors: number;
  categories: number;
}

export const DEFAULT_WEIGHTS: FieldWeights = { title: 4, abstract: 1, authors: 2, categories: 1 };

export interface BackendQuery {
  /** Backend match expression (compiled from the query language), or null to only filter. */
  match: string | null;
  filters: SearchFilters;
  sort: SearchSort;
  limit: number;
  offset: number;
}

export interface BackendHit {
  paperId: string;
  /** Higher is better within one result list; meaningless across lists. */
  score: number;
}

export interface Highlight {
  /** Title with matches wrapped in MARK_START/MARK_END, otherwise raw text. */
  title: string;
  /** A fragment of the abstract around the matches, same markers. */
  snippet: string;
}

/** Control characters that cannot occur in stored text; the web layer turns them into <mark>. */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';

export interface SearchBackend {
  search(query: BackendQuery): Promise<BackendHit[]>;
  highlights(paperIds: string[], match: string): Promise<Map<string, Highlight>>;
  /**
   * Those of the given papers that are visible, pass the filters and do not match `exclude` (a
   * match expression), in the given order: how results found elsewhere (vectors) obey a query.
   */
  filterPapers(paperIds: string[], filters: SearchFilters, exclude: string | null): Promise<string[]>;
  /** Papers sharing the most distinctive words of the given one (BM25 more-like-this). */
  moreLikeThis(paperId: string, limit: number): Promise<BackendHit[]>;
  /**
   * (Re)indexes the given papers from the stored data; hidden or deleted ones leave the index.
   * With `within` (an open transaction), the index changes commit with the caller's writes.
   */
  indexPapers(paperIds: string[], within?: Kysely<Database>): Promise<void>;
  /** Rebuilds the whole index; returns the number of indexed papers. */
  rebuild(): Promise<number>;
  /** Number of indexed papers. */
  count(): Promise<number>;
}
