// The search query language's parsed form, limits and error: what search-query.ts produces and
// search backends consume.
import type { DayRange } from './periods.ts';

export type SearchField = 'title' | 'abstract' | 'authors' | 'categories';

export type QueryNode =
  /** One word as typed (case and punctuation kept; backends tokenise it as they index text). */
  | { type: 'term'; value: string; field: SearchField | null }
  /** Words that must appear next to each other, in order. */
  | { type: 'phrase'; value: string; field: SearchField | null }
  | { type: 'and'; children: QueryNode[] }
  | { type: 'or'; children: QueryNode[] }
  /** Exclusion. Only ever a child of an 'and' that also has a positive child. */
  | { type: 'not'; child: QueryNode };

export type SearchSort = 'relevance' | 'newest' | 'upvotes';

export interface SearchFilters {
  /** Category codes or archive prefixes ending in ".*" ("cs.*"); any of them matches. */
  categories: string[];
  /** Inclusive range of arXiv submission days; either end may be open. */
  dates: Partial<DayRange>;
  /** true: only papers with a code link. */
  hasCode: boolean;
}

export interface ParsedQuery {
  /** The text part; null when the query only filters (e.g. "cat:cs.LG has:code"). */
  text: QueryNode | null;
  filters: SearchFilters;
  /** Explicit sort:…, else null (the caller's default). */
  sort: SearchSort | null;
  /** Things that were ignored or repaired, in words a reader understands. */
  warnings: string[];
}

/** A query that cannot be understood at all; the message is shown to the reader as is. */
export class QueryError extends Error {
  override name = 'QueryError';
}

export const MAX_QUERY_LENGTH = 1000;

/** Words and phrases kept from one query; more only slow the backend down without narrowing much. */
export const MAX_QUERY_TERMS = 64;
/** Parenthesis levels kept; deeper ones are flattened so nesting can never exhaust the stack. */
export const MAX_QUERY_DEPTH = 16;
