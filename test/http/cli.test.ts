import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { exitOf, runCli, startServer } from '../helpers/cli.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-cli-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function get(port: number, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: url }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

describe('paperboy command', () => {
  it('lists commands and environment variables in --help', async () => {
    const r = await runCli(['--help'], {});
    expect(r.code).toBe(0);
    for (const word of [
      'serve',
      'seed',
      'migrate',
      'PORT',
      'HOST',
      'PAPERBOY_DATA_DIR',
      'DATABASE_URL',
      'LOG_LEVEL',
    ]) {
      expect(r.stdout).toContain(word);
    }
  });

  it('stops with a message naming a bad variable', async () => {
    const r = await runCli(['seed', '--demo'], { PORT: 'abc', PAPERBOY_DATA_DIR: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PORT="abc"');
    expect(r.stderr).toContain('TCP port');
  });

  it('seeds an empty database once and never touches one with papers', async () => {
    const dir = tempDir();
    const first = await runCli(['seed', '--demo'], { PAPERBOY_DATA_DIR: dir });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Loaded 1055 demo papers over 30 days/);
    const db = new BetterSqlite3(path.join(dir, 'paperboy.db'), { readonly: true });
    const count = () => (db.prepare('select count(*) n from papers').get() as { n: number }).n;
    expect(count()).toBe(1055);
    db.close();
    const second = await runCli(['seed', '--demo'], { PAPERBOY_DATA_DIR: dir });
    expect(second.stdout).toContain('already has 1055 papers; left untouched');
  });

  it('shuts down cleanly on SIGTERM, finishing requests and closing the database', async () => {
    const dir = tempDir();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const { child, output } = await startServer({
      PAPERBOY_DATA_DIR: dir,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    expect(await get(port, '/')).toBe(200);
    const inFlight = Array.from({ length: 20 }, (_, i) => get(port, `/papers/date/2026-11-2${i % 7}`));
    child.kill('SIGTERM');
    const statuses = await Promise.allSettled(inFlight);
    // Requests already sent complete; none is cut off mid-response.
    const done = statuses.filter((s) => s.status === 'fulfilled').map((s) => s.value);
    expect(done.every((code) => code === 200 || code === 404 || code === 503)).toBe(true);
    expect(await exitOf(child)).toBe(0);
    expect(output()).toContain('stopped cleanly');
    // A clean close checkpoints and removes the write-ahead log.
    expect(fs.existsSync(path.join(dir, 'paperboy.db-wal'))).toBe(false);
  });
});
