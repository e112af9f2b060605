// A throwaway PostgreSQL cluster for the test run, and fresh databases in it for the tests.
//
// The vitest global setup (postgres-global-setup.ts) starts one cluster per run on loopback: initdb
// into a temporary directory, a random free port, no fsync, C locale (as paperboy requires), a
// random password. It migrates a template database once; each test then gets its own database
// copied from that template (CREATE DATABASE … TEMPLATE, tens of milliseconds) and drops it after.
// Workers find the server through PAPERBOY_TEST_PG_URL (set by the setup, or by a developer to use
// a running server with a role that may create databases); PAPERBOY_TEST_PG=off skips PostgreSQL.
//
// PostgreSQL refuses to run as root. Tests run as root in CI and in containers, so there the
// cluster's programs run as the unprivileged `postgres` user (Debian's package creates it; `nobody`
// otherwise) through runuser, with the directory handed over to it.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Settings for speed: the cluster's data is thrown away, so durability buys nothing. */
const SERVER_OPTIONS = [
  'listen_addresses=127.0.0.1',
  "unix_socket_directories=''",
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'wal_level=minimal',
  'max_wal_senders=0',
  'autovacuum=off',
  'shared_buffers=32MB',
  'max_connections=200',
  'log_min_messages=warning',
];

const DIR_PREFIX = 'paperboy-pg-';

/** Why PostgreSQL tests cannot run, as the test failure shows it. */
export class PostgresUnavailableError extends Error {}

export const OPT_OUT_HINT =
  'Install PostgreSQL (Debian: apt-get install postgresql) or point PAPERBOY_TEST_PG_URL at a server; ' +
  'PAPERBOY_TEST_PG=off skips the PostgreSQL tests on a developer machine.';

/** initdb, pg_ctl and postgres: PAPERBOY_PG_BIN, Debian's newest /usr/lib/postgresql/N/bin, or PATH. */
export function findPostgresBin(): string {
  const candidates: string[] = [];
  if (process.env.PAPERBOY_PG_BIN) candidates.push(process.env.PAPERBOY_PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs
      .readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin')));
  }
  candidates.push(...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean));
  for (const dir of candidates) {
    const initdb = path.join(dir, 'initdb');
    if (fs.existsSync(initdb) && fs.existsSync(path.join(dir, 'pg_ctl'))) {
      return path.dirname(fs.realpathSync(initdb));
    }
  }
  throw new PostgresUnavailableError(`PostgreSQL's initdb and pg_ctl were not found. ${OPT_OUT_HINT}`);
}

/** The unprivileged account to run PostgreSQL as when we are root; null when we are not root. */
async function serverUser(): Promise<{ name: string; uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number((await run('id', ['-u', name])).stdout.trim());
      const gid = Number((await run('id', ['-g', name])).stdout.trim());
      return { name, uid, gid };
    } catch {
      // try the next account
    }
  }
  throw new PostgresUnavailableError(
    'tests run as root, PostgreSQL refuses root, and there is no postgres or nobody account to run it as.',
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface TestCluster {
  /** URL of the `postgres` database as the superuser: for creating and dropping databases. */
  adminUrl: string;
  /** The temporary directory holding the cluster's data and log. */
  dir: string;
  stop(): Promise<void>;
}

/** initdb and start a cluster in a new temporary directory. */
export async function startTestCluster(): Promise<TestCluster> {
  const bin = findPostgresBin();
  const user = await serverUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), DIR_PREFIX));
  // Run from the cluster's own directory: the unprivileged user may not be able to enter ours.
  const exec = (program: string, args: string[]) =>
    user
      ? run('runuser', ['-u', user.name, '--', path.join(bin, program), ...args], { cwd: dir })
      : run(path.join(bin, program), args, { cwd: dir });
  fs.writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
  const password = crypto.randomBytes(18).toString('hex');
  const pwfile = path.join(dir, 'pwfile');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) {
    fs.chownSync(dir, user.uid, user.gid);
    fs.chownSync(pwfile, user.uid, user.gid);
  }
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const stop = async () => {
    await exec('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await exec('initdb', [
      ...['-D', data, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth=scram-sha-256'],
      ...['-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
    ]);
    fs.rmSync(pwfile);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const options = [`-p ${port}`, ...SERVER_OPTIONS.map((o) => `-c ${o}`)].join(' ');
      try {
        await exec('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start']);
        return { adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, dir, stop };
      } catch (err) {
        const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-1500) : '';
        // Another process took the port between our probe and the server's bind: try another.
        if (attempt < 3 && /could not bind|in use/i.test(tail)) continue;
        throw new Error(`${String(err)}\n${tail}`);
      }
    }
  } catch (err) {
    await stop();
    throw new PostgresUnavailableError(
      `could not start a PostgreSQL test cluster with ${bin}: ` +
        `${err instanceof Error ? err.message : String(err)}\n${OPT_OUT_HINT}`,
    );
  }
}

