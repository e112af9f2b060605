// Bulk import of the arXiv metadata snapshot (Kaggle "Cornell-University/arxiv", ~2.7M JSON lines):
// streamed in batches, each batch's papers, search index entries and checkpoint committed in one
// transaction, so an import killed at any moment resumes exactly after the last committed line.
//
// What an import makes of a paper: it is stored (paper page, API, "all papers" list) and searchable,
// and can be submitted to a day's list like any paper. It is NOT entered into a daily listing: the
// daily lists are the community's picks of new papers, and 2.7M papers of 30 years are not news.
//
// Work is split over two threads: a worker reads and parses (snapshot-parse-worker.ts) while this
// thread writes (BulkPaperWriter + the search index's bulk insert).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/database.ts';
import { BulkPaperWriter } from '../db/repositories/bulk-paper-writer.ts';
import { IngestStateRepository } from '../db/repositories/ingest-state-repository.ts';
import type { Database } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import type { PaperRecord } from '../domain/paper.ts';
import type { BadLine, LineBatch, LinePosition } from './snapshot-lines.ts';
import { readSnapshotBatches } from './snapshot-lines.ts';
import type { ParseWorkerData, ParseWorkerMessage } from './snapshot-parse-worker.ts';

/** The search index as the import uses it. */
export interface BulkSearchIndexer {
  indexPapers(ids: string[], within?: Kysely<Database>): Promise<void>;
  /** Papers that were just inserted and are not in the index yet. */
  indexNewPapers(papers: PaperRecord[], within?: Kysely<Database>): Promise<void>;
  /** Settings for loading much at once; the returned function undoes them. */
  tuneForBulkLoad?(): Promise<() => Promise<void>>;
}

export interface SnapshotImportOptions {
  file: string;
  /** Lines per transaction. */
  batchSize?: number;
  /** Start from the first line even when a checkpoint says part of the file is in. */
  restart?: boolean;
  /** Parse in a worker thread (default); false parses on this thread. */
  worker?: boolean;
  now?: () => Date;
  onProgress?: (p: SnapshotProgress) => void;
  /** Stops after the batch being written when aborted. */
  signal?: AbortSignal;
  /** Told of every commit (background WAL checkpoints on SQLite; see db/bulk-session.ts). */
  session?: { committed(): Promise<void> };
}

export interface SnapshotTotals {
  /** Lines read so far, blank ones included. */
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** The first few skipped lines with their reasons. */
  firstSkipped: BadLine[];
}

/** What a checkpoint stores, per file. */
export interface SnapshotState extends SnapshotTotals {
  file: string;
  size: number;
  /** Byte offset just after the last committed line. */
  offset: number;
  done: boolean;
}

export interface SnapshotProgress {
  bytesDone: number;
  bytesTotal: number;
  /** Where this run started. */
  bytesAtStart: number;
  /** Lines with a record written by this run. */
  recordsThisRun: number;
  elapsedMs: number;
  totals: SnapshotTotals;
}

export interface SnapshotImportResult {
  status: 'completed' | 'already-imported' | 'interrupted';
  /** The checkpoint key of the file (ingest_state.source). */
  source: string;
  /** Where this run started, when it resumed a previous one. */
  resumedAt: LinePosition | null;
  /** Over every run of this file. */
  totals: SnapshotTotals;
  recordsThisRun: number;
  seconds: number;
}

export const DEFAULT_BATCH_SIZE = 10_000;
const KEPT_BAD_LINES = 10;
/** A file whose first lines hold no record at all is not a snapshot: stop before reading 4 GB. */
const GIVE_UP_AFTER_BAD = 1_000;
const HEAD_BYTES = 2 ** 20;
/** Parsed batches waiting for the writer (memory is about this many batches plus one). */
const BATCHES_AHEAD = 1;

/**
 * The file's identity for checkpoints: its size and a hash of its first MiB, so a moved or touched
 * file resumes, and a newer snapshot (a different size) starts afresh.
 */
export function snapshotSource(file: string): { source: string; size: number } {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    fs.readSync(fd, head, 0, head.length, 0);
    const hash = createHash('sha256').update(head).digest('hex').slice(0, 16);
    return { source: `snapshot:${size}:${hash}`, size };
  } finally {
    fs.closeSync(fd);
  }
}

export async function importSnapshot(
  handle: DatabaseHandle,
  search: BulkSearchIndexer,
  options: SnapshotImportOptions,
): Promise<SnapshotImportResult> {
  const started = performance.now();
  const { source, size } = snapshotSource(options.file);
  const states = new IngestStateRepository(handle);
  const saved = options.restart ? null : await states.get<SnapshotState>(source);
  if (saved?.done) {
    return {
      status: 'already-imported',
      source,
      resumedAt: null,
      totals: saved,
      recordsThisRun: 0,
      seconds: 0,
    };
  }
  if (saved) checkResumePoint(options.file, saved);
  const state: SnapshotState = saved ?? {
    file: path.resolve(options.file),
    size,
    offset: 0,
    done: false,
    lines: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    firstSkipped: [],
  };
  const untune = await search.tuneForBulkLoad?.();
  try {
    const run = await runBatches(handle, search, source, state, options, started);
    const seconds = (performance.now() - started) / 1000;
    const resumedAt = saved ? { offset: saved.offset, line: saved.lines } : null;
    if (run.interrupted) {
      return {
        status: 'interrupted',
        source,
        resumedAt,
        totals: run.state,
        recordsThisRun: run.records,
        seconds,
      };
    }
    const done = { ...run.state, done: true };
    await states.set(source, done, (options.now ?? (() => new Date()))().toISOString());
    return { status: 'completed', source, resumedAt, totals: done, recordsThisRun: run.records, seconds };
  } finally {
    await untune?.();
  }
}

