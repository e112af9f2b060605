// Reads PostgreSQL's search change feed (migration 0007) for node-local search indexes.
//
// A position is (xid, seq): the writing transaction's id (xid8, as decimal text) and a sequence
// number. Both are assigned before commit, so a plain "greater than the last seen" cursor would skip
// rows that commit late with smaller positions. read() therefore takes only rows of transactions
// below its statement snapshot's xmin: all of those have ended (committed rows visible, aborted ones
// gone), and every transaction that can still write has an xid at or above that horizon, so nothing
// can later appear behind the cursor. An open transaction holds the horizon back: the feed then waits
// for it rather than skipping past it.
import pg from 'pg';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface FeedCursor {
  /** xid8 as decimal text ('0': before everything). */
  xid: string;
  seq: number;
}

export const FEED_START: FeedCursor = { xid: '0', seq: 0 };

export interface ChangeBatch {
  /** Distinct papers changed, in feed order. */
  paperIds: string[];
  /** A TRUNCATE: every paper may have changed. */
  everything: boolean;
  /** Where the next read starts. */
  cursor: FeedCursor;
  /** The batch was full: more rows may be waiting. */
  full: boolean;
}

/** A paper as the search index holds it. `key` is its stable index rowid (search_keys). */
export interface IndexedPaperRow {
  id: string;
  key: number;
  title: string;
  abstract: string;
  submittedAt: string;
  upvotes: number;
  codeUrl: string | null;
  authors: { position: number; name: string }[];
  categories: { position: number; category: string }[];
}

export interface FeedState {
  databaseId: string;
  /** Rows up to here were pruned; a cursor before it has missed changes. */
  pruned: FeedCursor | null;
}

export function cursorBefore(a: FeedCursor, b: FeedCursor): boolean {
  const ax = BigInt(a.xid);
  const bx = BigInt(b.xid);
  return ax < bx || (ax === bx && a.seq < b.seq);
}

export class SearchChangeFeed {
  constructor(private readonly db: Kysely<Database>) {}

  /** The database's identity and prune mark; created when missing (a database emptied by hand). */
  async state(): Promise<FeedState> {
    await sql`INSERT INTO search_feed (singleton, database_id) VALUES (1, gen_random_uuid()::text)
      ON CONFLICT (singleton) DO NOTHING`.execute(this.db);
    // The stored id plus the database's oid: a copy (CREATE DATABASE … TEMPLATE) keeps the row
    // but is another database, whose changes a node following the original has never seen.
    const { rows } = await sql<{ databaseId: string; prunedXid: string | null; prunedSeq: number | null }>`
      SELECT database_id || ':' || (SELECT oid FROM pg_database WHERE datname = current_database())::text
          AS database_id,
        pruned_xid::text AS pruned_xid, pruned_seq FROM search_feed`.execute(this.db);
    const row = rows[0]!;
    return {
      databaseId: row.databaseId,
      pruned: row.prunedXid === null ? null : { xid: row.prunedXid, seq: Number(row.prunedSeq) },
    };
  }

  /** Up to `limit` change rows after `after`, of ended transactions only (see above). */
  async read(after: FeedCursor, limit: number): Promise<ChangeBatch> {
    const { rows } = await sql<{ xid: string; seq: number; paperId: string | null }>`
      SELECT xid::text AS xid, seq, paper_id FROM search_changes
      WHERE (xid, seq) > (${after.xid}::xid8, ${after.seq}::bigint)
        AND xid < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY xid, seq LIMIT ${limit}`.execute(this.db);
    const ids = new Set<string>();
    let everything = false;
    for (const r of rows) {
      if (r.paperId === null) everything = true;
      else ids.add(r.paperId);
    }
    const last = rows.at(-1);
    return {
      paperIds: [...ids],
      everything,
      cursor: last ? { xid: last.xid, seq: Number(last.seq) } : after,
      full: rows.length === limit,
    };
  }

