// Per-phrase document counts for the FTS5 backend, cached: how many papers can a query match (the
// backend picks its plan from that), and the counts pb_bm25 needs for its IDFs (see
// native/paperboy-bm25.c), so that FTS5 does not re-count every phrase of every query.
//
// The counts are exact while cached: the cache is cleared on this backend's own index writes and
// whenever SQLite's data_version says another connection (an import in another process) committed.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { matchBound, matchShape, shapePhrases } from './fts5-query.ts';
import type { FieldWeights } from './search-backend.ts';

/** Phrases whose counts are kept (a few dozen bytes each); the cache starts over beyond this. */
const MAX_CACHED = 20_000;

export interface MatchPlan {
  /** Most papers the expression can match (Infinity when unknown). */
  bound: number;
  /** The rank function to use (`pb_bm25(…)` with counts), or null for the table's bm25(). */
  rank: string | null;
}

export class Fts5MatchStats {
  private readonly counts = new Map<string, number>();
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
  }

  async plan(match: string): Promise<MatchPlan> {
    const shape = matchShape(match);
    if (shape === null) return { bound: Infinity, rank: null };
    await this.checkFresh();
    const phrases = shapePhrases(shape);
    const counts = new Map<string, number>();
    for (const phrase of phrases) {
      if (!counts.has(phrase)) counts.set(phrase, await this.count(phrase));
    }
    const bound = matchBound(shape, (phrase) => counts.get(phrase)!);
    if (!(await this.nativeAvailable())) return { bound, rank: null };
    const w = this.weights;
    const args = [w.title, w.abstract, w.authors, w.categories, ...phrases.map((p) => counts.get(p)!)];
    return { bound, rank: `pb_bm25(${args.map((x) => String(x)).join(', ')})` };
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
