// Background WAL checkpoints for bulk writes on SQLite. Normally the connection that commits also
// copies the WAL into the database file (auto-checkpoint), which for an import of millions of papers
// is an eighth of the writer's time. Here a worker thread with its own connection copies it while
// the writer goes on, and every few commits the writer waits for the copy to finish so that its next
// transaction starts the WAL afresh (SQLite restarts the WAL only when all of it has been copied),
// which keeps the WAL to a few batches. Checkpoints are always safe: a killed process loses nothing
// that was committed. Other backends have no WAL to copy: there this does nothing.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { DatabaseHandle, DatabaseTarget } from './database.ts';

export interface BulkCheckpoints {
  /** Call after each commit; now and then it waits for the copy, to keep the WAL short. */
  committed(): Promise<void>;
  /** Stops the worker and gives the writer its auto-checkpoint back. */
  stop(): Promise<void>;
}

/** SQLite's default wal_autocheckpoint (pages), which database.ts leaves as it is. */
const AUTO_CHECKPOINT_PAGES = 1000;
/** Commits between waits for the copy: the WAL holds at most about this many transactions. */
const WAIT_EVERY = 4;

const NOTHING: BulkCheckpoints = { committed: async () => {}, stop: async () => {} };

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

export async function startBulkCheckpoints(
  handle: DatabaseHandle,
  target: DatabaseTarget,
): Promise<BulkCheckpoints> {
  if (handle.dialect.name !== 'sqlite' || target.kind !== 'sqlite' || target.file === ':memory:')
    return NOTHING;
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
  await sql`PRAGMA wal_autocheckpoint = 0`.execute(handle.db);
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
    async stop() {
      if (!exited) {
        const gone = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.postMessage('stop');
        await gone;
      }
      await sql.raw(`PRAGMA wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`).execute(handle.db);
    },
  };
}
