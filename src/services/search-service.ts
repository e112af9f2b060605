// Search: parse the reader's query, let the backend rank, and relax an all-words query that finds
// too little to any-word ranking (the all-words matches stay on top), as readers expect from a
// search box and as natural-language queries need.
//
// Hybrid search: when an embedding model is configured and its index has vectors, a relevance-
// ranked text query (see search/semantic-query.ts for exactly which) also runs on the vectors,
// in parallel, and the two rankings are fused by weighted reciprocal rank. The semantic side has
// a time budget; past it, or on any error, the results are the lexical ones. Semantic-only hits
// obey the query's filters and exclusions like the lexical ones.
import type { ParsedQuery, SearchSort } from '../domain/search-query.ts';
import { parseSearchQuery, QueryError } from '../domain/search-query.ts';
import type { PaperRepository } from '../db/repositories/paper-repository.ts';
import type { PaperSummary } from '../db/repositories/paper-summaries.ts';
import { toFts5AnyMatch, toFts5Exclusions, toFts5Match } from '../search/fts5-query.ts';
import { reciprocalRankFusion, RRF_K } from '../search/rank-fusion.ts';
import type { Highlight, SearchBackend } from '../search/search-backend.ts';
import { semanticQueryText } from '../search/semantic-query.ts';
import type { VectorHit } from '../search/vector-index.ts';
import { InvalidInputError } from './errors.ts';

export const SEARCH_PAGE_SIZE = 20;
export const MAX_SEARCH_LIMIT = 100;
/** Deep pages cost as much as all the pages before them; nobody reads past this. */
export const MAX_SEARCH_OFFSET = 1000;

/** lexical: BM25 only. hybrid: fused with the semantic ranking whenever the query and index allow. */
export type SearchMode = 'lexical' | 'hybrid';

export interface SearchOptions {
  limit: number;
  offset?: number;
  /** Used when the query has no sort: of its own. */
  sort?: SearchSort;
  /** search() defaults to hybrid, rankIds() to lexical. */
  mode?: SearchMode;
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
  /** True when some results on this page do not contain every word of the query. */
  relaxed: boolean;
  /** True when the semantic ranking was fused in. */
  hybrid: boolean;
  warnings: string[];
}

/** The semantic side as search sees it; search/semantic-search.ts implements it. */
export interface SemanticRanker {
  /** Indexed vectors; 0 means there is nothing to fuse yet. */
  readonly size: number;
  search(text: string, k: number, signal?: AbortSignal): Promise<VectorHit[]>;
  neighbours(paperId: string, k: number): Promise<VectorHit[] | null>;
}

export interface HybridSettings {
  /** Time the semantic side (embed the query, ANN search, filter) may take. */
  budgetMs: number;
  /** Reciprocal-rank-fusion weights; only their ratio matters. */
  lexicalWeight: number;
  semanticWeight: number;
}

export const DEFAULT_HYBRID: HybridSettings = { budgetMs: 150, lexicalWeight: 1, semanticWeight: 1 };

export interface SearchLog {
  debug(details: object, message: string): void;
  warn(details: object, message: string): void;
}

const SILENT: SearchLog = { debug: () => {}, warn: () => {} };
/** Candidates from each side: deep enough that the first pages do not change as the reader pages. */
const FUSION_DEPTH = 50;
/** Vector neighbours fetched per wanted result: filters and exclusions remove some of them. */
const SEMANTIC_OVERFETCH = 3;
const MAX_SEMANTIC_K = 1000;
/**
 * Neighbours at cosine distance ≥ 1 (similarity ≤ 0) share no meaning with the query; an ANN
 * still returns them when little is near, and fused in they would only add noise.
 */
const MAX_SEMANTIC_DISTANCE = 1;
/** A failing model would otherwise log on every keystroke of search-as-you-type. */
const WARN_INTERVAL_MS = 60_000;

interface Ranked {
  /** Ranked ids from the requested offset on, one more than the limit when more exist. */
  ids: string[];
  /** Papers that matched every word (the strict lexical query). */
  strict: Set<string>;
  /** Match expression for highlights. */
  match: string | null;
  hybrid: boolean;
}

export class SearchService {
  private readonly settings: HybridSettings;
  private lastWarning = -Infinity;
  private readonly indexedListeners = new Set<(ids: string[]) => void>();

