// The bulk session on a real SQLite database: the WAL stays a few transactions long while a writer
// commits big transactions, and the connection gets its settings back afterwards. On PostgreSQL it
// does nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { describeBackend } from '../../test/helpers/backends.ts';
import { openDatabase } from './database.ts';
import type { DatabaseHandle } from './database.ts';
import { DEFERRED_KEY, startBulkSession } from './bulk-session.ts';
import { IngestStateRepository } from './repositories/ingest-state-repository.ts';

let handle: DatabaseHandle | undefined;
let dir = '';
afterEach(async () => {
  await handle?.close();
  handle = undefined;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function nameIndex(h: DatabaseHandle): Promise<string | null> {
  const { rows } = await sql<{ sql: string }>`
    SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'paper_authors_name'`.execute(h.db);
  return rows[0]?.sql ?? null;
}

async function settings(h: DatabaseHandle): Promise<[number, number]> {
  const wal = await sql<{ walAutocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(h.db);
  const cache = await sql<{ cacheSize: number }>`PRAGMA cache_size`.execute(h.db);
  return [wal.rows[0]!.walAutocheckpoint, cache.rows[0]!.cacheSize];
}

describe('startBulkSession', () => {
  it('keeps the WAL to a few transactions while a writer commits, then restores auto-checkpoints', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-wal-'));
    const file = path.join(dir, 'paperboy.db');
    handle = await openDatabase({ kind: 'sqlite', file });
    const before = await settings(handle);
    const index = await nameIndex(handle);
    expect(index).toMatch(/paper_authors/);
    const session = await startBulkSession(handle, { kind: 'sqlite', file });
    expect(await settings(handle)).toEqual([0, -131072]);
    expect(await nameIndex(handle)).toBeNull();
    expect(await new IngestStateRepository(handle).get(DEFERRED_KEY)).toEqual([index]);
    const transaction = 2 ** 20; // about a megabyte of new pages per commit
    let largest = 0;
    for (let i = 0; i < 24; i++) {
      await handle.db.transaction().execute(async (trx) => {
        for (let k = 0; k < 16; k++) {
          await trx
            .insertInto('ingestState')
            .values({ source: `s${i}-${k}`, state: 'x'.repeat(transaction / 16), updatedAt: '' })
            .execute();
        }
      });
      await session.committed();
      largest = Math.max(largest, fs.statSync(`${file}-wal`).size);
    }
    await session.end();
    // Without checkpoints the WAL would hold all 24 MB; with them, a handful of transactions.
    expect(largest).toBeGreaterThan(transaction);
    expect(largest).toBeLessThan(8 * transaction);
    expect(await settings(handle)).toEqual(before);
    expect(await nameIndex(handle)).toBe(index);
    expect(await new IngestStateRepository(handle).get(DEFERRED_KEY)).toBeNull();
    const rows = await handle.db.selectFrom('ingestState').select('source').execute();
    expect(rows).toHaveLength(24 * 16);
  });

  it('builds an index that a killed session left dropped, from the note it left', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-wal-'));
    const file = path.join(dir, 'paperboy.db');
    handle = await openDatabase({ kind: 'sqlite', file });
    const index = (await nameIndex(handle))!;
    // What a session killed before its end leaves behind.
    await new IngestStateRepository(handle).set(DEFERRED_KEY, [index], '');
    await sql`DROP INDEX paper_authors_name`.execute(handle.db);
    const session = await startBulkSession(handle, { kind: 'sqlite', file });
    expect(await new IngestStateRepository(handle).get(DEFERRED_KEY)).toEqual([index]);
    await session.end();
    expect(await nameIndex(handle)).toBe(index);
    expect(await new IngestStateRepository(handle).get(DEFERRED_KEY)).toBeNull();
  });

  it('does nothing for an in-memory database', async () => {
    handle = await openDatabase({ kind: 'sqlite', file: ':memory:' });
    const before = await settings(handle);
    const session = await startBulkSession(handle, { kind: 'sqlite', file: ':memory:' });
    await session.committed();
    expect(await settings(handle)).toEqual(before);
    await session.end();
    expect(await settings(handle)).toEqual(before);
  });
});

describeBackend('postgres', 'startBulkSession', (backend) => {
  it('does nothing on PostgreSQL: no pragmas, indexes stay, no note left', async () => {
    const pgHandle = await backend.open();
    const indexes = async () =>
      (
        await sql<{
          name: string;
        }>`select indexname as name from pg_indexes where tablename = 'paper_authors'`.execute(pgHandle.db)
      ).rows.map((r) => r.name);
    const before = await indexes();
    expect(before).toContain('paper_authors_name');
    const session = await startBulkSession(pgHandle, { kind: 'postgres', url: 'postgres://unused/db' });
    await session.committed();
    expect(await indexes()).toEqual(before);
    expect(await new IngestStateRepository(pgHandle).get(DEFERRED_KEY)).toBeNull();
    await session.end();
    expect(await indexes()).toEqual(before);
  });
});