/** Reads from the checkpoint on, committing batch after batch, until the end or an abort. */
async function runBatches(
  handle: DatabaseHandle,
  search: BulkSearchIndexer,
  source: string,
  initial: SnapshotState,
  options: SnapshotImportOptions,
  started: number,
): Promise<{ state: SnapshotState; records: number; interrupted: boolean }> {
  const now = options.now ?? (() => new Date());
  const start: LinePosition = { offset: initial.offset, line: initial.lines };
  const read = (options.worker ?? true) ? workerBatches : inlineBatches;
  let state = initial;
  let records = 0;
  for await (const batch of read(options.file, start, {
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
  })) {
    state = await commitBatch(handle, search, source, state, batch, now());
    await options.session?.committed();
    records += batch.records.length;
    options.onProgress?.({
      bytesDone: state.offset,
      bytesTotal: state.size,
      bytesAtStart: start.offset,
      recordsThisRun: records,
      elapsedMs: performance.now() - started,
      totals: state,
    });
    if (state.inserted + state.updated + state.unchanged === 0 && state.skipped >= GIVE_UP_AFTER_BAD) {
      const first = state.firstSkipped[0];
      throw new Error(
        `${options.file}: the first ${state.skipped} lines hold no snapshot record` +
          `${first ? ` (line ${first.line}: ${first.reason})` : ''}; is it the arXiv metadata snapshot (JSON lines)?`,
      );
    }
    if (options.signal?.aborted) return { state, records, interrupted: true };
  }
  return { state, records, interrupted: false };
}

/** A checkpoint's offset must be a line start of this file, or the file is not the one it was. */
function checkResumePoint(file: string, saved: SnapshotState): void {
  if (saved.offset === 0) return;
  const fd = fs.openSync(file, 'r');
  try {
    const before = Buffer.alloc(1);
    fs.readSync(fd, before, 0, 1, saved.offset - 1);
    if (before[0] !== 0x0a && saved.offset !== saved.size) {
      throw new Error(
        `${file}: the checkpoint (byte ${saved.offset}, line ${saved.lines}) is not at a line start; ` +
          'the file changed since: use --restart',
      );
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Papers, their index entries and the checkpoint, in one transaction; the new state once committed. */
async function commitBatch(
  handle: DatabaseHandle,
  search: BulkSearchIndexer,
  source: string,
  state: SnapshotState,
  batch: LineBatch,
  at: Date,
): Promise<SnapshotState> {
  const stamp = at.toISOString();
  return withTransaction(handle, async (tx) => {
    const written = await new BulkPaperWriter(tx).write(
      batch.records.map((record) => ({ record, extras: { source: 'arxiv' } })),
      stamp,
    );
    await search.indexNewPapers(written.newPapers, tx.db);
    await search.indexPapers(
      written.changedPapers.map((p) => p.arxivId),
      tx.db,
    );
    const next: SnapshotState = {
      ...state,
      offset: batch.end.offset,
      lines: batch.end.line,
      inserted: state.inserted + written.inserted,
      updated: state.updated + written.updated,
      unchanged: state.unchanged + written.unchanged,
      skipped: state.skipped + batch.bad.length,
      firstSkipped: [...state.firstSkipped, ...batch.bad].slice(0, KEPT_BAD_LINES),
    };
    await new IngestStateRepository(tx).set(source, next, stamp);
    return next;
  });
}

async function* inlineBatches(
  file: string,
  start: LinePosition,
  options: { batchSize: number },
): AsyncGenerator<LineBatch> {
  yield* readSnapshotBatches(file, start, options);
}

/** Batches parsed by a worker thread; the worker is stopped when the consumer stops. */
async function* workerBatches(
  file: string,
  start: LinePosition,
  options: { batchSize: number },
): AsyncGenerator<LineBatch> {
  const worker = startParseWorker({ file, start, options, ahead: BATCHES_AHEAD });
  const queue: ParseWorkerMessage[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  worker.on('message', (m: ParseWorkerMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (err) => {
    failure = err;
    wake?.();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`the snapshot parser thread stopped (exit code ${code})`);
    wake?.();
  });
  try {
    for (;;) {
      while (queue.length === 0 && failure === null) await new Promise<void>((resolve) => (wake = resolve));
      const message = queue.shift();
      if (message === undefined) throw failure ?? new Error('the snapshot parser thread stopped');
      if (message.type === 'end') return;
      if (message.type === 'error') throw new Error(`${file}: ${message.message}`);
      worker.postMessage('more'); // parse the next batch while this one is written
      yield message.batch;
    }
  } finally {
    await worker.terminate();
  }
}

/** The worker runs TypeScript like the rest of paperboy: through tsx, registered in the thread. */
function startParseWorker(data: ParseWorkerData): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./snapshot-parse-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: data });
}