  /**
   * Runs `fn` on one consistent snapshot of the database (for a full rebuild) and returns the cursor
   * to follow the feed from afterwards: the snapshot's xmin, so transactions that had not ended when
   * it was taken are read again from the feed (applying a change twice is harmless).
   */
  async snapshot<T>(fn: (reader: SnapshotReader) => Promise<T>): Promise<{ result: T; cursor: FeedCursor }> {
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const { rows } = await sql<{ horizon: string }>`
          SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`.execute(trx);
        const result = await fn(new SnapshotReader(trx));
        return { result, cursor: { xid: rows[0]!.horizon, seq: 0 } };
      });
  }

  /** The current rows of the given papers; hidden and deleted ones are absent. */
  async papers(ids: string[]): Promise<IndexedPaperRow[]> {
    return new SnapshotReader(this.db).papers(ids);
  }

  /**
   * Deletes change rows older than `olderThanMs` and of ended transactions, and records how far
   * (a node whose cursor is behind that mark rebuilds). Returns the number of rows deleted.
   */
  async prune(olderThanMs: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ xid: string; seq: number; n: number }>`
        WITH gone AS (
          DELETE FROM search_changes
          WHERE at < now() - make_interval(secs => ${olderThanMs / 1000})
            AND xid < pg_snapshot_xmin(pg_current_snapshot())
          RETURNING xid, seq
        )
        SELECT (SELECT count(*) FROM gone) AS n, g.xid::text AS xid, g.seq FROM gone g
        ORDER BY g.xid DESC, g.seq DESC LIMIT 1`.execute(trx);
      const row = rows[0];
      if (!row) return 0;
      await sql`UPDATE search_feed SET pruned_xid = ${row.xid}::xid8, pruned_seq = ${row.seq}
        WHERE pruned_xid IS NULL OR (pruned_xid, pruned_seq) < (${row.xid}::xid8, ${row.seq}::bigint)`.execute(
        trx,
      );
      return Number(row.n);
    });
  }
}

/** Reads papers for the index, inside a snapshot or on the pool. */
export class SnapshotReader {
  constructor(private readonly db: Kysely<Database>) {}

  /** Up to `limit` visible papers with keys above `afterKey`, in key order. */
  async page(afterKey: number, limit: number): Promise<IndexedPaperRow[]> {
    return this.select(sql`k.key > ${afterKey}`, sql`ORDER BY k.key LIMIT ${limit}`);
  }

  async papers(ids: string[]): Promise<IndexedPaperRow[]> {
    if (ids.length === 0) return [];
    return this.select(sql`p.id = ANY(${ids}::text[])`, sql`ORDER BY k.key`);
  }

  private async select(
    where: ReturnType<typeof sql>,
    tail: ReturnType<typeof sql>,
  ): Promise<IndexedPaperRow[]> {
    const { rows } = await sql<IndexedPaperRow>`
      SELECT p.id, k.key, p.title, p.abstract, p.submitted_at, p.upvotes, p.code_url,
        COALESCE((SELECT json_agg(json_build_object('position', a.position, 'name', a.name) ORDER BY a.position)
          FROM paper_authors a WHERE a.paper_id = p.id), '[]') AS authors,
        COALESCE((SELECT json_agg(json_build_object('position', c.position, 'category', c.category) ORDER BY c.position)
          FROM paper_categories c WHERE c.paper_id = p.id), '[]') AS categories
      FROM papers p JOIN search_keys k ON k.paper_id = p.id
      WHERE p.hidden_at IS NULL AND ${where} ${tail}`.execute(this.db);
    return rows.map((r) => ({ ...r, key: Number(r.key), upvotes: Number(r.upvotes) }));
  }
}

/**
 * LISTENs for the feed's NOTIFY (sent at commit) and calls `onChange`; a wake-up only, the poll
 * stays the guarantee. Reconnects after a lost connection. Returns a function that stops it.
 */
export function listenForChanges(
  url: string,
  onChange: () => void,
  onError: (err: unknown) => void,
): () => Promise<void> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  const again = (err: unknown) => {
    onError(err);
    void client?.end().catch(() => {});
    client = null;
    if (!stopped && retry === null) {
      retry = setTimeout(() => {
        retry = null;
        void connect().catch(again);
      }, 1000);
      retry.unref();
    }
  };
  const connect = async () => {
    const c = new pg.Client({ connectionString: url, application_name: 'paperboy-search-listen' });
    client = c;
    c.on('notification', () => onChange());
    c.on('error', again);
    await c.connect();
    if (stopped) return void (await c.end());
    await c.query('LISTEN search_changes');
    onChange(); // changes made while not listening
  };
  void connect().catch(again);
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}
