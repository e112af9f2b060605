// The paperboy command on PostgreSQL: migrations run there, and commands that need search get this
// node's index derived from the database (DATA_DIR/search-index.db).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { describeBackend } from '../helpers/backends.ts';
import { runCli } from '../helpers/cli.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-cli-pg-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function tablesOf(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ name: string }>(
    "select tablename as name from pg_tables where schemaname = 'public' order by 1",
  );
  await client.end();
  return rows.map((r) => r.name);
}

describeBackend('postgres', 'paperboy command', (backend) => {
  it('migrates a PostgreSQL database', async () => {
    const target = await backend.emptyTarget();
    if (target.kind !== 'postgres') throw new Error('unreachable');
    const r = await runCli(['migrate'], { DATABASE_URL: target.url, PAPERBOY_DATA_DIR: tempDir() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Database is up to date.');
    expect(await tablesOf(target.url)).toEqual(expect.arrayContaining(['papers', 'listings', 'users']));
  });

  it("seeds PostgreSQL and builds this node's search index from it", async () => {
    const target = await backend.emptyTarget();
    if (target.kind !== 'postgres') throw new Error('unreachable');
    const dataDir = tempDir();
    const r = await runCli(['seed', '--demo'], { DATABASE_URL: target.url, PAPERBOY_DATA_DIR: dataDir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await tablesOf(target.url)).toEqual(
      expect.arrayContaining(['papers', 'search_changes', 'search_keys']),
    );
    expect(fs.existsSync(path.join(dataDir, 'search-index.db'))).toBe(true);
  });

  it('names an unreachable server, without its password', async () => {
    const r = await runCli(['migrate'], {
      DATABASE_URL: 'postgres://paperboy:s3cret@127.0.0.1:1/paperboy',
      PAPERBOY_DATA_DIR: tempDir(),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot use PostgreSQL at postgres://paperboy@127.0.0.1:1/paperboy');
    expect(r.stderr).not.toContain('s3cret');
  });
});
