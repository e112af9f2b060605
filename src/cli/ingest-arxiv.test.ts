// `paperboy ingest arxiv` and `paperboy serve` with ARXIV_POLL, as real child processes against the
// loopback replay of recorded arXiv API responses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { categorySearchAs, recordings, startArxivApiServer } from '../../test/helpers/arxiv-api-server.ts';
import type { ArxivApiServer, Handler } from '../../test/helpers/arxiv-api-server.ts';
import { finished, runArxivCli, spawnArxivCli } from '../../test/helpers/arxiv-cli.ts';
import { exitOf, startServer } from '../../test/helpers/cli.ts';

const dirs: string[] = [];
let server: ArxivApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-arxiv-cli-'));
  dirs.push(dir);
  return dir;
}

async function env(handler?: Handler): Promise<Record<string, string>> {
  server = await startArxivApiServer(handler);
  return {
    PAPERBOY_DATA_DIR: tempDir(),
    ARXIV_API_URL: server.url,
    ARXIV_API_INTERVAL_MS: '0',
    ARXIV_CATEGORIES: 'cs.SE,cs.LG',
    INGEST_USER_AGENT: 'paperboy-cli-test/1',
  };
}

/** Every stored row that ingestion writes, ordered, as one comparable value. */
function dump(dataDir: string): Record<string, unknown[]> {
  const db = new BetterSqlite3(path.join(dataDir, 'paperboy.db'), { readonly: true });
  try {
    const rows = (sql: string) => db.prepare(sql).all();
    return {
      papers: rows('select * from papers order by id'),
      authors: rows('select * from paper_authors order by paper_id, position'),
      versions: rows('select * from paper_versions order by paper_id, version'),
      categories: rows('select * from paper_categories order by paper_id, position'),
      listings: rows('select * from listings order by paper_id'),
      state: rows('select source, state from ingest_state order by source'),
    };
  } finally {
    db.close();
  }
}

const POLL_NOW = '2026-02-18T02:00:00Z'; // Tuesday 17 Feb 2026, 21:00 EST

