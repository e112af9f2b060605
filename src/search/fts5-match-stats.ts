// Per-phrase document counts for the FTS5 backend, cached: how many papers can a query match (the
// backend picks its plan from that), and the counts pb_bm25 needs for its IDFs (see
// native/paperboy-bm25.c), so that FTS5 does not re-count every phrase of every query.
//
// The counts are exact while cached: the cache is cleared on this backend's own index writes and
// whenever SQLite's data_version says another connection (an import in another process) committed.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { matchBound, matchShape, shapeLeaves, shapePhrases } from './fts5-query.ts';
import type { FieldWeights } from './search-backend.ts';

/** Phrases whose counts are kept (a few dozen bytes each); the cache starts over beyond this. */
const MAX_CACHED = 20_000;

export interface MatchPlan {
  /** Most papers the expression (with its filter part and rowid span) can match (Infinity when unknown). */
  bound: number;
  /** Whether exactly `bound` papers match (one phrase, no filter part, no span). */
  exact: boolean;
  /** The rank function to use (`pb_bm25(…)` with counts), or null for the table's bm25(). */
  rank: string | null;
}

/** Rowids of the papers submitted in a date range: all of them lie in [first, last]. */
export interface RowidSpan {
  first: number;
  last: number;
  /** Papers in the range (hidden ones included). */
  papers: number;
}

export class Fts5MatchStats {
  private readonly counts = new Map<string, number>();
  private readonly spans = new Map<string, RowidSpan | null>();
  private highest: number | null = null;
  private dataVersion: number | null = null;
  private native: Promise<boolean> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly weights: FieldWeights,
    /** false: always FTS5's own bm25() (what pb_bm25 must equal). */
    private readonly useNative = true,
  ) {}

  /** Forget the counts: the index changed. */
  invalidate(): void {
    this.counts.clear();
    this.spans.clear();
    this.highest = null;
  }

  /**
   * How to rank `match`, optionally ANDed with `filter` (written after it, so its phrases come last
   * in FTS5's phrase order: pb_bm25 gets -1 for them and they add nothing to the score) and limited
   * to `span`'s rowids.
   */
  async plan(match: string, filter: string | null = null, span: RowidSpan | null = null): Promise<MatchPlan> {
    const shape = matchShape(match);
    const filterShape = filter === null ? null : matchShape(filter);
    if (shape === null || (filter !== null && filterShape === null)) {
      return { bound: Infinity, exact: false, rank: null };
    }
    await this.checkFresh();
    const phrases = shapePhrases(shape);
    const counts = new Map<string, number>();
    for (const phrase of [...phrases, ...(filterShape ? shapeLeaves(filterShape) : [])]) {
      if (!counts.has(phrase)) counts.set(phrase, await this.count(phrase));
    }
    const bounds = [matchBound(shape, (phrase) => counts.get(phrase)!)];
    if (filterShape) bounds.push(matchBound(filterShape, (phrase) => counts.get(phrase)!));
    if (span) bounds.push(span.papers);
    const bound = Math.min(...bounds);
    const exact = shape.type === 'leaf' && bounds.length === 1;
    if (!(await this.nativeAvailable())) {
      // bm25() would score the filter's phrases: without pb_bm25 there is no filter part.
      if (filter !== null) throw new Error('filter phrases need pb_bm25');
      return { bound, exact, rank: null };
    }
    const w = this.weights;
    const filterCounts = filterShape ? shapePhrases(filterShape).map(() => -1) : [];
    const args = [
      w.title,
      w.abstract,
      w.authors,
      w.categories,
      ...phrases.map((p) => counts.get(p)!),
      ...filterCounts,
    ];
    return { bound, exact, rank: `pb_bm25(${args.map((x) => String(x)).join(', ')})` };
  }

  /** Whether filter phrases can be pushed into the match (they need pb_bm25 to score nothing). */
  canFilter(): Promise<boolean> {
    return this.nativeAvailable();
  }

  /** The highest rowid in the index: about how many papers it holds (rowids are rarely reused). */
  async indexed(): Promise<number> {
    await this.checkFresh();
    if (this.highest === null) {
      const { rows } = await sql<{ n: number | null }>`SELECT max(rowid) AS n FROM paper_fts`.execute(
        this.db,
      );
      this.highest = Number(rows[0]?.n ?? 0);
    }
    return this.highest;
  }

  /**
   * The rowids of the papers submitted from `start` (inclusive) to `end` (exclusive), either open.
   * One walk of papers_submitted_at per range until the next write; null when no paper is in it.
   */
  async span(start: string | null, end: string | null): Promise<RowidSpan | null> {
    await this.checkFresh();
    const key = `${start ?? ''}|${end ?? ''}`;
    if (this.spans.has(key)) return this.spans.get(key)!;
    const { rows } = await sql<{ first: number | null; last: number | null; papers: number }>`
      SELECT min(rowid) AS first, max(rowid) AS last, count(*) AS papers FROM papers INDEXED BY papers_submitted_at
      WHERE submitted_at >= ${start ?? ''} ${end === null ? sql`` : sql`AND submitted_at < ${end}`}`.execute(
      this.db,
    );
    const r = rows[0];
    const span =
      r && r.first !== null && r.last !== null
        ? { first: Number(r.first), last: Number(r.last), papers: Number(r.papers) }
        : null;
    if (this.spans.size >= MAX_CACHED) this.spans.clear();
    this.spans.set(key, span);
    return span;
  }

  private async count(phrase: string): Promise<number> {
    const known = this.counts.get(phrase);
    if (known !== undefined) return known;
    const { rows } = await sql<{ n: number }>`
      SELECT count(*) AS n FROM paper_fts WHERE paper_fts MATCH ${phrase}`.execute(this.db);
    const n = Number(rows[0]?.n ?? 0);
    if (this.counts.size >= MAX_CACHED) this.counts.clear();
    this.counts.set(phrase, n);
    return n;
  }

  /** Commits by other connections (an import in another process) make the counts stale. */
  private async checkFresh(): Promise<void> {
    const { rows } = await sql<{ dataVersion: number }>`PRAGMA data_version`.execute(this.db);
    const version = Number(rows[0]?.dataVersion);
    if (version !== this.dataVersion) this.invalidate();
    this.dataVersion = version;
  }

  /** Whether pb_bm25 is loaded on this connection (database.ts loads it when it can). */
  private nativeAvailable(): Promise<boolean> {
    if (!this.useNative) return Promise.resolve(false);
    this.native ??=
      sql`SELECT rank FROM paper_fts WHERE paper_fts MATCH '"pb"' AND rank MATCH 'pb_bm25()' ORDER BY rank LIMIT 1`
        .execute(this.db)
        .then(
          () => true,
          () => false,
        );
    return this.native;
  }
}
