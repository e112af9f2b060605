// Search for PostgreSQL deployments: each node keeps its own BM25 index (SQLite FTS5, in
// local-index-file.ts) derived from PostgreSQL, the system of record, through the change feed of
// migration 0007. Reads never leave the node; the ranking is SqliteFts5Backend's, so relevance is
// exactly a SQLite deployment's (docs/decisions.md, "Search on PostgreSQL").
//
// Applying a change means copying the paper's current row from PostgreSQL (or removing it when it
// is hidden or gone), so applying one twice, or late, is harmless. All applications run one at a
// time, each inside a local write transaction that also advances the stored cursor, so two
// processes sharing a data directory (serve and an ingest) serialise on the file's lock too.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { SearchFilters } from '../domain/search-query.ts';
import { cursorBefore } from '../db/search-change-feed.ts';
import type { FeedCursor, IndexedPaperRow, SearchChangeFeed } from '../db/search-change-feed.ts';
import type { BackendHit, BackendQuery, FieldWeights, Highlight, SearchBackend } from './search-backend.ts';
import { DEFAULT_WEIGHTS } from './search-backend.ts';
import { SqliteFts5Backend } from './sqlite-fts5-backend.ts';
import type { LocalIndexFile } from './local-index-file.ts';
import { openLocalIndex, readIndexState, writeIndexState } from './local-index-file.ts';

export interface DerivedIndexOptions {
  /** The index file (DATA_DIR/search-index.db). */
  file: string;
  feed: SearchChangeFeed;
  weights?: FieldWeights;
  categoryName?: (code: string) => string | null;
  /** Called after the index changed (the page cache's change token). */
  onWrite?: () => void;
  /** How often to poll the feed; 0: only on syncNow() and wake-ups. */
  pollMs: number;
  /** Starts a wake-up listener (LISTEN/NOTIFY); returns its stop function. */
  listen?: (onChange: () => void) => () => Promise<void>;
  /** Change rows per read. */
  batch?: number;
  /**
   * Change rows older than this are deleted (by whichever node syncs, at most hourly); a node down
   * for longer rebuilds. Default 7 days.
   */
  retentionMs?: number;
  onError?: (err: unknown) => void;
}

export interface SyncResult {
  rebuilt: boolean;
  /** Papers re-read from PostgreSQL (changed, hidden or deleted). */
  applied: number;
}

const REBUILD_PAGE = 2000;
const DEFAULT_RETENTION_MS = 7 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;

export class DerivedIndexBackend implements SearchBackend {
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopListening: (() => Promise<void>) | null = null;
  private pending: Promise<SyncResult> | null = null;
  private closed = false;
  private prunedAt = -Infinity;

  private constructor(
    private readonly local: LocalIndexFile,
    private readonly fts: SqliteFts5Backend,
    private readonly options: DerivedIndexOptions,
  ) {}

  /** Opens the index file; start() then brings it up to date and follows the feed. */
  static async open(options: DerivedIndexOptions): Promise<DerivedIndexBackend> {
    const local = await openLocalIndex(options.file);
    const fts = new SqliteFts5Backend(
      local.db,
      options.weights ?? DEFAULT_WEIGHTS,
      options.categoryName,
      options.onWrite,
    );
    return new DerivedIndexBackend(local, fts, options);
  }

  /** Catches up (rebuilding when needed), then polls and listens. */
  async start(): Promise<SyncResult> {
    const result = await this.syncNow();
    if (this.options.pollMs > 0) {
      this.timer = setInterval(() => this.wake(), this.options.pollMs);
      this.timer.unref();
    }
    this.stopListening = this.options.listen?.(() => this.wake()) ?? null;
    return result;
  }

  /** Syncs soon; calls made while a sync waits to start share it. */
  wake(): void {
    if (this.closed) return;
    void this.syncNow().catch((err) => this.options.onError?.(err));
  }

  /** Applies every change of ended transactions (after a rebuild when needed). */
  syncNow(): Promise<SyncResult> {
    this.pending ??= this.serial(async () => {
      this.pending = null;
      return this.sync();
    });
    return this.pending;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.stopListening?.();
    await this.queue.catch(() => {});
    await this.local.close();
  }

  search(query: BackendQuery): Promise<BackendHit[]> {
    return this.fts.search(query);
  }

  highlights(paperIds: string[], match: string): Promise<Map<string, Highlight>> {
    return this.fts.highlights(paperIds, match);
  }

  filterPapers(paperIds: string[], filters: SearchFilters, exclude: string | null): Promise<string[]> {
    return this.fts.filterPapers(paperIds, filters, exclude);
  }

  moreLikeThis(paperId: string, limit: number): Promise<BackendHit[]> {
    return this.fts.moreLikeThis(paperId, limit);
  }

  /**
   * Every write to papers, authors and categories reaches the feed through triggers in the writing
   * transaction, so nothing is lost here either way. Inside a transaction (`within`) the data is
   * not committed yet: the feed's NOTIFY wakes every node at commit. Outside one the papers are
   * committed, and are copied now, so the caller reads its own writes.
   */
  async indexPapers(paperIds: string[], within?: Kysely<Database>): Promise<void> {
    if (paperIds.length === 0 || within?.isTransaction) return;
    await this.serial(() => this.apply(paperIds));
  }

  /** Bulk imports: the same as indexPapers (the feed carries the new papers). */
  indexNewPapers(papers: { arxivId: string }[], within?: Kysely<Database>): Promise<void> {
    return this.indexPapers(
      papers.map((p) => p.arxivId),
      within,
    );
  }