  constructor(
    private readonly backend: SearchBackend,
    private readonly papers: PaperRepository,
    private readonly semantic: SemanticRanker | null = null,
    settings: Partial<HybridSettings> = {},
    private readonly log: SearchLog = SILENT,
  ) {
    this.settings = { ...DEFAULT_HYBRID, ...settings };
  }

  async search(query: string, options: SearchOptions): Promise<SearchResults> {
    const parsed = parse(query);
    const sort = parsed.sort ?? options.sort ?? (parsed.text ? 'relevance' : 'newest');
    const ranked = await this.rank(parsed, sort, options, options.mode ?? 'hybrid');
    const limit = clampLimit(options.limit);
    const ids = ranked.ids.slice(0, limit);
    const [summaries, highlights] = await Promise.all([
      this.papers.summaries(ids),
      ranked.match
        ? this.backend.highlights(ids, ranked.match)
        : Promise.resolve(new Map<string, Highlight>()),
    ]);
    return {
      query,
      parsed,
      sort,
      items: summaries.map((s) => ({ ...s, highlight: highlights.get(s.id) ?? null })),
      hasMore: ranked.ids.length > limit,
      relaxed: parsed.text !== null && ids.some((id) => !ranked.strict.has(id)),
      hybrid: ranked.hybrid,
      warnings: parsed.warnings,
    };
  }

  /** Ranked paper ids only: what the relevance evaluation and similar tools need. */
  async rankIds(query: string, options: SearchOptions): Promise<string[]> {
    const parsed = parse(query);
    const sort = parsed.sort ?? options.sort ?? 'relevance';
    const { ids } = await this.rank(parsed, sort, options, options.mode ?? 'lexical');
    return ids.slice(0, clampLimit(options.limit, 1000));
  }

  /**
   * Those of the given papers that match the query strictly (every word, its filters and
   * exclusions; no relaxation), in the given order: what a topic alert mails.
   */
  async matchAmong(query: string, paperIds: string[]): Promise<string[]> {
    if (paperIds.length === 0) return [];
    const parsed = parse(query);
    const passing = await this.backend.filterPapers(paperIds, parsed.filters, null);
    if (!parsed.text || passing.length === 0) return passing;
    const match = toFts5Match(parsed.text);
    if (match === null) return [];
    // filterPapers drops the papers matching its exclusion: what it keeps are the non-matches.
    const unmatched = new Set(await this.backend.filterPapers(passing, parsed.filters, match));
    return passing.filter((id) => !unmatched.has(id));
  }

  /** Nearest papers by vector when this paper has one, else BM25 more-like-this. */
  async similar(paperId: string, limit = 6): Promise<PaperSummary[]> {
    const byVector = await this.similarByVector(paperId, limit);
    if (byVector) return byVector;
    const hits = await this.backend.moreLikeThis(paperId, limit);
    return this.papers.summaries(hits.map((h) => h.paperId));
  }

  async indexPapers(ids: string[]): Promise<void> {
    await this.backend.indexPapers(ids);
    for (const listener of this.indexedListeners) listener(ids);
  }

  /** Calls `listener` after papers are (re)indexed, e.g. to embed them soon; returns an unsubscribe. */
  onPapersIndexed(listener: (ids: string[]) => void): () => void {
    this.indexedListeners.add(listener);
    return () => this.indexedListeners.delete(listener);
  }

  rebuildIndex(): Promise<number> {
    return this.backend.rebuild();
  }

  /** Builds the index when papers exist but the index is empty (first start after upgrading). */
  async ensureIndexed(paperCount: number): Promise<number | null> {
    if (paperCount === 0 || (await this.backend.count()) > 0) return null;
    return this.backend.rebuild();
  }

