// `paperboy ingest snapshot FILE`: bulk import of the arXiv metadata snapshot (JSON lines), with a
// progress bar on stderr and a summary on stdout. Resumes by itself: the same file given again
// continues after the last committed line. Ctrl-C stops after the batch being written.
import fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.ts';
import type { Config } from '../config/config.ts';
import { startBulkSession } from '../db/bulk-session.ts';
import type {
  SnapshotImportOptions,
  SnapshotImportResult,
  SnapshotTotals,
} from '../ingest/snapshot-import.ts';
import { DEFAULT_BATCH_SIZE, importSnapshot } from '../ingest/snapshot-import.ts';
import { createContainer } from '../main/container.ts';
import { ProgressBar, formatDuration } from './progress-bar.ts';

interface SnapshotOptions {
  restart?: boolean;
  batchSize: string;
}

const HELP = `
The file is arXiv's metadata snapshot as Kaggle publishes it ("Cornell-University/arxiv",
arxiv-metadata-oai-snapshot.json: one JSON record per line, about 2.7M lines, 4.5 GB).

What the import does with the papers: stores them (paper pages /papers/ID, the API's paper list,
"all papers" by date) and indexes them for search. It does NOT put them on daily lists: those are
the community's picks of new papers. Imported papers can be submitted to a day's list like any other.
A paper already stored is updated only when the snapshot has a newer version or different metadata;
code links, organisations and votes from other sources are kept.

Resuming: every batch commits with a checkpoint (byte offset and counts) for this file (its size and
the hash of its first MiB), so after a crash or Ctrl-C the same command continues where it stopped.
Lines that are not a usable record (malformed JSON, no id or title) are skipped, counted and listed
by line number in the summary.`;

export function registerSnapshotCommand(ingest: Command): void {
  ingest
    .command('snapshot')
    .description('import the arXiv metadata snapshot (Kaggle JSON lines): searchable, not listed on days')
    .argument('<file>', 'the snapshot file, e.g. arxiv-metadata-oai-snapshot.json')
    .option('--restart', 'start from the first line even if an earlier run of this file stopped part-way')
    .option(
      '--batch-size <n>',
      'lines per transaction and checkpoint, 100-100000',
      String(DEFAULT_BATCH_SIZE),
    )
    .addHelpText('after', HELP)
    .action(async (file: string, opts: SnapshotOptions) => {
      await runSnapshotCommand(file, opts);
    });
}

async function runSnapshotCommand(file: string, opts: SnapshotOptions): Promise<void> {
  const batchSize = Number(opts.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 100 || batchSize > 100_000) {
    throw new Error(`ingest snapshot: --batch-size must be 100-100000, got ${opts.batchSize}`);
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new Error(`ingest snapshot: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  if (!stat.isFile()) throw new Error(`ingest snapshot: ${file} is not a file`);
  if (stat.size === 0) throw new Error(`ingest snapshot: ${file} is empty`);

  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130); // a second Ctrl-C: the open batch rolls back
    stop.abort();
    process.stderr.write('\nStopping after the batch being written (Ctrl-C again to stop now)…\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const bar = new ProgressBar(process.stderr, { label: 'snapshot', tty: process.stderr.isTTY === true });
  try {
    const result = await runSnapshotImport(loadConfig(process.env), {
      file,
      batchSize,
      restart: opts.restart === true,
      signal: stop.signal,
      onProgress: (p) => bar.update({ ...p, records: p.recordsThisRun }),
    });
    bar.finish();
    report(file, result);
  } finally {
    bar.finish();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The import as the command runs it (the benchmark runs this too): index, bulk session, cleanup. */
export async function runSnapshotImport(
  config: Config,
  options: Omit<SnapshotImportOptions, 'session'>,
): Promise<SnapshotImportResult> {
  const container = await createContainer(config);
  const db = container.database;
  // The container's backend: FTS5 in SQLite, or on PostgreSQL this node's derived index (the feed).
  const search = container.searchBackend;
  const session = await startBulkSession(db, config.database);
  try {
    return await importSnapshot(db, search, { ...options, session });
  } finally {
    await session.end();
    await container.close();
  }
}

function report(file: string, r: SnapshotImportResult): void {
  const t = r.totals;
  if (r.status === 'already-imported') {
    console.log(`Snapshot ${file} was imported completely before (${describe(t)}); nothing to do.`);
    console.log('Use --restart to read it again (papers already stored are left unchanged).');
    return;
  }
  const rate = r.seconds > 0 ? Math.round(r.recordsThisRun / r.seconds) : 0;
  const resumed = r.resumedAt ? `, resumed after line ${r.resumedAt.line.toLocaleString('en-US')}` : '';
  console.log(`Snapshot ${file}: ${describe(t)}.`);
  console.log(
    `This run: ${r.recordsThisRun.toLocaleString('en-US')} records in ${formatDuration(r.seconds)} ` +
      `(${rate.toLocaleString('en-US')} records/s)${resumed}.`,
  );
  if (t.skipped > 0) {
    console.log(`Skipped lines (first ${t.firstSkipped.length} of ${t.skipped.toLocaleString('en-US')}):`);
    for (const b of t.firstSkipped) console.log(`  line ${b.line}${b.id ? ` (${b.id})` : ''}: ${b.reason}`);
  }
  if (r.status === 'interrupted') {
    console.log(`Interrupted after line ${t.lines.toLocaleString('en-US')}: run the same command to resume.`);
    process.exitCode = 130;
  } else if (t.inserted + t.updated + t.unchanged === 0) {
    throw new Error(`ingest snapshot: ${file} holds no usable record (${t.skipped} lines skipped)`);
  }
}

function describe(t: SnapshotTotals): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `${n(t.lines)} lines, ${n(t.inserted)} new, ${n(t.updated)} updated, ${n(t.unchanged)} unchanged, ${n(t.skipped)} skipped`;
}
