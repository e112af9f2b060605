// openDatabase and the migrations on every backend, and what each backend adds of its own.
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { describeBackend, describeBackends } from '../../test/helpers/backends.ts';
import { adminQuery, createTestDatabase, databaseUrl, testServerUrl } from '../../test/helpers/postgres.ts';
import { DatabaseOpenError, openDatabase } from './database.ts';
import type { DatabaseHandle, DatabaseTarget } from './database.ts';
import { postgresDialectInfo, sqliteDialectInfo } from './dialect.ts';
import { MigrationError, migrationsFor } from './migrate.ts';

/** Runs SQL on a target without paperboy's own code in the way. */
async function rawExec(target: DatabaseTarget, text: string): Promise<void> {
  if (target.kind === 'sqlite') {
    const db = new BetterSqlite3(target.file);
    db.exec(text);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  await client.query(text);
  await client.end();
}

async function tables(handle: DatabaseHandle): Promise<string[]> {
  const all = await handle.db.introspection.getTables({ withInternalKyselyTables: true });
  return all.map((t) => t.name).sort();
}

async function applied(handle: DatabaseHandle): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
    handle.db,
  );
  return rows.map((r) => r.name);
}

describeBackends('openDatabase', (backend) => {
  it('migrates a new database; migrations needing FTS5 are recorded but run only on SQLite', async () => {
    const handle = await openDatabase(await backend.emptyTarget());
    try {
      const names = await tables(handle);
      expect(names).toEqual(
        expect.arrayContaining([
          'papers',
          'listings',
          'votes',
          'ingest_state',
          'paper_embeddings',
          'sessions',
        ]),
      );
      expect(names.includes('paper_fts')).toBe(backend.name === 'sqlite');
      // The same history on every backend, whichever migrations did something.
      expect(await applied(handle)).toEqual(Object.keys(migrationsFor(sqliteDialectInfo)).sort());
    } finally {
      await handle.close();
    }
  });

  it('opens a migrated database again without changing it', async () => {
    const target = await backend.emptyTarget();
    await (await openDatabase(target)).close();
    const handle = await openDatabase(target);
    try {
      expect(await applied(handle)).toHaveLength(Object.keys(migrationsFor(handle.dialect)).length);
    } finally {
      await handle.close();
    }
  });

  it('applies migrations atomically: a failure leaves no half-built schema', async () => {
    const target = await backend.emptyTarget();
    // A table in the way makes the first migration fail near its end.
    await rawExec(target, 'create table subscriptions (x int)');
    await expect(openDatabase(target)).rejects.toBeInstanceOf(MigrationError);
    // Only Kysely's own bookkeeping tables, made before the migration transaction, remain.
    const check =
      target.kind === 'sqlite'
        ? await openRawSqliteTables(target.file)
        : await openRawPostgresTables(target.url);
    expect(check.filter((t) => !t.startsWith('kysely_'))).toEqual(['subscriptions']);
  });

  it('reads counts, sums and truth values back as numbers on every backend', async () => {
    const handle = await backend.open();
    const row = await handle.db
      .selectFrom('papers')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('upvotes').as('total')])
      .executeTakeFirstOrThrow();
    expect(row.n).toBe(0);
    const { rows } = await sql<{ yes: number; no: number; big: number; avg: number }>`
      select (1 < 2) as yes, (2 < 1) as no, (cast(${2 ** 40} as bigint) * 2) as big,
             (select avg(x) from (select 1 as x union all select 2 as x) t) as avg`.execute(handle.db);
    expect(rows[0]).toEqual({ yes: 1, no: 0, big: 2 ** 41, avg: 1.5 });
  });

  it('gives a change token that moves with each write this process notes', async () => {
    const handle = await backend.open();
    const before = handle.changeToken();
    expect(handle.changeToken()).toBe(before);
    handle.noteWrite();
    expect(handle.changeToken()).not.toBe(before);
  });
});

async function openRawSqliteTables(file: string): Promise<string[]> {
  const db = new BetterSqlite3(file, { readonly: true });
  const rows = db.prepare("select name from sqlite_master where type = 'table' order by name").all() as {
    name: string;
  }[];
  db.close();
  return rows.map((r) => r.name);
}

async function openRawPostgresTables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
  );
  await client.end();
  return rows.map((r) => r.name);
}

