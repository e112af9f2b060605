// PostgreSQL behind the same DatabaseHandle as SQLite: a pg Pool through Kysely's PostgresDialect,
// with type parsers that make values read back look as SQLite's do, and a check of the two
// database settings the repositories rely on.
import pg from 'pg';
import type { CustomTypesConfig } from 'pg';
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import { PostgresTextPlugin } from './postgres-text-plugin.ts';
import { startChangeListener } from './change-listener.ts';
import type { DatabaseHandle } from './database.ts';
import { DatabaseOpenError } from './database-errors.ts';
import { postgresDialectInfo } from './dialect.ts';
import { CHANGE_CHANNEL } from './migrations/0010-change-notify.ts';
import type { Database } from './schema.ts';

const { builtins } = pg.types;

/**
 * pg's defaults differ from SQLite where repositories would notice:
 * - bigint (COUNT(*), SUM of integers) arrives as a string: here a number, and an error rather
 *   than a silently rounded number when it does not fit in a double exactly;
 * - numeric (AVG, SUM of bigint) arrives as a string: here a number, as SQLite's REAL;
 * - boolean (a comparison selected as a value) arrives as true/false: here 1/0, as SQLite has no
 *   boolean type and schema flags are integer columns.
 * The pool gets its own parsers; pg's process-wide defaults stay untouched.
 */
export const postgresTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === undefined || format === 'text') {
      if (oid === builtins.INT8) return safeInteger;
      if (oid === builtins.NUMERIC) return (text: string) => Number(text);
      if (oid === builtins.BOOL) return (text: string) => (text === 't' ? 1 : 0);
    }
    return pg.types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};

function safeInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`PostgreSQL returned the integer ${text}, beyond JavaScript's safe range`);
  }
  return n;
}

/** The server process behind a pool connection (pg sets it from the server's BackendKeyData). */
function backendPid(client: pg.PoolClient): number {
  return (client as unknown as { processID: number }).processID;
}

/** The URL without its password, for messages. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://… (unparseable URL)';
  }
}

export interface PostgresOptions {
  /** Told when the change listener loses its connection (it reconnects by itself). */
  onListenError?: (err: unknown) => void;
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, types: postgresTypes, application_name: 'paperboy' });
  // An idle connection the server closes (restart, idle timeout) is dropped by the pool and the next
  // query opens a fresh one; without a listener the 'error' event would end the process.
  pool.on('error', () => {});
  // The server processes behind this pool: their notifications are this process's own writes.
  const ownBackends = new Set<number>();
  pool.on('connect', (client) => ownBackends.add(backendPid(client)));
  pool.on('remove', (client) => ownBackends.delete(backendPid(client)));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin(), new PostgresTextPlugin()],
  });
  try {
    await checkSettings(db);
  } catch (err) {
    await db.destroy();
    if (err instanceof DatabaseOpenError) throw err;
    throw new DatabaseOpenError(
      `cannot use PostgreSQL at ${describePostgresUrl(url)}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  // Page-cache token, as on SQLite: this process's own writes, counted when they commit (noteWrite),
  // and the commits of every other process, announced by migration 0010's NOTIFY on one LISTEN
  // connection (change-listener.ts; while it is down every call gives a new token, so nothing stale
  // is served). The pool's own notifications are left out: its writes are counted already, and
  // would otherwise move the token a second time, a moment later.
  const listener = await startChangeListener({
    url,
    channel: CHANGE_CHANNEL,
    onError: options.onListenError,
    ignoreSender: (pid) => ownBackends.has(pid),
  });
  let localWrites = 0;
  let closed = false;
  return {
    db,
    dialect: postgresDialectInfo,
    changeToken: () => `${listener.token()}.${localWrites}`,
    noteWrite: () => {
      localWrites += 1;
    },
    async close() {
      if (closed) return;
      closed = true;
      await listener.close();
      await db.destroy();
    },
  };
}

/**
 * Text must be UTF-8 (papers come in every script) and compare byte by byte, as in SQLite: keyset
 * pagination, ORDER BY id and the ISO timestamps then behave identically on both backends, and
 * the result does not depend on the server's operating-system locale. Tested by behaviour, so any
 * locale provider that orders byte-wise passes.
 */
async function checkSettings(db: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ encoding: string; bytewise: number; database: string }>`
    select current_setting('server_encoding') as encoding,
           ('B' < 'a' and 'a-c' < 'ab' and 'Z' < '_') as bytewise,
           current_database() as database`.execute(db);
  const row = rows[0]!;
  const fix =
    `create it with: CREATE DATABASE ${row.database} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'` +
    ` (or initdb --locale=C -E UTF8)`;
  if (row.encoding !== 'UTF8') {
    throw new DatabaseOpenError(
      `PostgreSQL database "${row.database}" uses the ${row.encoding} encoding; paperboy needs UTF8: ${fix}`,
    );
  }
  if (row.bytewise !== 1) {
    throw new DatabaseOpenError(
      `PostgreSQL database "${row.database}" sorts text by a language's rules; paperboy needs the C ` +
        `collation (byte order, as SQLite): ${fix}`,
    );
  }
}