/** Stops clusters left by test runs that were killed before their teardown. */
export async function sweepStaleClusters(): Promise<void> {
  const tmp = os.tmpdir();
  for (const name of fs.readdirSync(tmp).filter((n) => n.startsWith(DIR_PREFIX))) {
    const dir = path.join(tmp, name);
    let owner = NaN;
    try {
      owner = Number(fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
    } catch {
      continue; // not ours, or being created right now
    }
    if (alive(owner)) continue;
    const bin = findPostgresBin();
    const user = await serverUser();
    const args = ['-D', path.join(dir, 'data'), '-m', 'immediate', 'stop'];
    const pgCtl = path.join(bin, 'pg_ctl');
    const options = { cwd: os.tmpdir() };
    await (
      user ? run('runuser', ['-u', user.name, '--', pgCtl, ...args], options) : run(pgCtl, args, options)
    ).catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The URL of database `name` on the server that `serverUrl` points to. */
export function databaseUrl(serverUrl: string, name: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs statements as the server's administrator (CREATE/DROP DATABASE cannot run in a transaction). */
export async function adminQuery(serverUrl: string, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}

/** Whether this run tests PostgreSQL at all. */
export function postgresTestsEnabled(): boolean {
  return process.env.PAPERBOY_TEST_PG !== 'off';
}

/** The test server's URL, or the reason there is none (thrown: the tests that need it fail). */
export function testServerUrl(): string {
  const url = process.env.PAPERBOY_TEST_PG_URL;
  if (url) return url;
  throw new PostgresUnavailableError(
    process.env.PAPERBOY_TEST_PG_ERROR ??
      `no PostgreSQL test server: the vitest global setup did not run. ${OPT_OUT_HINT}`,
  );
}

/**
 * Empties every table of a test database (Kysely's migration bookkeeping aside) and restarts its
 * sequences, so it is as new as a fresh copy of the template: a few milliseconds, where creating a
 * database copies its whole catalogue (hundreds of milliseconds on a busy machine). Foreign keys
 * are not checked meanwhile (session_replication_role), so the order of the tables does not matter.
 */
export async function resetTestDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ statement: string }>(`
      select format('DELETE FROM %I.%I', schemaname, tablename) as statement
        from pg_tables where schemaname = 'public' and tablename not like 'kysely\\_%'
      union all
      select format('ALTER SEQUENCE %I.%I RESTART', schemaname, sequencename)
        from pg_sequences where schemaname = 'public'`);
    await client.query(
      [
        'SET session_replication_role = replica',
        ...rows.map((r) => r.statement),
        'RESET session_replication_role',
      ].join(';\n'),
    );
  } finally {
    await client.end();
  }
}

let counter = 0;

/**
 * A new database for one test: a copy of the migrated template, of another template of this run
 * (ensureTemplate), or empty (for migration tests). `drop` removes it, closing any connection
 * still open to it.
 */
export async function createTestDatabase(
  options: { migrated?: boolean; template?: string } = {},
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const server = testServerUrl();
  const template =
    options.template ??
    (options.migrated === false ? 'template0' : (process.env.PAPERBOY_TEST_PG_TEMPLATE ?? 'template0'));
  counter += 1;
  const name = `pb_test_${process.pid}_${counter}_${crypto.randomBytes(3).toString('hex')}`;
  await adminQuery(
    server,
    `CREATE DATABASE ${name} TEMPLATE ${template} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
  );
  return {
    url: databaseUrl(server, name),
    name,
    drop: () => adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * The name of a further template of this run, `<migrated template>_<suffix>`, built by `build`
 * (given a copy of the migrated template) the first time any worker asks; workers asking meanwhile
 * wait on an advisory lock. For data that takes seconds to load on PostgreSQL and a fraction of
 * that to copy (the demo papers). It is built under a temporary name and renamed when complete, so
 * a worker that died while building leaves nothing that looks finished. The global setup's teardown
 * drops it with the migrated template.
 */
export async function ensureTemplate(suffix: string, build: (url: string) => Promise<void>): Promise<string> {
  const server = testServerUrl();
  const base = process.env.PAPERBOY_TEST_PG_TEMPLATE;
  if (!base)
    throw new PostgresUnavailableError('no migrated template database: the global setup did not run.');
  const name = `${base}_${suffix}`;
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [name]);
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount === 0) {
      const building = `${name}_building`;
      await client.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await client.query(
        `CREATE DATABASE ${building} TEMPLATE ${base} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
      );
      await build(databaseUrl(server, building));
      await client.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    }
  } finally {
    await client.end(); // ends the session, and with it the advisory lock
  }
  return name;
}