describeBackend('sqlite', 'openDatabase on SQLite', (backend) => {
  it('uses WAL and foreign keys', async () => {
    const target = await backend.emptyTarget();
    if (target.kind !== 'sqlite') throw new Error('unreachable');
    await (await openDatabase(target)).close();
    const db = new BetterSqlite3(target.file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const handle = await openDatabase(target);
    const { rows } = await sql<{ foreignKeys: number }>`pragma foreign_keys`.execute(handle.db);
    expect(rows[0]!.foreignKeys).toBe(1);
    await handle.close();
  });
});

describeBackend('postgres', 'openDatabase on PostgreSQL', (backend) => {
  it('says which dialect it is and enforces foreign keys', async () => {
    const handle = await backend.open();
    expect(handle.dialect).toBe(postgresDialectInfo);
    await expect(
      handle.db
        .insertInto('listings')
        .values({
          paperId: 'nope',
          day: '2024-01-01',
          listedAt: '2024-01-01T00:00:00.000Z',
          trendingScore: 1,
        })
        .execute(),
    ).rejects.toThrow(/foreign key/);
  });

  it('migrates once when several nodes start together on an empty database', async () => {
    const target = await backend.emptyTarget();
    const handles = await Promise.all([openDatabase(target), openDatabase(target), openDatabase(target)]);
    try {
      expect(await applied(handles[0]!)).toEqual(Object.keys(migrationsFor(postgresDialectInfo)).sort());
    } finally {
      for (const h of handles) await h.close();
    }
  });

  it('carries on after the server closes its idle connections', async () => {
    const handle = await backend.open();
    // Two queries at once leave two pooled connections; one is closed while idle.
    await Promise.all([1, 2].map(() => sql`select pg_sleep(0.05)`.execute(handle.db)));
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
              where datname = current_database() and pid <> pg_backend_pid()`.execute(handle.db);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const row = await handle.db
      .selectFrom('papers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(row.n).toBe(0);
  });

  it('refuses an integer beyond JavaScript’s safe range rather than rounding it', async () => {
    const handle = await backend.open();
    await expect(sql`select cast('9007199254740993' as bigint) as n`.execute(handle.db)).rejects.toThrow(
      /9007199254740993, beyond JavaScript's safe range/,
    );
  });

  it('refuses a database that sorts text by language rules, saying how to create a right one', async () => {
    const name = `pb_icu_${process.pid}`;
    const server = testServerUrl();
    await adminQuery(
      server,
      `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'`,
    );
    try {
      const opened = openDatabase({ kind: 'postgres', url: databaseUrl(server, name) });
      await expect(opened).rejects.toBeInstanceOf(DatabaseOpenError);
      await expect(opened).rejects.toThrow(/needs the C collation.*LOCALE 'C'/);
    } finally {
      await adminQuery(server, `DROP DATABASE ${name} WITH (FORCE)`);
    }
  });

  it('refuses a database whose encoding is not UTF-8', async () => {
    const name = `pb_ascii_${process.pid}`;
    const server = testServerUrl();
    await adminQuery(server, `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'SQL_ASCII' LOCALE 'C'`);
    try {
      await expect(openDatabase({ kind: 'postgres', url: databaseUrl(server, name) })).rejects.toThrow(
        /SQL_ASCII encoding; paperboy needs UTF8/,
      );
    } finally {
      await adminQuery(server, `DROP DATABASE ${name} WITH (FORCE)`);
    }
  });

  it('names the server it cannot reach, without the password', async () => {
    const { url, drop } = await createTestDatabase({ migrated: false });
    await drop();
    const unreachable = new URL(url);
    unreachable.port = '1';
    const opened = openDatabase({ kind: 'postgres', url: unreachable.toString() });
    await expect(opened).rejects.toBeInstanceOf(DatabaseOpenError);
    await expect(opened).rejects.toThrow(/cannot use PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\//);
    await expect(opened).rejects.not.toThrow(new URL(url).password);
  });
});

describe('migrationsFor', () => {
  it('keeps one list: a backend without FTS5 gets every migration, the FTS5 one doing nothing', async () => {
    const sqlite = migrationsFor(sqliteDialectInfo);
    const postgres = migrationsFor(postgresDialectInfo);
    expect(Object.keys(postgres)).toEqual(Object.keys(sqlite));
    expect(postgres['0002-search-sqlite']).not.toBe(sqlite['0002-search-sqlite']);
    expect(postgres['0001-initial']!.up.toString()).toBe(sqlite['0001-initial']!.up.toString());
  });
});
