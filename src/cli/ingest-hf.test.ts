// `paperboy ingest hf` as a real child process: the command registered on an `ingest` command the way
// src/cli/main.ts wires it, with main's error handling (message on stderr, exit code 1).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HF_FILE = path.resolve(ROOT, '../shared/data/hf/daily_papers-2024-10-25.json');
const REAL = fs.readFileSync(HF_FILE, 'utf8');
const ENTRY = `
import { Command } from 'commander';
import { registerHfCommand } from ${JSON.stringify(path.join(ROOT, 'src/cli/ingest-hf.ts'))};
const program = new Command('paperboy');
registerHfCommand(program.command('ingest'));
try {
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
} catch (err) {
  console.error('paperboy: ' + (err instanceof Error ? err.message : String(err)));
  process.exit(1);
}
`;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], dataDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, PAPERBOY_DATA_DIR: dataDir };
  for (const name of ['BASE_URL', 'PORT', 'HOST', 'DATABASE_URL', 'LOG_LEVEL', 'PAPERBOY_DEMO'])
    delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ENTRY, ...args], {
    cwd: ROOT,
    env,
    stdio: 'pipe',
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

const cli = (args: string[], dataDir: string) => start(args, dataDir).done;

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-hf-cli-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The rows an import writes, ordered, without the columns that hold the wall-clock time of the run. */
function dump(dataDir: string): string {
  const db = new BetterSqlite3(path.join(dataDir, 'paperboy.db'), { readonly: true });
  try {
    const rows = (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
    const strip = (list: Record<string, unknown>[]) =>
      list.map(({ created_at: _c, modified_at: _m, ...rest }) => rest);
    return JSON.stringify({
      papers: strip(rows('SELECT * FROM papers ORDER BY id')),
      authors: rows('SELECT * FROM paper_authors ORDER BY paper_id, position'),
      versions: rows('SELECT * FROM paper_versions ORDER BY paper_id, version'),
      categories: rows('SELECT * FROM paper_categories ORDER BY paper_id, position'),
      listings: rows('SELECT * FROM listings ORDER BY paper_id'),
      users: strip(rows('SELECT * FROM users ORDER BY handle')),
      // Listings name submitters by id; ids may differ between databases, handles may not.
      submitters: rows(
        'SELECT l.paper_id, u.handle FROM listings l LEFT JOIN users u ON u.id = l.submitted_by ORDER BY l.paper_id',
      ),
      search: rows('SELECT p.id FROM paper_fts f JOIN papers p ON p.rowid = f.rowid ORDER BY p.id'),
    });
  } finally {
    db.close();
  }
}

/** Resolves once the count `sql` is positive in the importer's database, or the importer has exited. */
async function whenCount(dataDir: string, sql: string, exited: () => boolean): Promise<void> {
  while (!exited()) {
    try {
      const db = new BetterSqlite3(path.join(dataDir, 'paperboy.db'), {
        readonly: true,
        fileMustExist: true,
      });
      try {
        if ((db.prepare(sql).get() as { n: number }).n > 0) return;
      } finally {
        db.close();
      }
    } catch {
      // not created or not migrated yet
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

function migrationCount(dataDir: string): number {
  const db = new BetterSqlite3(path.join(dataDir, 'paperboy.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM kysely_migration').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

let server: http.Server;
let base: string;
const served: { url: string; at: number }[] = [];
let onServed: (() => void) | null = null;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    served.push({ url: req.url ?? '', at: Date.now() });
    if (req.url === '/html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end('<html><body>Rate limited</body></html>');
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(REAL, () => onServed?.());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('paperboy ingest hf', () => {
  it('imports a file, and a rerun updates in place', async () => {
    const dir = tempDir();
    const first = await cli(['ingest', 'hf', HF_FILE], dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      `Hugging Face daily papers from ${HF_FILE}: 29 items listed on 2024-10-25: inserted 29, updated 0, ` +
        'unchanged 0, skipped 0; 29 newly listed; submitters: 28 users (28 new).\n',
    );
    const before = dump(dir);
    const second = await cli(['ingest', 'hf', HF_FILE], dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('inserted 0, updated 29, unchanged 0, skipped 0; 0 newly listed');
    expect(second.stdout).toContain('submitters: 28 users (0 new)');
    expect(dump(dir)).toBe(before);
  });

  it('imports from a URL, and fails with a clear message on a non-JSON body or a missing file', async () => {
    const dir = tempDir();
    const ok = await cli(['ingest', 'hf', `${base}/api/daily_papers?date=2024-10-25`], dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('29 items listed on 2024-10-25: inserted 29');
    const html = await cli(['ingest', 'hf', `${base}/html`], dir);
    expect(html.code).toBe(1);
    expect(html.stderr).toBe(
      `paperboy: Hugging Face daily papers (${base}/html): expected JSON, got text/html; charset=utf-8: ` +
        '"<html><body>Rate limited</body></html>"\n',
    );
    const missing = await cli(['ingest', 'hf', path.join(dir, 'nope.json')], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read the file (ENOENT)');
  });

  it('survives kill -9 at any point: a rerun gives the same database as one uninterrupted run', async () => {
    const reference = tempDir();
    expect((await cli(['ingest', 'hf', `${base}/day`], reference)).code).toBe(0);
    const expected = dump(reference);
    // After the list is served the importer opens and migrates the database (~0.5 s), stores the
    // submitters in one transaction, then papers, listings and index in another. Kill it as soon as the
    // migrations are done, 15 ms later, and right after the submitters are committed. (Not during the
    // migrations: Kysely runs SQLite migrations outside a transaction, so a kill there leaves a
    // half-migrated database that no rerun opens; that is the migrator's problem, not the importer's.)
    const migrated = `SELECT count(*) >= ${migrationCount(reference)} AS n FROM kysely_migration`;
    const moments: ((kill: () => void, dir: string, exited: () => boolean) => void)[] = [
      (kill, dir, exited) => void whenCount(dir, migrated, exited).then(kill),
      (kill, dir, exited) => void whenCount(dir, migrated, exited).then(() => setTimeout(kill, 15)),
      (kill, dir, exited) => void whenCount(dir, 'SELECT count(*) AS n FROM users', exited).then(kill),
    ];
    let killedMidway = 0;
    for (const moment of moments) {
      const dir = tempDir();
      const run = start(['ingest', 'hf', `${base}/day`], dir);
      let exited = false;
      onServed = () =>
        moment(
          () => run.child.kill('SIGKILL'),
          dir,
          () => exited,
        );
      const killed = await run.done;
      exited = true;
      onServed = null;
      if (killed.signal === 'SIGKILL') killedMidway++;
      const rerun = await cli(['ingest', 'hf', `${base}/day`], dir);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(dump(dir)).toBe(expected);
    }
    expect(killedMidway).toBeGreaterThan(0);
  }, 180_000);
});
