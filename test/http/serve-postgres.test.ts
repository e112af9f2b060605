// Two `paperboy serve` processes (two web nodes, two data directories) on one PostgreSQL database:
// each builds its own search index from it, and a change committed anywhere reaches the other
// node's search page within a poll (through the feed and the page cache's change token).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, expect, it, vi } from 'vitest';
import { describeBackend } from '../helpers/backends.ts';
import { exitOf, startServer } from '../helpers/cli.ts';
import type { ChildProcess } from 'node:child_process';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null) {
      c.kill('SIGKILL');
      await exitOf(c);
    }
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-serve-pg-'));
  dirs.push(dir);
  return dir;
}

async function resultIds(port: number, q: string): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${port}/search?q=${encodeURIComponent(q)}`);
  const html = await res.text();
  return [...html.matchAll(/<h2 class="paper-title"[^>]*><a href="\/papers\/([^"]+)"/g)].map((m) => m[1]!);
}

describeBackend('postgres', 'paperboy serve', (backend) => {
  it('serves search on two nodes that follow one database', { timeout: 120_000 }, async () => {
    const target = await backend.emptyTarget();
    if (target.kind !== 'postgres') throw new Error('unreachable');
    const port = () => String(20000 + Math.floor(Math.random() * 20000));
    const env = { DATABASE_URL: target.url, HOST: '127.0.0.1', SEARCH_SYNC_MS: '200' };
    const one = await startServer({ ...env, PORT: port(), PAPERBOY_DATA_DIR: tempDir() });
    children.push(one.child);
    const twoDir = tempDir();
    const twoPort = port();
    const two = await startServer({ ...env, PORT: twoPort, PAPERBOY_DATA_DIR: twoDir, PAPERBOY_DEMO: 'off' });
    children.push(two.child);
    expect(fs.existsSync(path.join(twoDir, 'search-index.db'))).toBe(true);
    expect((await resultIds(Number(twoPort), 'contrastive loss batch size'))[0]).toBe('2410.17243');

    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      await client.query(`UPDATE papers SET title = title || ' zebrafishoid' WHERE id = '2410.17243'`);
    } finally {
      await client.end();
    }
    await vi.waitFor(
      async () => expect(await resultIds(Number(twoPort), 'zebrafishoid')).toEqual(['2410.17243']),
      {
        timeout: 3000,
        interval: 50,
      },
    );

    two.child.kill('SIGTERM');
    expect(await exitOf(two.child)).toBe(0);
  });
});