  private async rank(
    parsed: ParsedQuery,
    sort: SearchSort,
    options: SearchOptions,
    mode: SearchMode,
  ): Promise<Ranked> {
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
    // One more hit than asked for, to know whether another page exists.
    const wanted = offset + limit + 1;
    const text =
      mode === 'hybrid' && sort === 'relevance' && this.semantic?.size
        ? semanticQueryText(parsed.text)
        : null;
    if (text === null) {
      const lexical = await this.lexical(parsed, sort, match, wanted);
      return { ...lexical, ids: lexical.ids.slice(offset), hybrid: false };
    }
    const depth = Math.max(wanted, FUSION_DEPTH);
    const [lexical, semantic] = await Promise.all([
      this.lexical(parsed, sort, match, depth),
      this.semanticIds(parsed, text, depth),
    ]);
    if (semantic === null) return { ...lexical, ids: lexical.ids.slice(offset), hybrid: false };
    const fused = reciprocalRankFusion(
      [
        { ids: lexical.ids, weight: this.settings.lexicalWeight },
        { ids: semantic, weight: this.settings.semanticWeight },
      ],
      RRF_K,
    );
    return {
      ids: fused.slice(offset, wanted).map((h) => h.id),
      strict: lexical.strict,
      // Any-word highlighting: semantic hits may contain only some of the words, or none.
      match: toFts5AnyMatch(parsed.text!) ?? match,
      hybrid: true,
    };
  }

  /** BM25 ranking, strict matches first, then (for relevance) papers matching only some words. */
  private async lexical(
    parsed: ParsedQuery,
    sort: SearchSort,
    match: string | null,
    depth: number,
  ): Promise<Omit<Ranked, 'hybrid'>> {
    const base = { filters: parsed.filters, sort };
    const strict = (await this.backend.search({ ...base, match, limit: depth, offset: 0 })).map(
      (h) => h.paperId,
    );
    const strictSet = new Set(strict);
    const loose =
      parsed.text && sort === 'relevance' && strict.length < depth ? toFts5AnyMatch(parsed.text) : null;
    if (!loose || loose === match) return { ids: strict, strict: strictSet, match };
    const extra = await this.backend.search({
      ...base,
      match: loose,
      limit: depth + strict.length,
      offset: 0,
    });
    const ids = [...strict, ...extra.map((h) => h.paperId).filter((id) => !strictSet.has(id))];
    return { ids, strict: strictSet, match: loose };
  }

  /** Nearest papers to the query's meaning that pass its filters, or null (budget, error). */
  private async semanticIds(parsed: ParsedQuery, text: string, depth: number): Promise<string[] | null> {
    const semantic = this.semantic!;
    const controller = new AbortController();
    const exclude = parsed.text ? toFts5Exclusions(parsed.text) : null;
    const work = (async () => {
      const hits = await semantic.search(
        text,
        Math.min(depth * SEMANTIC_OVERFETCH, MAX_SEMANTIC_K),
        controller.signal,
      );
      return this.backend.filterPapers(
        hits.filter((h) => h.distance < MAX_SEMANTIC_DISTANCE).map((h) => h.paperId),
        parsed.filters,
        exclude,
      );
    })();
    try {
      const ids = await withinBudget(work, this.settings.budgetMs, controller);
      if (ids === null) {
        this.log.debug(
          { budgetMs: this.settings.budgetMs },
          'semantic search over its time budget; lexical only',
        );
        return null;
      }
      return ids.slice(0, depth);
    } catch (err) {
      this.warnThrottled(err, 'semantic search failed; lexical results only');
      return null;
    }
  }

  private async similarByVector(paperId: string, limit: number): Promise<PaperSummary[] | null> {
    if (!this.semantic?.size) return null;
    try {
      // A few extra: hidden papers drop out of the summaries.
      const hits = await this.semantic.neighbours(paperId, limit + 4);
      if (!hits || hits.length === 0) return null;
      const summaries = await this.papers.summaries(hits.map((h) => h.paperId));
      return summaries.length > 0 ? summaries.slice(0, limit) : null;
    } catch (err) {
      this.warnThrottled(err, 'similar papers by vector failed; using shared words');
      return null;
    }
  }

  private warnThrottled(err: unknown, message: string): void {
    const details = { err: err instanceof Error ? err.message : String(err) };
    const now = performance.now();
    if (now - this.lastWarning < WARN_INTERVAL_MS) return this.log.debug(details, message);
    this.lastWarning = now;
    this.log.warn(details, message);
  }
}

/** The work's result, or null when it takes longer than `ms` (the work is then aborted). */
function withinBudget<T>(work: Promise<T>, ms: number, controller: AbortController): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`over the ${ms} ms budget`));
      resolve(null);
    }, ms);
  });
  work.catch(() => {}); // a failure after the budget ran out concerns nobody
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
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
