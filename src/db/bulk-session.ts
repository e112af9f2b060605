// SQLite settings for a bulk import, on the importing connection only and put back at the end:
// - a 128 MiB page cache instead of 16 MiB: at a million papers the indexes (authors by name, the
//   FTS5 segments) no longer fit the default cache, and each miss is a read, often a spilled page
//   written twice; measured: 9,200 instead of 8,000 papers/s on a 1M import;
// - background WAL checkpoints: normally the connection that commits also copies the WAL into the
//   database file (auto-checkpoint), an eighth of the writer's time. Here a worker thread with its
//   own connection copies it while the writer goes on, and every few commits the writer waits for
//   the copy to finish so that its next transaction starts the WAL afresh (SQLite restarts the WAL
//   only when all of it has been copied), which keeps the WAL to a few transactions. Checkpoints are
//   always safe: a killed process loses nothing that was committed;
// - the index of authors by name is dropped and built again at the end: names arrive in random
//   order, so each batch of 10,000 papers touched nearly every page of it (at a million papers it
//   was rewritten whole with every batch, 13% of the writer's time); building it once takes seconds.
//   Its definition is kept in ingest_state in the same transaction as the drop, so an import killed
//   in between leaves a note the next import uses to build it again (nothing reads it by name yet).
// Other backends have none of this: there this does nothing.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { DatabaseHandle, DatabaseTarget } from './database.ts';
import { IngestStateRepository } from './repositories/ingest-state-repository.ts';
import { withTransaction } from './transaction.ts';

export interface BulkSession {
  /** Call after each commit; now and then it waits for the copy, to keep the WAL short. */
  committed(): Promise<void>;
  /** Stops the worker and puts the connection's settings back. */
  end(): Promise<void>;
}

/** Page cache for the import, in KiB (SQLite's notation: negative). */
const BULK_CACHE = -128 * 1024;
/** Indexes built after the import instead of during it; where their SQL waits meanwhile. */
const DEFERRED_INDEXES = ['paper_authors_name'];
export const DEFERRED_KEY = 'bulk-session:deferred-indexes';
/** Commits between waits for the copy: the WAL holds at most about this many transactions. */
const WAIT_EVERY = 4;

const NOTHING: BulkSession = { committed: async () => {}, end: async () => {} };

// The worker is plain JavaScript: it only needs better-sqlite3 and runs no TypeScript.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
parentPort.on('message', (seq) => {
  if (seq === 'stop') { db.close(); parentPort.close(); return; }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ seq });
  } catch (err) {
    parentPort.postMessage({ seq, error: String(err && err.message || err) });
  }
});
`;

export async function startBulkSession(handle: DatabaseHandle, target: DatabaseTarget): Promise<BulkSession> {
  if (handle.dialect.name !== 'sqlite' || target.kind !== 'sqlite' || target.file === ':memory:')
    return NOTHING;
  await deferIndexes(handle);
  const worker = new Worker(WORKER_CODE, {
    eval: true,
    workerData: { file: target.file, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
  });
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let failure: Error | null = null;
  const fail = (err: Error) => {
    failure ??= err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (m: { seq: number; error?: string }) => {
    const w = waiting.get(m.seq);
    waiting.delete(m.seq);
    if (m.error !== undefined) fail(new Error(`background WAL checkpoint: ${m.error}`));
    else w?.resolve();
  });
  let exited = false;
  worker.on('error', fail);
  worker.on('exit', () => {
    exited = true;
    fail(new Error('background WAL checkpoint: the worker stopped'));
  });
  const before = await settings(handle);
  await sql`PRAGMA wal_autocheckpoint = 0`.execute(handle.db);
  await sql.raw(`PRAGMA cache_size = ${BULK_CACHE}`).execute(handle.db);
  let seq = 0;
  return {
    async committed() {
      if (failure) throw failure;
      seq += 1;
      const done = new Promise<void>((resolve, reject) => waiting.set(seq, { resolve, reject }));
      worker.postMessage(seq);
      if (seq % WAIT_EVERY === 0) await done;
      else done.catch(() => {}); // reported by the next wait or committed()
    },
    async end() {
      if (!exited) {
        const gone = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.postMessage('stop');
        await gone;
      }
      await sql.raw(`PRAGMA wal_autocheckpoint = ${before.walAutocheckpoint}`).execute(handle.db);
      await sql.raw(`PRAGMA cache_size = ${before.cacheSize}`).execute(handle.db);
      await restoreIndexes(handle);
    },
  };
}

/** Drops the deferred indexes, keeping their SQL in ingest_state (once: a killed session left it). */
async function deferIndexes(handle: DatabaseHandle): Promise<void> {
  await withTransaction(handle, async (tx) => {
    const { rows } = await sql<{ sql: string }>`
      SELECT sql FROM sqlite_master WHERE type = 'index' AND name IN (${sql.join(DEFERRED_INDEXES)})`.execute(
      tx.db,
    );
    if (rows.length === 0) return;
    const state = new IngestStateRepository(tx);
    const kept = (await state.get<string[]>(DEFERRED_KEY)) ?? [];
    await state.set(DEFERRED_KEY, [...kept, ...rows.map((r) => r.sql)], new Date().toISOString());
    for (const name of DEFERRED_INDEXES) await sql`DROP INDEX IF EXISTS ${sql.id(name)}`.execute(tx.db);
  });
}

/** Builds the deferred indexes again from their kept SQL. */
async function restoreIndexes(handle: DatabaseHandle): Promise<void> {
  await withTransaction(handle, async (tx) => {
    const state = new IngestStateRepository(tx);
    const kept = await state.get<string[]>(DEFERRED_KEY);
    if (!kept) return;
    for (const text of kept) {
      await sql.raw(text.replace(/^CREATE INDEX /i, 'CREATE INDEX IF NOT EXISTS ')).execute(tx.db);
    }
    await state.clear(DEFERRED_KEY);
  });
}

async function settings(handle: DatabaseHandle): Promise<{ walAutocheckpoint: number; cacheSize: number }> {
  const wal = await sql<{ walAutocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(handle.db);
  const cache = await sql<{ cacheSize: number }>`PRAGMA cache_size`.execute(handle.db);
  const walAutocheckpoint = Number(wal.rows[0]?.walAutocheckpoint);
  const cacheSize = Number(cache.rows[0]?.cacheSize);
  if (!Number.isInteger(walAutocheckpoint) || !Number.isInteger(cacheSize)) {
    throw new Error('bulk session: cannot read the connection settings');
  }
  return { walAutocheckpoint, cacheSize };
}
