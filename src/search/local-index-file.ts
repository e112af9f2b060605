// The file of a node-local search index (PostgreSQL deployments): an SQLite database holding the
// search-relevant columns of the visible papers, their authors and categories, the FTS5 table of
// migration 0002 over them, and which PostgreSQL database and feed position the copy reflects.
// SqliteFts5Backend runs on it unchanged: the same ranking code as a SQLite deployment.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { sqliteSearchMigration } from '../db/migrations/0002-search-sqlite.ts';
import type { FeedCursor } from '../db/search-change-feed.ts';
import { loadBm25Extension } from './bm25-extension.ts';

/** Bumped when the layout below changes: an older file is then rebuilt from scratch. */
const LAYOUT_VERSION = 1;

export interface IndexState {
  databaseId: string;
  cursor: FeedCursor;
}

export interface LocalIndexFile {
  db: Kysely<Database>;
  close(): Promise<void>;
}

/** Opens (or creates) the index file; a damaged or outdated file is replaced by an empty one. */
export async function openLocalIndex(file: string): Promise<LocalIndexFile> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    return await open(file);
  } catch (err) {
    if (file === ':memory:') throw err;
    // Derived data only: nothing is lost by starting over (the next sync rebuilds it).
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    return open(file);
  }
}

async function open(file: string): Promise<LocalIndexFile> {
  const sqlite = new BetterSqlite3(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 10000');
    const version = Number(sqlite.pragma('user_version', { simple: true }));
    if (version !== 0 && version !== LAYOUT_VERSION) throw new Error(`index layout ${version}`);
  } catch (err) {
    sqlite.close();
    throw err;
  }
  loadBm25Extension(sqlite);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    plugins: [new CamelCasePlugin()],
  });
  try {
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM sqlite_master WHERE name = 'paper_fts'`.execute(db);
    if (Number(rows[0]!.n) === 0) await createLayout(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, close: () => db.destroy() };
}

async function createLayout(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // rowid = search_keys.key in PostgreSQL, so every node's index has the same rowids.
    await sql`CREATE TABLE papers (id TEXT PRIMARY KEY, title TEXT NOT NULL, abstract TEXT NOT NULL,
      submitted_at TEXT NOT NULL, upvotes INTEGER NOT NULL, code_url TEXT, hidden_at TEXT)`.execute(trx);
    await sql`CREATE INDEX papers_submitted_at ON papers (submitted_at)`.execute(trx);
    await sql`CREATE TABLE paper_authors (paper_id TEXT NOT NULL, position INTEGER NOT NULL,
      name TEXT NOT NULL, PRIMARY KEY (paper_id, position))`.execute(trx);
    await sql`CREATE TABLE paper_categories (paper_id TEXT NOT NULL, position INTEGER NOT NULL,
      category TEXT NOT NULL, PRIMARY KEY (paper_id, position))`.execute(trx);
    await sql`CREATE INDEX paper_categories_category ON paper_categories (category, paper_id)`.execute(trx);
    await sql`CREATE TABLE index_state (singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
      database_id TEXT NOT NULL, cursor_xid TEXT NOT NULL, cursor_seq INTEGER NOT NULL)`.execute(trx);
    await sqliteSearchMigration().up(trx as unknown as Kysely<unknown>);
    await sql.raw(`PRAGMA user_version = ${LAYOUT_VERSION}`).execute(trx);
  });
}

export async function readIndexState(db: Kysely<Database>): Promise<IndexState | null> {
  const { rows } = await sql<{ databaseId: string; cursorXid: string; cursorSeq: number }>`
    SELECT database_id, cursor_xid, cursor_seq FROM index_state`.execute(db);
  const row = rows[0];
  return row
    ? { databaseId: row.databaseId, cursor: { xid: row.cursorXid, seq: Number(row.cursorSeq) } }
    : null;
}

export async function writeIndexState(db: Kysely<Database>, state: IndexState | null): Promise<void> {
  await sql`DELETE FROM index_state`.execute(db);
  if (state === null) return;
  await sql`INSERT INTO index_state (singleton, database_id, cursor_xid, cursor_seq)
    VALUES (1, ${state.databaseId}, ${state.cursor.xid}, ${state.cursor.seq})`.execute(db);
}