  rebuild(): Promise<number> {
    return this.serial(async () => {
      await this.fullRebuild();
      return this.fts.count();
    });
  }

  count(): Promise<number> {
    return this.fts.count();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new Error('search index closed');
      return fn();
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private async sync(): Promise<SyncResult> {
    const result = await this.follow();
    if (performance.now() - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = performance.now();
      await this.options.feed.prune(this.options.retentionMs ?? DEFAULT_RETENTION_MS);
    }
    return result;
  }

  private async follow(): Promise<SyncResult> {
    const feed = await this.options.feed.state();
    const state = await readIndexState(this.local.db);
    if (
      state === null ||
      state.databaseId !== feed.databaseId ||
      (feed.pruned !== null && cursorBefore(state.cursor, feed.pruned))
    ) {
      const applied = await this.fullRebuild();
      return { rebuilt: true, applied };
    }
    let cursor = state.cursor;
    let applied = 0;
    for (;;) {
      const batch = await this.options.feed.read(cursor, this.options.batch ?? 1000);
      if (batch.everything) {
        return { rebuilt: true, applied: applied + (await this.fullRebuild()) };
      }
      const next = batch.cursor;
      if (next === cursor) return { rebuilt: false, applied };
      await this.apply(batch.paperIds, { databaseId: feed.databaseId, cursor: next });
      applied += batch.paperIds.length;
      cursor = next;
      if (!batch.full) return { rebuilt: false, applied };
    }
  }

  /** Copies the papers' current rows, in one local transaction with the new cursor (if any). */
  private async apply(ids: string[], advance?: { databaseId: string; cursor: FeedCursor }): Promise<number> {
    await this.local.db.transaction().execute(async (trx) => {
      // A write first: takes the file's write lock before anything is read (see the header).
      await sql`UPDATE index_state SET singleton = 1`.execute(trx);
      const rows = await this.options.feed.papers(ids);
      await removePapers(trx, ids);
      await insertPapers(trx, rows);
      await this.fts.indexPapers(
        rows.map((r) => r.id),
        trx,
      );
      if (advance) await writeIndexState(trx, advance);
    });
    if (ids.length > 0) this.options.onWrite?.();
    return ids.length;
  }

  /** Replaces the whole index with one consistent snapshot of PostgreSQL. */
  private async fullRebuild(): Promise<number> {
    const feed = await this.options.feed.state();
    let total = 0;
    await this.local.db.transaction().execute(async (trx) => {
      await writeIndexState(trx, null);
      await sql`DELETE FROM paper_fts`.execute(trx);
      for (const table of ['paper_authors', 'paper_categories', 'papers']) {
        await sql`DELETE FROM ${sql.table(table)}`.execute(trx);
      }
      const { cursor } = await this.options.feed.snapshot(async (reader) => {
        for (let after = 0; ;) {
          const rows = await reader.page(after, REBUILD_PAGE);
          if (rows.length === 0) return;
          await insertPapers(trx, rows);
          await this.fts.indexNewPapers(
            rows.map((r) => ({
              arxivId: r.id,
              title: r.title,
              abstract: r.abstract,
              authors: r.authors.map((a) => a.name),
              categories: r.categories.map((c) => c.category),
            })),
            trx,
          );
          total += rows.length;
          after = rows.at(-1)!.key;
        }
      });
      await writeIndexState(trx, { databaseId: feed.databaseId, cursor });
    });
    await sql`INSERT INTO paper_fts(paper_fts) VALUES ('optimize')`.execute(this.local.db);
    this.options.onWrite?.();
    return total;
  }
}

async function removePapers(trx: Kysely<Database>, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const list = sql.join(chunk);
    await sql`DELETE FROM paper_fts WHERE rowid IN (SELECT rowid FROM papers WHERE id IN (${list}))`.execute(
      trx,
    );
    await sql`DELETE FROM paper_authors WHERE paper_id IN (${list})`.execute(trx);
    await sql`DELETE FROM paper_categories WHERE paper_id IN (${list})`.execute(trx);
    await sql`DELETE FROM papers WHERE id IN (${list})`.execute(trx);
  }
}

/** Rows per multi-row INSERT: at most 7 parameters each, well under SQLite's 32,766. */
const INSERT_ROWS = 1000;

async function insertPapers(trx: Kysely<Database>, rows: IndexedPaperRow[]): Promise<void> {
  const papers = rows.map(
    (r) => sql`(${r.key}, ${r.id}, ${r.title}, ${r.abstract}, ${r.submittedAt}, ${r.upvotes}, ${r.codeUrl})`,
  );
  const authors = rows.flatMap((r) => r.authors.map((a) => sql`(${r.id}, ${a.position}, ${a.name})`));
  const categories = rows.flatMap((r) =>
    r.categories.map((c) => sql`(${r.id}, ${c.position}, ${c.category})`),
  );
  for (let i = 0; i < papers.length; i += INSERT_ROWS) {
    await sql`INSERT INTO papers (rowid, id, title, abstract, submitted_at, upvotes, code_url)
      VALUES ${sql.join(papers.slice(i, i + INSERT_ROWS))}`.execute(trx);
  }
  for (let i = 0; i < authors.length; i += INSERT_ROWS) {
    await sql`INSERT INTO paper_authors (paper_id, position, name)
      VALUES ${sql.join(authors.slice(i, i + INSERT_ROWS))}`.execute(trx);
  }
  for (let i = 0; i < categories.length; i += INSERT_ROWS) {
    await sql`INSERT INTO paper_categories (paper_id, position, category)
      VALUES ${sql.join(categories.slice(i, i + INSERT_ROWS))}`.execute(trx);
  }
}
