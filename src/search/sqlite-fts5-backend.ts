// Lexical search on SQLite FTS5 with BM25. FTS5 drives every text query: it finds and ranks the
// matches, and papers are joined and filtered around that, so the cost follows the matches rather
// than the size of the collection.
import { CompiledQuery, sql } from 'kysely';
import type { Kysely, RawBuilder, Sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { statementSizes } from '../db/statement-sizes.ts';
import type { PaperRecord } from '../domain/paper.ts';
import type { SearchFilters } from '../domain/search-query.ts';
import { addDays } from '../domain/periods.ts';
import type { BackendHit, BackendQuery, FieldWeights, Highlight, SearchBackend } from './search-backend.ts';
import { DEFAULT_WEIGHTS, MARK_END, MARK_START } from './search-backend.ts';
import { moreLikeThisTerms } from './more-like-this.ts';
import { Fts5MatchStats } from './fts5-match-stats.ts';
import type { MatchPlan, RowidSpan } from './fts5-match-stats.ts';
import { categoryFilterMatch, looseMatch } from './fts5-query.ts';

const CHUNK = 500;

/** Papers per INSERT of indexNewPapers (5 parameters each; SQLite allows 32,766). */
const NEW_CHUNK = 2000;
const newSql = new Map<number, string>();

/** The INSERT of indexNewPapers for `n` papers, built once per size (statementSizes keeps them few). */
function insertNewSql(n: number): string {
  let text = newSql.get(n);
  if (text === undefined) {
    text = `INSERT INTO paper_fts(rowid, title, abstract, authors, categories)
      SELECT p.rowid, v.column2, v.column3, v.column4, v.column5
      FROM (VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?)').join(', ')}) AS v
      JOIN papers p ON p.id = v.column1 WHERE p.hidden_at IS NULL`;
    newSql.set(n, text);
  }
  return text;
}

/** What indexNewPapers reads of a paper. */
export type NewlyIndexed = Pick<PaperRecord, 'arxivId' | 'title' | 'abstract' | 'authors' | 'categories'>;

export interface SqliteFts5Options {
  /** Matches ranked by BM25 at most; see rankWindowed. */
  rankWindow?: number;
  /** false: score with FTS5's bm25() even when pb_bm25 is loaded (same scores, slower). */
  nativeBm25?: boolean;
}

/** Matches a relevance query ranks exhaustively; broader queries rank their newest this many. */
export const RANK_WINDOW = 50_000;

export class SqliteFts5Backend implements SearchBackend {
  private rankConfigured: Promise<void> | null = null;
  private readonly rankWindow: number;
  private readonly stats: Fts5MatchStats;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly weights: FieldWeights = DEFAULT_WEIGHTS,
    private readonly categoryName: (code: string) => string | null = () => null,
    private readonly onWrite: () => void = () => {},
    options: SqliteFts5Options = {},
  ) {
    this.rankWindow = options.rankWindow ?? RANK_WINDOW;
    this.stats = new Fts5MatchStats(db, weights, options.nativeBm25 ?? true);
    if (!Number.isSafeInteger(this.rankWindow) || this.rankWindow < 1) {
      throw new RangeError(`invalid rank window ${this.rankWindow}`);
    }
  }

  /** The persistent rank function of the FTS table: BM25 with our field weights. */
  private configureRank(): Promise<void> {
    const w = this.weights;
    const args = [w.title, w.abstract, w.authors, w.categories].map((x) => {
      if (!Number.isFinite(x) || x < 0) throw new RangeError(`invalid field weight ${x}`);
      return String(x);
    });
    this.rankConfigured ??=
      sql`INSERT INTO paper_fts(paper_fts, rank) VALUES ('rank', ${`bm25(${args.join(', ')})`})`
        .execute(this.db)
        .then(() => undefined);
    return this.rankConfigured;
  }

  async search(q: BackendQuery): Promise<BackendHit[]> {
    if (q.match === null) return this.browse(q);
    await this.configureRank();
    const c = await this.candidates(q.match, q.filters);
    if (c === null) return []; // no paper at all in the date range
    const plan = await this.stats.plan(q.match, c.filter, c.span);
    const broad = plan.bound > this.rankWindow;
    if (q.sort === 'newest') return this.newest(q, c, plan);
    if (q.sort === 'relevance' && broad) return this.rankWindowed(q, c, plan);
    return this.rank(q, c, plan, null);
  }

  /**
   * What FTS5 walks for a query: its words, ANDed with its cat: filters (as phrases on the
   * categories column, which pb_bm25 does not score; so only with pb_bm25), within the rowids of
   * the papers in its date range. Every paper passing the filters is among them; the exact filters
   * still run on the papers. Null when no paper is in the date range.
   */
  private async candidates(match: string, f: SearchFilters): Promise<Candidates | null> {
    const dated = f.dates.start !== undefined || f.dates.end !== undefined;
    const span = dated
      ? await this.stats.span(f.dates.start ?? null, f.dates.end ? addDays(f.dates.end, 1) : null)
      : null;
    if (dated && span === null) return null;
    const filter = (await this.stats.canFilter()) ? categoryFilterMatch(f.categories) : null;
    const and = (m: string) => (filter === null ? m : `${m} AND ${filter}`);
    return { match: and(match), window: and(looseMatch(match) ?? match), filter, span };
  }

  /**
   * BM25 order (or upvotes, then BM25) over every candidate, or over those with rowids from `from`
   * on. pb_bm25 (when loaded) scores exactly as bm25() with the cached phrase counts.
   */
  private async rank(
    q: BackendQuery,
    c: Candidates,
    plan: MatchPlan,
    from: number | null,
  ): Promise<BackendHit[]> {
    const rank = plan.rank === null ? sql`` : sql`AND paper_fts.rank MATCH ${plan.rank}`;
    const range = rowidRange(c.span, from);
    const f = q.filters;
    // cat: filters that FTS5 cannot apply (without pb_bm25) can leave almost every candidate out.
    const narrowed = f.categories.length === 0 || c.filter !== null;
    if (q.sort === 'relevance' && narrowed) {
      // The top rows from FTS5 alone (SQLite's bounded sorter: `+rank` keeps FTS5 from sorting
      // every match itself, which would also ignore the window), then their papers, checked.
      const wanted = q.offset + q.limit;
      // A few more than the page, so that the odd candidate failing a filter leaves enough; with
      // has:code, checked only here, many more (about one paper in ten has code).
      const fetched = f.hasCode ? wanted * 20 : wanted + Math.min(wanted, 50);
      const { rows } = await sql<{ paperId: string | null; passes: number | null; rank: number }>`
        SELECT p.id AS paper_id, (p.hidden_at IS NULL ${filterSql(f)}) AS passes, s.rank AS rank FROM (
          SELECT paper_fts.rowid AS rid, paper_fts.rank AS rank FROM paper_fts
          WHERE paper_fts MATCH ${c.match} ${rank} ${range}
          ORDER BY +paper_fts.rank, paper_fts.rowid LIMIT ${fetched}
        ) s LEFT JOIN papers p ON p.rowid = s.rid
        ORDER BY s.rank, s.rid`.execute(this.db);
      // Hidden papers leave the index and candidates mostly pass the filters (a math-ph paper is a
      // candidate of cat:math.*), so the page is almost always among these; else the join below.
      // Scoring the candidates again there costs less than reading every candidate's paper here.
      const passing = rows.filter((r) => r.paperId !== null && r.passes === 1);
      if (passing.length >= wanted || rows.length < fetched) {
        return passing.slice(q.offset, wanted).map((r) => ({ paperId: r.paperId!, score: -r.rank }));
      }
    }
    // FTS5 sorts every match by rank itself, and the papers are then read in that order only until
    // the page is full; but it ignores rowid constraints, so a window or a date span needs `+rank`.
    const order =
      q.sort === 'upvotes'
        ? sql`p.upvotes DESC, paper_fts.rank`
        : from === null && c.span === null
          ? sql`paper_fts.rank`
          : sql`+paper_fts.rank, paper_fts.rowid`;
    const { rows } = await sql<{ paperId: string; rank: number }>`
      SELECT p.id AS paper_id, paper_fts.rank AS rank
      FROM paper_fts JOIN papers p ON p.rowid = paper_fts.rowid
      WHERE paper_fts MATCH ${c.match} ${rank} ${range} AND p.hidden_at IS NULL ${filterSql(q.filters)}
      ORDER BY ${order}
      LIMIT ${q.limit} OFFSET ${q.offset}`.execute(this.db);
    // FTS5's rank is negative BM25 (smaller is better); expose BM25 itself.
    return rows.map((r) => ({ paperId: r.paperId, score: -r.rank }));
  }

  /**
   * A query with more than rankWindow candidates ("the", "model", "of the", "model cat:cs.LG")
   * ranks its newest rankWindow candidates (highest rowids: papers are added roughly in date
   * order), not all of them: scoring a million rows takes over a second, and the top of such a
   * list says little anyway. When filters leave too few of them, the window grows (4× each time)
   * up to every candidate.
   */
  private async rankWindowed(q: BackendQuery, c: Candidates, plan: MatchPlan): Promise<BackendHit[]> {
    for (let size = this.rankWindow; ; size *= 4) {
      // The cheaper walk only where it cannot shrink a window below `size` matches of a query
      // that has fewer: when exactly plan.bound papers match and that is more than `size`.
      const from = await this.windowStart(plan.exact && plan.bound > size ? c.window : c.match, c.span, size);
      const hits = await this.rank(q, c, plan, from);
      // from === null: the window holds every candidate, so this was the exhaustive ranking.
      if (from === null || hits.length >= q.limit) return hits;
    }
  }

  /**
   * Rowid of the `size`-th newest row matching `match` (the candidates, or their looser form
   * c.window: a phrase's words anywhere in the paper, found at a fifth of the cost, so the window
   * holds somewhat fewer matches of the phrase), or null when there are fewer. Reads rowids only.
   */
  private async windowStart(match: string, span: RowidSpan | null, size: number): Promise<number | null> {
    const { rows } = await sql<{ rid: number }>`
      SELECT rowid AS rid FROM paper_fts WHERE paper_fts MATCH ${match} ${rowidRange(span, null)}
      ORDER BY rowid DESC LIMIT 1 OFFSET ${size - 1}`.execute(this.db);
    return rows[0]?.rid ?? null;
  }

  /** Newest first for few matches: FTS5 lists them (no scoring), the newest are sorted out. */
  private async newestByMatch(q: BackendQuery, c: Candidates): Promise<BackendHit[]> {
    const { rows } = await sql<{ paperId: string }>`
      SELECT p.id AS paper_id
      FROM paper_fts JOIN papers p ON p.rowid = paper_fts.rowid
      WHERE paper_fts MATCH ${c.match} ${rowidRange(c.span, null)} AND p.hidden_at IS NULL ${filterSql(q.filters)}
      ORDER BY p.submitted_at DESC, p.id
      LIMIT ${q.limit} OFFSET ${q.offset}`.execute(this.db);
    return rows.map((r, i) => ({ paperId: r.paperId, score: -i }));
  }

  /**
   * Newest first. Listing the matches costs a join per match; walking the papers by date costs a
   * look-up in FTS5 per paper walked (several joins' worth), about papers / matches of them per
   * result. The walk is tried when it should be cheaper (matches² > 8 × page × papers, for one
   * word or phrase, whose matches are known) or the query is broad, and gives way to the listing
   * when its papers do not hold the page (a word of old papers only). Both give the same rows.
   */
  private async newest(q: BackendQuery, c: Candidates, plan: MatchPlan): Promise<BackendHit[]> {
    const wanted = q.offset + q.limit;
    const papers = await this.stats.indexed();
    // plan.bound is exact for one word or phrase; for several it can be far above the matches.
    if (plan.bound > this.rankWindow || (plan.exact && plan.bound ** 2 > 8 * wanted * papers)) {
      const walk = Math.max(1000, Math.ceil((4 * wanted * papers) / plan.bound));
      const hits = await this.newestByDate(q, c.match, walk);
      if (hits.length >= q.limit) return hits;
    }
    return this.newestByMatch(q, c);
  }

  /**
   * Newest first by walking at most `walk` papers passing the filters by date
   * (papers_submitted_at), asking FTS5 about each one and stopping at the page's end; with a
   * common word, a page needs a few dozen look-ups instead of listing a large share of the
   * collection. Fewer than a page when the walk ends first.
   */
  private async newestByDate(q: BackendQuery, match: string, walk: number): Promise<BackendHit[]> {
    const { rows } = await sql<{ paperId: string }>`
      SELECT w.id AS paper_id FROM (
        SELECT p.rowid AS rid, p.id AS id, p.submitted_at AS submitted_at FROM papers p INDEXED BY papers_submitted_at
        WHERE p.hidden_at IS NULL ${filterSql(q.filters)}
        ORDER BY p.submitted_at DESC, p.id LIMIT ${walk}
      ) w
      WHERE EXISTS (SELECT 1 FROM paper_fts WHERE paper_fts MATCH ${match} AND paper_fts.rowid = w.rid)
      ORDER BY w.submitted_at DESC, w.id
      LIMIT ${q.limit} OFFSET ${q.offset}`.execute(this.db);
    return rows.map((r, i) => ({ paperId: r.paperId, score: -i }));
  }

  /** Index writes change phrase counts; the next queries count again. */
  private wrote(): void {
    this.stats.invalidate();
    this.onWrite();
  }

  /** Filters without text: newest first unless sorted by upvotes. */
  private async browse(q: BackendQuery): Promise<BackendHit[]> {
    const order = q.sort === 'upvotes' ? sql`p.upvotes DESC, p.id` : sql`p.submitted_at DESC, p.id`;
    const { rows } = await sql<{ paperId: string; upvotes: number }>`
      SELECT p.id AS paper_id, p.upvotes AS upvotes FROM papers p
      WHERE p.hidden_at IS NULL ${filterSql(q.filters)}
      ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset}`.execute(this.db);
    return rows.map((r, i) => ({ paperId: r.paperId, score: -i }));
  }

  async highlights(paperIds: string[], match: string): Promise<Map<string, Highlight>> {
    const out = new Map<string, Highlight>();
    if (paperIds.length === 0) return out;
    const { rows } = await sql<{ paperId: string; title: string; snippet: string }>`
      SELECT p.id AS paper_id,
        highlight(paper_fts, 0, ${MARK_START}, ${MARK_END}) AS title,
        snippet(paper_fts, 1, ${MARK_START}, ${MARK_END}, '…', 40) AS snippet
      FROM papers p CROSS JOIN paper_fts ON paper_fts.rowid = p.rowid
      WHERE p.id IN (${sql.join(paperIds)}) AND paper_fts MATCH ${match}`.execute(this.db);
    // CROSS JOIN fixes the join order: start from the page's few papers and look each up in the
    // index, instead of walking every match of a common word (600 ms for "the" at 1M papers).
    for (const r of rows) out.set(r.paperId, { title: r.title, snippet: r.snippet });
    return out;
  }

  async filterPapers(paperIds: string[], filters: SearchFilters, exclude: string | null): Promise<string[]> {
    const kept = new Set<string>();
    const excluded = exclude
      ? sql`AND p.rowid NOT IN (SELECT rowid FROM paper_fts WHERE paper_fts MATCH ${exclude})`
      : sql``;
    for (let i = 0; i < paperIds.length; i += CHUNK) {
      const { rows } = await sql<{ id: string }>`
        SELECT p.id AS id FROM papers p
        WHERE p.id IN (${sql.join(paperIds.slice(i, i + CHUNK))}) AND p.hidden_at IS NULL
          ${filterSql(filters)} ${excluded}`.execute(this.db);
      for (const r of rows) kept.add(r.id);
    }
    return paperIds.filter((id) => kept.has(id));
  }

  async moreLikeThis(paperId: string, limit: number): Promise<BackendHit[]> {
    const paper = await this.db
      .selectFrom('papers')
      .select(['title', 'abstract'])
      .where('id', '=', paperId)
      .executeTakeFirst();
    if (!paper) return [];
    const terms = moreLikeThisTerms(paper.title, paper.abstract);
    if (terms.length === 0) return [];
    const match = `{title abstract} : (${terms.map((t) => `"${t}"`).join(' OR ')})`;
    const hits = await this.search({
      match,
      filters: { categories: [], dates: {}, hasCode: false },
      sort: 'relevance',
      limit: limit + 1,
      offset: 0,
    });
    return hits.filter((h) => h.paperId !== paperId).slice(0, limit);
  }

  async indexPapers(paperIds: string[], within?: Kysely<Database>): Promise<void> {
    if (paperIds.length === 0) return;
    const run = async (trx: Kysely<Database>) => {
      for (let i = 0; i < paperIds.length; i += CHUNK) {
        const ids = paperIds.slice(i, i + CHUNK);
        await sql`DELETE FROM paper_fts WHERE rowid IN (SELECT rowid FROM papers WHERE id IN (${sql.join(ids)}))`.execute(
          trx,
        );
        await this.insertFrom(trx, sql`p.id IN (${sql.join(ids)})`);
      }
    };
    // Inside the caller's transaction when given one, so papers and their index commit together.
    if (within?.isTransaction) await run(within);
    else await this.db.transaction().execute(run);
    this.wrote();
  }

  /**
   * Indexes papers just inserted (not in the index yet) from the records in hand instead of reading
   * them back: one INSERT per chunk, with the same text indexPapers would build. For bulk imports.
   */
  async indexNewPapers(papers: NewlyIndexed[], within?: Kysely<Database>): Promise<void> {
    if (papers.length === 0) return;
    const run = async (trx: Kysely<Database>) => {
      let at = 0;
      for (const size of statementSizes(papers.length, NEW_CHUNK)) {
        const params: unknown[] = [];
        for (const p of papers.slice(at, (at += size))) {
          params.push(
            p.arxivId,
            p.title,
            p.abstract,
            p.authors.join(', '),
            this.categoriesText(p.categories.join(' ')),
          );
        }
        await trx.executeQuery(CompiledQuery.raw(insertNewSql(size), params));
      }
    };
    if (within?.isTransaction) await run(within);
    else await this.db.transaction().execute(run);
    this.wrote();
  }

  /**
   * Tunes the index for a bulk load until the returned function is called: pending terms held up to
   * 64 MiB (one segment per big transaction, not one per MiB) and segments merged 16 at a time, not 4
   * (fewer rewrites of the same data): a third less work per paper on an import of 300k papers.
   * These are persistent FTS5 settings; the returned function puts FTS5's defaults back.
   */
  async tuneForBulkLoad(): Promise<() => Promise<void>> {
    await this.setConfig('hashsize', 64 * 2 ** 20);
    await this.setConfig('automerge', 16);
    return async () => {
      await this.setConfig('hashsize', 2 ** 20);
      await this.setConfig('automerge', 4);
    };
  }

  private async setConfig(key: 'hashsize' | 'automerge', value: number): Promise<void> {
    // FTS5 wants an integer here; bound JavaScript numbers arrive as reals, so it is written inline.
    if (!Number.isSafeInteger(value)) throw new RangeError(`FTS5 ${key} must be an integer`);
    await sql`INSERT INTO paper_fts(paper_fts, rank) VALUES (${key}, ${sql.raw(String(value))})`.execute(
      this.db,
    );
  }

  async rebuild(): Promise<number> {
    await this.db.transaction().execute(async (trx) => {
      await sql`DELETE FROM paper_fts`.execute(trx);
      await this.insertFrom(trx, sql`1 = 1`);
    });
    await sql`INSERT INTO paper_fts(paper_fts) VALUES ('optimize')`.execute(this.db);
    this.wrote();
    return this.count();
  }

  async count(): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM paper_fts`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  private async insertFrom(trx: Kysely<Database>, where: RawBuilder<unknown>): Promise<void> {
    const { rows } = await sql<{
      rid: number;
      title: string;
      abstract: string;
      authors: string;
      categories: string;
    }>`
      SELECT p.rowid AS rid, p.title AS title, p.abstract AS abstract,
        COALESCE((SELECT group_concat(name, ', ') FROM
          (SELECT name FROM paper_authors a WHERE a.paper_id = p.id ORDER BY a.position)), '') AS authors,
        COALESCE((SELECT group_concat(category, ' ') FROM
          (SELECT category FROM paper_categories c WHERE c.paper_id = p.id ORDER BY c.position)), '') AS categories
      FROM papers p WHERE p.hidden_at IS NULL AND ${where}`.execute(trx);
    for (let i = 0; i < rows.length; i += CHUNK) {
      const values = rows
        .slice(i, i + CHUNK)
        .map(
          (r) =>
            sql`(${r.rid}, ${r.title}, ${r.abstract}, ${r.authors}, ${this.categoriesText(r.categories)})`,
        );
      await sql`INSERT INTO paper_fts(rowid, title, abstract, authors, categories) VALUES ${sql.join(values)}`.execute(
        trx,
      );
    }
  }

  /** Codes and names, so "machine learning" finds cs.LG papers and "cs.LG" finds them too. */
  private categoriesText(codes: string): string {
    return codes
      .split(' ')
      .filter(Boolean)
      .map((c) => `${c} ${this.categoryName(c) ?? ''}`.trim())
      .join(' ; ');
  }
}

/** What FTS5 walks for one query (see SqliteFts5Backend.candidates). */
interface Candidates {
  /** The MATCH expression: the query's, with the category filter ANDed when there is one. */
  match: string;
  /** A superset of `match` that is cheaper to walk (looseMatch), for finding a window's start. */
  window: string;
  /** The category filter part of `match`, or null. */
  filter: string | null;
  /** Rowids of the papers in the query's date range, or null when it has none. */
  span: RowidSpan | null;
}

/**
 * Rowid constraints for FTS5: the date range's span and the window's start, when given. Bound as
 * BigInt: better-sqlite3 binds a JavaScript number as a REAL, and FTS5 only applies integer rowid
 * bounds itself; a REAL one it leaves to SQLite, which then checks it on every match FTS5 walks
 * and scores (for "the" at 1M papers: all of them, ten times the work of a 50,000 window).
 */
function rowidRange(span: RowidSpan | null, from: number | null): Sql | RawBuilder<unknown> {
  const first = Math.max(from ?? -Infinity, span?.first ?? -Infinity);
  const parts: RawBuilder<unknown>[] = [];
  if (first !== -Infinity) parts.push(sql`AND paper_fts.rowid >= ${BigInt(first)}`);
  if (span !== null) parts.push(sql`AND paper_fts.rowid <= ${BigInt(span.last)}`);
  return parts.length > 0 ? sql.join(parts, sql` `) : sql``;
}

function filterSql(f: SearchFilters): Sql | RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (f.hasCode) parts.push(sql`AND p.code_url IS NOT NULL`);
  if (f.dates.start) parts.push(sql`AND p.submitted_at >= ${f.dates.start}`);
  // submitted_at is a full timestamp: everything before the day after the end is in range.
  if (f.dates.end) parts.push(sql`AND p.submitted_at < ${addDays(f.dates.end, 1)}`);
  if (f.categories.length > 0) {
    const alternatives = f.categories.map((c) => {
      const archive = c.endsWith('.*') ? c.slice(0, -2) : c.includes('.') ? null : c;
      return archive === null
        ? sql`c.category = ${c}`
        : sql`(c.category = ${archive} OR substr(c.category, 1, ${archive.length + 1}) = ${`${archive}.`})`;
    });
    parts.push(
      sql`AND EXISTS (SELECT 1 FROM paper_categories c WHERE c.paper_id = p.id AND (${sql.join(alternatives, sql` OR `)}))`,
    );
  }
  return parts.length > 0 ? sql.join(parts, sql` `) : sql``;
}
