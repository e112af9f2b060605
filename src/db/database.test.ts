import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { MigrationError } from './migrate.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-db-'));
  dirs.push(dir);
  return path.join(dir, 'paperboy.db');
}

function tables(file: string): string[] {
  const db = new BetterSqlite3(file, { readonly: true });
  const rows = db.prepare("select name from sqlite_master where type = 'table' order by name").all() as {
    name: string;
  }[];
  db.close();
  return rows.map((r) => r.name);
}

describe('openDatabase', () => {
  it('migrates a new database with WAL and foreign keys on', async () => {
    const file = tempFile();
    const handle = await openDatabase({ kind: 'sqlite', file });
    expect(tables(file)).toEqual(expect.arrayContaining(['papers', 'listings', 'votes', 'paper_fts']));
    await handle.close();
    const db = new BetterSqlite3(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('applies migrations atomically: a failure leaves no half-built schema', async () => {
    const file = tempFile();
    // A table in the way makes the first migration fail near its end.
    const raw = new BetterSqlite3(file);
    raw.exec('create table subscriptions (x int)');
    raw.close();
    await expect(openDatabase({ kind: 'sqlite', file })).rejects.toBeInstanceOf(MigrationError);
    // Only Kysely's own bookkeeping tables, made before the migration transaction, remain.
    expect(tables(file).filter((t) => !t.startsWith('kysely_'))).toEqual(['subscriptions']);
  });
});
