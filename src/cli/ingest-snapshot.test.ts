// `paperboy ingest snapshot` as a real child process: the crash test (SIGKILL mid-import, rerun,
// compare with an uninterrupted import), the summary of bad lines, progress on stderr, exit codes.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSnapshotFile } from '../../bench/snapshot-generator.ts';
import { cleanEnv, finished } from '../../test/helpers/arxiv-cli.ts';
import type { CliResult } from '../../test/helpers/arxiv-cli.ts';
import { dumpDatabase } from '../../test/helpers/db-dump.ts';

const ENTRY = path.resolve(import.meta.dirname, '../../test/helpers/snapshot-cli-entry.ts');
const REAL = path.resolve(
  import.meta.dirname,
  '../../../shared/data/arxiv/kaggle-snapshot/arxiv-metadata-oai-snapshot.head200.jsonl',
);
const RECORDS = 50_000;
const BATCH = '2000';

let root = '';
let generated = '';
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-snapshot-cli-'));
  generated = path.join(root, 'arxiv-metadata-oai-snapshot.json');
  await writeSnapshotFile(generated, RECORDS, 7);
}, 120_000);
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function dataDir(name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function spawnCli(args: string[], dir: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ENTRY, 'ingest', 'snapshot', ...args], {
    env: cleanEnv({ PAPERBOY_DATA_DIR: dir }),
    stdio: 'pipe',
  });
}

function runCli(args: string[], dir: string): Promise<CliResult> {
  return finished(spawnCli(args, dir));
}

/** Whether the index of authors by name is there, and whether a note says it is to be built again. */
function nameIndex(dir: string): { index: boolean; note: boolean } {
  const db = new BetterSqlite3(path.join(dir, 'paperboy.db'), { readonly: true });
  try {
    const index = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'paper_authors_name'`).get();
    const note = db
      .prepare(`SELECT 1 FROM ingest_state WHERE source = 'bulk-session:deferred-indexes'`)
      .get();
    return { index: index !== undefined, note: note !== undefined };
  } finally {
    db.close();
  }
}

/** The committed checkpoint of the import in `dir`, read as another process would. */
function committedLines(dir: string): { lines: number; done: boolean } | null {
  const file = path.join(dir, 'paperboy.db');
  if (!fs.existsSync(file)) return null;
  try {
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      const row = db.prepare(`SELECT state FROM ingest_state WHERE source LIKE 'snapshot:%'`).get() as
        { state: string } | undefined;
      return row ? (JSON.parse(row.state) as { lines: number; done: boolean }) : null;
    } finally {
      db.close();
    }
  } catch {
    return null; // not migrated yet
  }
}

describe('paperboy ingest snapshot', () => {
  it('killed with SIGKILL mid-import and run again, ends with the database of an uninterrupted import', async () => {
    const whole = dataDir('whole');
    const uninterrupted = await runCli([generated, '--batch-size', BATCH], whole);
    expect(uninterrupted.stderr).not.toContain('paperboy:');
    expect(uninterrupted.code).toBe(0);
    expect(uninterrupted.stdout).toContain(
      `${RECORDS.toLocaleString('en-US')} new, 0 updated, 0 unchanged, 0 skipped`,
    );

    const crashed = dataDir('crashed');
    const child = spawnCli([generated, '--batch-size', BATCH], crashed);
    const exited = finished(child);
    let seen: { lines: number; done: boolean } | null = null;
    for (;;) {
      seen = committedLines(crashed);
      if ((seen && seen.lines >= 6000) || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    const killed = await exited;
    expect(killed.signal).toBe('SIGKILL');
    const atKill = committedLines(crashed)!;
    expect(atKill.done).toBe(false);
    expect(atKill.lines).toBeGreaterThanOrEqual(6000);
    expect(atKill.lines).toBeLessThan(RECORDS);
    // The index of author names is built after the import; the killed run left a note to build it.
    expect(nameIndex(crashed)).toEqual({ index: false, note: true });

    const resumed = await runCli([generated, '--batch-size', BATCH], crashed);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resumed after line [\d,]+\./);
    expect(resumed.stdout).toContain(
      `${RECORDS.toLocaleString('en-US')} new, 0 updated, 0 unchanged, 0 skipped`,
    );

    expect(nameIndex(crashed)).toEqual({ index: true, note: false });
    expect(nameIndex(whole)).toEqual({ index: true, note: false });
    const expected = dumpDatabase(path.join(whole, 'paperboy.db'));
    expect(expected.papers).toHaveLength(RECORDS);
    expect(expected.paper_fts).toHaveLength(RECORDS);
    expect(dumpDatabase(path.join(crashed, 'paperboy.db'))).toEqual(expected);
  }, 300_000);

  it('lists skipped lines by number, shows progress on stderr, and knows a file it imported', async () => {
    const lines = fs.readFileSync(REAL, 'utf8').split('\n').filter(Boolean);
    const file = path.join(root, 'damaged.jsonl');
    fs.writeFileSync(file, [lines[0], '{"id":"0704.0002","tit', lines[2], '{}', ''].join('\n'));
    const dir = dataDir('damaged');
    const r = await runCli([file], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 lines, 2 new, 0 updated, 0 unchanged, 2 skipped.');
    expect(r.stdout).toContain('Skipped lines (first 2 of 2):');
    expect(r.stdout).toMatch(/ {2}line 2: malformed JSON/);
    expect(r.stdout).toContain('  line 4: missing id');
    expect(r.stderr).toMatch(/^snapshot 100\.0% 2 records [\d,]+\/s ETA 0s$/m);

    const again = await runCli([file], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('was imported completely before (4 lines, 2 new');
  }, 60_000);

  it('fails with a clear message on a missing file, a bad option or a file with no record', async () => {
    const dir = dataDir('errors');
    const missing = await runCli([path.join(root, 'nope.json')], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('paperboy: ingest snapshot: cannot read');
    expect(missing.stderr).toContain('ENOENT');

    const badBatch = await runCli([REAL, '--batch-size', '7'], dir);
    expect(badBatch.code).toBe(1);
    expect(badBatch.stderr).toContain('--batch-size must be 100-100000, got 7');

    const csv = path.join(root, 'papers.csv');
    fs.writeFileSync(csv, 'id,title\n0704.0001,Calculation\n');
    const notSnapshot = await runCli([csv], dir);
    expect(notSnapshot.code).toBe(1);
    expect(notSnapshot.stderr).toContain('holds no usable record (2 lines skipped)');
  }, 60_000);
});