describe('paperboy ingest arxiv', () => {
  it('looks up ids and stores them; refuses a malformed id before asking arXiv', async () => {
    const e = await env();
    const ok = await runArxivCli(['--ids', 'astro-ph/0601001'], e);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      'arXiv look-up of 1 id: 1 entries, 1 new, 0 updated, 0 unchanged, 0 listed, 0 skipped.',
    );
    expect(server!.requests.map((r) => r.userAgent)).toEqual(['paperboy-cli-test/1']);
    expect(dump(e.PAPERBOY_DATA_DIR!).authors).toHaveLength(4);

    const bad = await runArxivCli(['--ids', '2410.17243,abc'], e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('paperboy: arXiv API: not arXiv ids: abc');
    expect(server!.requests).toHaveLength(1);
  });

  it('--poll-once polls, stores and lists like the server does, page by page', async () => {
    const e = await env(categorySearchAs(60));
    const r = await runArxivCli(['--poll-once', '--page-size', '10', '--now', POLL_NOW], e);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'page 1 (results 0-10 of 60): 10 new, 0 updated, 0 unchanged, 0 listed',
      'page 2 (results 10-20 of 60): 10 new, 0 updated, 0 unchanged, 0 listed',
      'page 3 (results 20-30 of 60): 10 new, 0 updated, 0 unchanged, 1 listed',
      'page 4 (results 30-40 of 60): 10 new, 0 updated, 0 unchanged, 0 listed',
      'page 5 (results 40-50 of 60): 10 new, 0 updated, 0 unchanged, 0 listed',
      'page 6 (results 50-60 of 60): 10 new, 0 updated, 0 unchanged, 0 listed',
    ]);
    expect(lines.slice(6)).toEqual([
      'arXiv poll of cs.SE,cs.LG (updated 2026-02-14T02:00:00.000Z .. 2026-02-18T02:00:00.000Z, ' +
        'after the announcement of 2026-02-18T01:00:00.000Z): success',
      '60 new, 0 updated, 0 unchanged, 1 listed, 0 skipped, over 6 pages.',
    ]);
    const db = dump(e.PAPERBOY_DATA_DIR!);
    expect(db.papers).toHaveLength(60);
    expect(db.listings).toMatchObject([{ paper_id: '2602.15552', day: '2026-02-18' }]);
    expect(db.state).toEqual([
      {
        source: 'arxiv-api:poll',
        state: JSON.stringify({
          lastPollAt: '2026-02-18T02:00:00.000Z',
          from: '2026-02-14T02:00:00.000Z',
          to: '2026-02-18T02:00:00.000Z',
          announcement: '2026-02-18T01:00:00.000Z',
          categories: ['cs.SE', 'cs.LG'],
        }),
      },
    ]);
  });

  it('exits non-zero with a clear message when the poll fails', async () => {
    // arXiv's real answer to a query it cannot read: HTTP 400 with an error entry; not retried.
    const e = await env((req) => (req.key.startsWith('q:') ? replayAs('id:abc') : undefined));
    const r = await runArxivCli(['--poll-once', '--page-size', '10', '--now', POLL_NOW], e);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('): failed');
    expect(r.stderr).toMatch(
      /^paperboy: arXiv poll failed: arXiv API: the API rejected the request \(HTTP 400\): check the ids or the query \(http:\/\/127\.0\.0\.1:\d+\/api\/query\?search_query=%28cat%3Acs\.SE.*\); stored 0 new, 0 updated, 0 unchanged, 0 listed\n$/,
    );
    expect(server!.requests).toHaveLength(1);
    expect(dump(e.PAPERBOY_DATA_DIR!).state).toEqual([]);
  });

  it('resumes a --from/--to import killed mid-way to the same database as an uninterrupted run', async () => {
    const args = ['--categories', 'cs.SE', '--from', '2026-02-16', '--to', '2026-02-17', '--list'];
    const all = [...args, '--page-size', '10', '--now', '2026-11-27T12:00:00Z'];
    const replay = categorySearchAs(60);
    let hold = true;
    let page4Asked: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => (page4Asked = resolve));
    const e = await env((req) => {
      if (hold && req.params.get('start') === '30') {
        page4Asked();
        return new Promise(() => undefined); // never answers: the process dies waiting
      }
      return replay(req);
    });
    const child = spawnArxivCli(all, e);
    const result = finished(child);
    await asked;
    child.kill('SIGKILL');
    expect((await result).signal).toBe('SIGKILL');
    expect(dump(e.PAPERBOY_DATA_DIR!).papers).toHaveLength(30);

    hold = false;
    const rerun = await runArxivCli(all, e);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain(
      '(resumed at result 30): 30 entries, 30 new, 0 updated, 0 unchanged, 30 listed',
    );

    const once = { ...e, PAPERBOY_DATA_DIR: tempDir() };
    const clean = await runArxivCli(all, once);
    expect(clean.code).toBe(0);
    const resumed = dump(e.PAPERBOY_DATA_DIR!);
    expect(resumed.papers).toHaveLength(60);
    expect(resumed.listings).toHaveLength(60);
    expect(resumed.state).toEqual([]);
    expect(resumed).toEqual(dump(once.PAPERBOY_DATA_DIR));
  });
});

describe('paperboy serve with ARXIV_POLL', () => {
  const port = () => String(20000 + Math.floor(Math.random() * 20000));

  it('polls on start when enabled (catching up), and shuts down cleanly', async () => {
    const replay = categorySearchAs(100);
    const e = await env((req) =>
      req.params.get('start') === '0' ? replay({ ...req, params: withSize(req.params) }) : undefined,
    );
    const { child, output } = await startServer({
      ...e,
      PORT: port(),
      HOST: '127.0.0.1',
      PAPERBOY_DEMO: 'off',
      ARXIV_POLL: 'on',
    });
    const deadline = Date.now() + 20_000;
    while (!output().includes('arXiv poll:') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(output()).toContain('arXiv poll: 100 new, 0 updated, 0 unchanged');
    expect(server!.requests).toHaveLength(1);
    expect(server!.requests[0]!.params.get('max_results')).toBe('500');
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
    expect(output()).toContain('stopped cleanly');
    expect(dump(e.PAPERBOY_DATA_DIR!).papers).toHaveLength(100);
  });

  it('sends no request when ARXIV_POLL is off (the default)', async () => {
    const e = await env();
    const { child, output } = await startServer({
      ...e,
      PORT: port(),
      HOST: '127.0.0.1',
      PAPERBOY_DEMO: 'off',
    });
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
    expect(server!.requests).toEqual([]);
    expect(output()).not.toContain('arXiv');
  });
});

function replayAs(key: string) {
  const r = recordings().get(key)!;
  return { status: r.status, body: r.bytes };
}

/** The server's poll asks for 500 results at a time; the recording it gets is the 100-result page. */
function withSize(params: URLSearchParams): URLSearchParams {
  const p = new URLSearchParams(params);
  p.set('max_results', '100');
  return p;
}
