// `paperboy backup` run for real: against a live `paperboy serve` child while a second connection
// keeps committing votes, --keep pruning, refusals (PostgreSQL, an existing file) that touch nothing.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { backupFileName } from './backup.ts';
import { exitOf, runCli, startServer } from '../../test/helpers/cli.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-backup-'));
  dirs.push(dir);
  return dir;
}

function env(dir: string): Record<string, string> {
  return { PAPERBOY_DATA_DIR: dir, LOG_LEVEL: 'silent', DIGEST_CHECK_MINUTES: '0' };
}

/** The path printed on the first line of a successful run. */
function printedFile(stdout: string): string {
  return stdout.split('\n')[0]!.replace(/ \(.*$/, '');
}

function integrity(file: string): string {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe('paperboy backup', () => {
  it('copies the database of a running server, while votes are committed, consistently and completely', async () => {
    const dir = tempDir();
    const port = await freePort();
    // The server loads the demo papers into the empty data directory and creates the secret key.
    const server = await startServer({
      ...env(dir),
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    const writer = new BetterSqlite3(path.join(dir, 'paperboy.db'));
    try {
      writer.pragma('busy_timeout = 5000');
      // The votes stay in the WAL (no checkpoint into the main file), as recent commits on a busy
      // server do: a backup that copied only the database file would miss them.
      writer.pragma('wal_autocheckpoint = 0');
      const paperIds = writer.prepare('SELECT id FROM papers ORDER BY id LIMIT 50').pluck().all() as string[];
      expect(paperIds).toHaveLength(50);
      const addUser = writer.prepare(
        "INSERT INTO users (email, handle, display_name, role, created_at) VALUES (?, ?, ?, 'user', ?)",
      );
      const addVote = writer.prepare('INSERT INTO votes (user_id, paper_id, created_at) VALUES (?, ?, ?)');
      const count = writer.prepare('UPDATE papers SET upvotes = upvotes + 1 WHERE id = ?');
      // Each voter and their vote, with the paper's count, in one transaction, as the app does.
      const vote = writer.transaction((i: number) => {
        const now = new Date().toISOString();
        const userId = Number(
          addUser.run(`voter${i}@example.org`, `voter${i}`, `Voter ${i}`, now).lastInsertRowid,
        );
        const paperId = paperIds[i % paperIds.length]!;
        addVote.run(userId, paperId, now);
        count.run(paperId);
        return userId;
      });
      let committed = 0;
      for (; committed < 200; committed++) vote(committed);
      const before = committed;

      let running = true;
      const writing = (async () => {
        while (running) {
          vote(committed++);
          await new Promise((r) => setTimeout(r, 1));
        }
      })();
      const pagesServed = (async () => {
        let ok = 0;
        while (running) {
          const res = await fetch(`http://127.0.0.1:${port}/papers/trending`);
          await res.arrayBuffer(); // an unread body keeps the connection busy and delays shutdown
          if (res.ok) ok += 1;
        }
        return ok;
      })();
      const result = await runCli(['backup'], env(dir));
      const duringBackup = committed - before;
      running = false;
      await writing;
      expect(await pagesServed).toBeGreaterThan(0);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(duringBackup).toBeGreaterThan(0); // the writes really overlapped the backup

      const file = printedFile(result.stdout);
      expect(path.dirname(file)).toBe(path.join(dir, 'backups'));
      expect(path.basename(file)).toMatch(/^paperboy-\d{8}T\d{6}Z\.db$/);
      expect(result.stdout).toContain(`${fs.statSync(file).size} bytes`);
      expect(fs.readdirSync(path.join(dir, 'backups')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      expect(integrity(file)).toBe('ok');

      const copy = new BetterSqlite3(file, { readonly: true });
      try {
        expect(copy.prepare('SELECT count(*) FROM papers').pluck().get()).toBe(1055);
        const voters = copy
          .prepare("SELECT email FROM users WHERE email LIKE 'voter%'")
          .pluck()
          .all() as string[];
        const emails = new Set(voters);
        const missing = Array.from({ length: before }, (_, i) => `voter${i}@example.org`).filter(
          (email) => !emails.has(email),
        );
        expect(missing).toEqual([]);
        // A snapshot: every paper's count matches its vote rows exactly, however many were in flight.
        const mismatched = copy
          .prepare(
            `SELECT p.id FROM papers p
             WHERE p.upvotes <> p.imported_upvotes + (SELECT count(*) FROM votes v WHERE v.paper_id = p.id)`,
          )
          .all();
        expect(mismatched).toEqual([]);
        expect(copy.prepare('SELECT count(*) FROM votes').pluck().get()).toBe(voters.length);
      } finally {
        copy.close();
      }

      // The secret key that signs mail links travels with it.
      const key = file.replace(/\.db$/, '.secret-key');
      expect(result.stdout).toContain(key);
      expect(fs.readFileSync(key, 'utf8')).toBe(fs.readFileSync(path.join(dir, 'secret-key'), 'utf8'));
      expect(fs.statSync(key).mode & 0o777).toBe(0o600);

      // The server went on serving and writing throughout.
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      writer.close();
      server.child.kill('SIGTERM');
      const code = await exitOf(server.child);
      expect(code, server.output()).toBe(0);
    }

    // A restore is the file copied into place: the server starts on it (migrations run) and serves it.
    const restored = tempDir();
    const backups = path.join(dir, 'backups');
    const [db, key] = ['.db', '.secret-key'].map((ext) =>
      fs.readdirSync(backups).find((n) => n.endsWith(ext))!,
    );
    fs.copyFileSync(path.join(backups, db!), path.join(restored, 'paperboy.db'));
    fs.copyFileSync(path.join(backups, key!), path.join(restored, 'secret-key'));
    const migrated = await runCli(['migrate'], env(restored));
    expect(migrated.code).toBe(0);
    const reopened = new BetterSqlite3(path.join(restored, 'paperboy.db'), { readonly: true });
    try {
      expect(
        reopened.prepare("SELECT count(*) FROM users WHERE email LIKE 'voter%'").pluck().get(),
      ).toBeGreaterThan(199);
    } finally {
      reopened.close();
    }
  }, 120_000);

  it('--keep N prunes the oldest backups this command made, and nothing else', async () => {
    const dir = tempDir();
    expect((await runCli(['seed', '--demo'], env(dir))).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'secret-key'), `${'k'.repeat(43)}\n`, { mode: 0o600 });
    const backups = path.join(dir, 'backups');
    fs.mkdirSync(backups);
    const old = ['2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z'].map((t) =>
      backupFileName(new Date(t)),
    );
    expect(old[0]).toBe('paperboy-20240101T000000Z.db');
    for (const name of old) {
      fs.writeFileSync(path.join(backups, name), 'an older backup');
      fs.writeFileSync(path.join(backups, name.replace(/\.db$/, '.secret-key')), 'its key');
    }
    const unrelated = ['paperboy-before-upgrade.db', 'notes.txt', 'paperboy.db'];
    for (const name of unrelated) fs.writeFileSync(path.join(backups, name), 'not made by paperboy backup');

    const result = await runCli(['backup', '--keep', '2'], env(dir));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const made = path.basename(printedFile(result.stdout));
    for (const name of old.slice(0, 2))
      expect(result.stdout).toContain(`removed ${path.join(backups, name)}`);
    expect(fs.readdirSync(backups).sort()).toEqual(
      [
        made,
        made.replace(/\.db$/, '.secret-key'),
        old[2]!,
        old[2]!.replace(/\.db$/, '.secret-key'),
        ...unrelated,
      ].sort(),
    );

    const refused = await runCli(['backup', '--keep', 'two'], env(dir));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--keep takes a whole number');
    expect(fs.readdirSync(backups)).toHaveLength(7);
  }, 60_000);

  it('writes to a given file, and refuses to overwrite an existing one', async () => {
    const dir = tempDir();
    expect((await runCli(['seed', '--demo'], env(dir))).code).toBe(0);
    const target = path.join(tempDir(), 'nightly', 'copy.db');
    const first = await runCli(['backup', target], env(dir));
    expect(first.code).toBe(0);
    expect(printedFile(first.stdout)).toBe(target);
    expect(integrity(target)).toBe('ok');
    const size = fs.statSync(target).size;

    const again = await runCli(['backup', target], env(dir));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${target} exists already`);
    expect(fs.statSync(target).size).toBe(size);
    expect(fs.readdirSync(path.dirname(target)).sort()).toEqual(['copy.db', 'copy.secret-key']);

    const missing = await runCli(['backup'], env(path.join(dir, 'nowhere')));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('there is no database at');
    expect(fs.existsSync(path.join(dir, 'nowhere'))).toBe(false);
  }, 60_000);

  it('on PostgreSQL says how to use pg_dump and touches nothing', async () => {
    const dir = path.join(tempDir(), 'data');
    // A closed port: the command must refuse before connecting anywhere.
    const url = 'postgres://paperboy:hunter2@127.0.0.1:1/paperboy';
    const result = await runCli(['backup', '--keep', '3'], { ...env(dir), DATABASE_URL: url });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('pg_dump --format=custom --file=paperboy-');
    expect(result.stderr).toContain('"$DATABASE_URL"');
    expect(result.stderr).toContain('pg_restore');
    expect(result.stderr).not.toContain('hunter2');
    expect(fs.existsSync(dir)).toBe(false);
  }, 30_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
