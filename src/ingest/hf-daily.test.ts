import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { trendingScore } from '../domain/ranking.ts';
import { createTestApp } from '../../test/helpers/test-app.ts';
import type { TestApp } from '../../test/helpers/test-app.ts';
import { HfDailyError, hfHttpClient, importHfDaily, loadHfSource, parseHfDaily } from './hf-daily.ts';
import { HttpSourceError } from './polite-http.ts';

const HF_FILE = path.resolve(import.meta.dirname, '../../../shared/data/hf/daily_papers-2024-10-25.json');
const REAL = fs.readFileSync(HF_FILE, 'utf8');
type Item = {
  publishedAt: string;
  title: string;
  paper: Record<string, unknown> & { id: string; upvotes: number };
};
const items = (): Item[] => JSON.parse(REAL) as Item[];

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function app(): Promise<TestApp> {
  t = await createTestApp({ seed: false });
  return t;
}

function run(a: TestApp, text: string, source = 'test') {
  return importHfDaily(text, source, { handle: a.container.database, sink: a.container.sink });
}

/** Everything an import writes, ordered, without the write timestamp. */
async function dump(a: TestApp) {
  const db = a.container.database.db;
  const papers = await db.selectFrom('papers').selectAll().orderBy('id').execute();
  return {
    papers: papers.map(({ modifiedAt: _m, ...rest }) => rest),
    authors: await db.selectFrom('paperAuthors').selectAll().orderBy('paperId').orderBy('position').execute(),
    versions: await db
      .selectFrom('paperVersions')
      .selectAll()
      .orderBy('paperId')
      .orderBy('version')
      .execute(),
    categories: await db.selectFrom('paperCategories').selectAll().orderBy('paperId').execute(),
    listings: await db.selectFrom('listings').selectAll().orderBy('paperId').execute(),
    users: await db.selectFrom('users').selectAll().orderBy('id').execute(),
    organizations: await db.selectFrom('organizations').selectAll().orderBy('id').execute(),
  };
}

describe('parseHfDaily on the recorded list of 2024-10-25', () => {
  it('reads all 29 items with listing time, upvotes and submitter', () => {
    const parsed = parseHfDaily(REAL, HF_FILE);
    expect(parsed.total).toBe(29);
    expect(parsed.skipped).toEqual([]);
    const first = parsed.entries[0]!;
    expect(first.incoming.record.arxivId).toBe('2410.17243');
    // paper.title keeps arXiv's line break; the item's title does not.
    expect(first.incoming.record.title).toBe(items()[0]!.title);
    expect(first.incoming.record.versions).toEqual([
      { version: 1, submittedAt: '2024-10-22T17:59:30.000Z', size: null },
    ]);
    expect(first.incoming.extras).toMatchObject({ source: 'hf', importedUpvotes: 64 });
    expect(first.incoming.listing).toEqual({ day: '2024-10-25', listedAt: '2024-10-25T00:57:09.392Z' });
    expect(first.submitter).toEqual({ handle: 'ClownRat', fullname: 'Zesen Cheng' });
    expect(new Set(parsed.entries.map((e) => e.incoming.listing.day))).toEqual(new Set(['2024-10-25']));
    // The file has no githubRepo: code links come from the summaries.
    expect(
      parsed.entries.filter((e) => e.incoming.extras.codeUrl).map((e) => e.incoming.record.arxivId),
    ).toEqual(['2410.18798', '2410.18775', '2410.17779', '2410.18785']);
  });

  it('takes githubRepo, githubStars, projectPage and organization when the items have them', () => {
    const list = items();
    Object.assign(list[0]!.paper, {
      githubRepo: 'https://github.com/DAMO-NLP-SG/Inf-CLIP.git',
      githubStars: 231,
      projectPage: 'https://example.org/inf-clip',
      organization: { name: 'DAMO-NLP-SG', fullname: 'DAMO Academy', avatar: 'https://cdn.example/a.png' },
    });
    Object.assign(list[1]!, { organization: { name: 'ucsc', fullname: 'UC Santa Cruz' } });
    Object.assign(list[2]!.paper, { githubRepo: 'javascript:alert(1)', projectPage: 'javascript:alert(2)' });
    const [a, b, c] = parseHfDaily(JSON.stringify(list), 'test').entries;
    expect(a!.incoming.extras).toMatchObject({
      codeUrl: 'https://github.com/DAMO-NLP-SG/Inf-CLIP',
      githubStars: 231,
      projectUrl: 'https://example.org/inf-clip',
      organization: { name: 'DAMO-NLP-SG', fullname: 'DAMO Academy', avatarUrl: 'https://cdn.example/a.png' },
    });
    expect(b!.incoming.extras.organization).toEqual({
      name: 'ucsc',
      fullname: 'UC Santa Cruz',
      avatarUrl: null,
    });
    expect(c!.incoming.extras.codeUrl).toBeUndefined();
    expect(c!.incoming.extras.projectUrl).toBeUndefined();
  });

  it('names the source when the document is not JSON or not a list', () => {
    expect(() => parseHfDaily(REAL.slice(0, 5000), 'day.json')).toThrow(
      /Hugging Face daily papers \(day\.json\): not valid JSON/,
    );
    expect(() => parseHfDaily('{"error":"Invalid date"}', 'https://hf/api')).toThrow(
      /\(https:\/\/hf\/api\): expected a JSON array of daily-paper items, got an object with keys error/,
    );
    expect(() => parseHfDaily('', 'empty.json')).toThrow(HfDailyError);
    expect(parseHfDaily('[]', 'x').entries).toEqual([]);
  });

  it('skips bad items with their index, id and reason, and keeps the rest', () => {
    const list: unknown[] = items().slice(0, 6);
    delete ((list[1] as Item).paper as Record<string, unknown>).upvotes;
    (list[2] as Item).paper.id = 'not-an-id';
    (list[3] as Item & { submittedBy: { name: string } }).submittedBy.name = '<script>';
    list[4] = { ...(list[0] as Item) };
    list[5] = 'a string';
    const parsed = parseHfDaily(JSON.stringify(list), 'test');
    expect(parsed.entries.map((e) => e.index)).toEqual([0]);
    expect(parsed.skipped).toEqual([
      {
        index: 1,
        id: '2410.16251',
        reason: 'paper.upvotes: Invalid input: expected number, received undefined',
      },
      { index: 2, id: 'not-an-id', reason: 'paper.id "not-an-id" is not an arXiv id' },
      { index: 3, id: '2410.18693', reason: 'submittedBy.name: not a Hugging Face handle' },
      { index: 4, id: '2410.17243', reason: 'the same paper as item 0' },
      { index: 5, id: null, reason: 'Invalid input: expected object, received string' },
    ]);
  });
});

describe('importHfDaily', () => {
  it('imports the real file twice into the same database: counts replaced, not added', async () => {
    const a = await app();
    const first = await run(a, REAL);
    expect(first.stored).toMatchObject({ inserted: 29, listed: 29 });
    expect(first.days).toEqual(['2024-10-25']);
    // 29 items, 28 submitters: "brando" submitted two papers.
    expect(first.submitters).toEqual({ users: 28, created: 28, unresolved: [] });
    const once = await dump(a);
    const second = await run(a, REAL);
    expect(second.stored).toMatchObject({ inserted: 0, listed: 0 });
    expect(second.submitters.created).toBe(0);
    expect(await dump(a)).toEqual(once);

    expect(once.papers).toHaveLength(29);
    const top = once.papers.find((p) => p.id === '2410.17243')!;
    expect([top.upvotes, top.importedUpvotes, top.source]).toEqual([64, 64, 'hf']);
    expect(once.listings.every((l) => l.day === '2024-10-25')).toBe(true);
    const brando = once.users.find((u) => u.handle === 'brando')!;
    expect(brando).toMatchObject({
      displayName: 'Brando Miranda',
      email: 'brando@users.hf.invalid',
      role: 'user',
    });
    expect(once.listings.filter((l) => l.submittedBy === brando.id).map((l) => l.paperId)).toEqual([
      '2410.16429',
      '2410.18194',
    ]);
    const day = await a.container.feeds.day('2024-10-25');
    expect(day.papers.items[0]!.id).toBe('2410.17243');
    const reach = once.papers.find((p) => p.id === '2410.18798')!;
    expect(reach.codeUrl).toBe('https://github.com/hewei2001/ReachQA');
  });

  it('moves upvotes and the trending score by the change in the imported count, keeping community votes', async () => {
    const a = await app();
    await run(a, REAL);
    const db = a.container.database.db;
    // One community vote on top of HF's 64, as the voting feature records it.
    await db.updateTable('papers').set({ upvotes: 65 }).where('id', '=', '2410.17243').execute();
    const list = items();
    list[0]!.paper.upvotes = 100; // 64 → 100
    list[1]!.paper.upvotes = 30; // 41 → 30 (HF counts can drop: retracted votes)
    const r = await run(a, JSON.stringify(list));
    expect(r.stored.updated).toBe(29);
    const rows = await db
      .selectFrom('papers')
      .innerJoin('listings', 'listings.paperId', 'papers.id')
      .select(['id', 'upvotes', 'importedUpvotes', 'listedAt', 'trendingScore'])
      .where('id', 'in', ['2410.17243', '2410.16251', '2410.18533'])
      .orderBy('id')
      .execute();
    expect(rows.map((x) => [x.id, x.importedUpvotes, x.upvotes])).toEqual([
      ['2410.16251', 30, 30],
      ['2410.17243', 100, 101],
      ['2410.18533', 37, 37],
    ]);
    for (const x of rows) expect(x.trendingScore).toBe(trendingScore(x.upvotes, x.listedAt));
  });

  it('keeps the metadata of a paper stored from arXiv and adds HF counts, listing and code link', async () => {
    const a = await app();
    const arxivCopy = parseHfDaily(REAL, 'x').entries.find(
      (e) => e.incoming.record.arxivId === '2410.18798',
    )!;
    await a.container.sink.store([
      {
        record: { ...arxivCopy.incoming.record, categories: ['cs.CL', 'cs.AI'], comments: 'Under review' },
        extras: { source: 'arxiv' },
      },
    ]);
    await run(a, REAL);
    const p = await a.container.papers.get('2410.18798');
    expect(p).toMatchObject({
      source: 'arxiv',
      categories: ['cs.CL', 'cs.AI'],
      comments: 'Under review',
      upvotes: 17,
      codeUrl: 'https://github.com/hewei2001/ReachQA',
      listedOn: '2024-10-25',
    });
  });

  it('keeps HF counts, code link and listing when arXiv later brings a new version', async () => {
    const a = await app();
    await run(a, REAL);
    const hfCopy = parseHfDaily(REAL, 'x').entries.find((e) => e.incoming.record.arxivId === '2410.18798')!;
    const v2 = { version: 2, submittedAt: '2024-10-30T10:00:00.000Z', size: '2mb' };
    const r = await a.container.sink.store([
      {
        record: {
          ...hfCopy.incoming.record,
          versions: [...hfCopy.incoming.record.versions, v2],
          categories: ['cs.CL'],
        },
        extras: { source: 'arxiv' },
      },
    ]);
    expect(r.updated).toBe(1);
    const p = await a.container.papers.get('2410.18798');
    expect(p).toMatchObject({
      source: 'arxiv',
      latestVersion: 2,
      categories: ['cs.CL'],
      upvotes: 17,
      importedUpvotes: 17,
      codeUrl: 'https://github.com/hewei2001/ReachQA',
      listedOn: '2024-10-25',
    });
    // …and a later HF import still updates the count without touching arXiv's metadata.
    const list = items();
    list.find((i) => i.paper.id === '2410.18798')!.paper.upvotes = 20;
    await run(a, JSON.stringify(list));
    expect(await a.container.papers.get('2410.18798')).toMatchObject({
      source: 'arxiv',
      latestVersion: 2,
      categories: ['cs.CL'],
      upvotes: 20,
    });
  });

  it('stores hostile titles as text; the paper page escapes them', async () => {
    const a = await app();
    const list = items().slice(0, 2);
    const hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)> \'quotes\'';
    list[0]!.paper.title = `${hostile}\u0000\u0007`;
    list[0]!.paper.summary = '</textarea><svg onload=alert(1)>';
    const r = await run(a, JSON.stringify(list));
    expect(r.stored.inserted).toBe(2);
    const row = await a.container.database.db
      .selectFrom('papers')
      .select(['title', 'abstract'])
      .where('id', '=', '2410.17243')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ title: hostile, abstract: '</textarea><svg onload=alert(1)>' });
    const page = await a.app.inject('/papers/2410.17243');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).not.toContain('<svg onload');
    expect(page.body).toContain('&lt;script&gt;alert');
  });

  it('refuses a list in which no item is usable, storing nothing', async () => {
    const a = await app();
    const list = items().slice(0, 3);
    for (const i of list) i.paper.id = 'nope';
    await expect(run(a, JSON.stringify(list), 'bad.json')).rejects.toThrow(
      /\(bad\.json\): none of the 3 items is usable \(item 0 nope: paper\.id "nope" is not an arXiv id\)/,
    );
    expect(await a.container.papersRepo.count()).toBe(0);
  });
});

describe('loadHfSource', () => {
  let server: http.Server;
  let base: string;
  const hits = new Map<string, number[]>();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = req.url ?? '/';
      hits.set(url, [...(hits.get(url) ?? []), Date.now()]);
      const n = hits.get(url)!.length;
      if (url.startsWith('/api/daily_papers')) {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        return res.end(REAL);
      }
      if (url === '/flaky' && n === 1) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        return res.end('Internal Error');
      }
      if (url === '/flaky') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(REAL);
      }
      if (url === '/html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<!doctype html><title>Hugging Face – maintenance</title>');
      }
      if (url === '/huge') {
        // 100 MB of JSON-looking text, streamed without a length, until the client hangs up.
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1 << 20, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < 100 && !res.destroyed) {
            sent++;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.write('[');
        return pump();
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"Not Found"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const fast = () => hfHttpClient({ minIntervalMs: 0, backoffMs: 10, maxAttempts: 3 });

  it('fetches a day over HTTP, waiting about a second between requests', async () => {
    const client = hfHttpClient();
    const a = await loadHfSource(`${base}/api/daily_papers?date=2024-10-25`, client);
    await loadHfSource(`${base}/api/daily_papers?date=2024-10-24`, client);
    expect(parseHfDaily(a, 'x').entries).toHaveLength(29);
    const t1 = hits.get('/api/daily_papers?date=2024-10-25')![0]!;
    const t2 = hits.get('/api/daily_papers?date=2024-10-24')![0]!;
    // Measured where the server sees them: the first request's connection set-up eats into the gap.
    expect(t2 - t1).toBeGreaterThanOrEqual(600);
  });

  it('retries a 500 and then succeeds', async () => {
    const text = await loadHfSource(`${base}/flaky`, fast());
    expect(hits.get('/flaky')).toHaveLength(2);
    expect(text).toBe(REAL);
  });

  it('rejects a non-JSON body, a 404 and a 100 MB body with messages naming the source', async () => {
    await expect(loadHfSource(`${base}/html`, fast())).rejects.toThrow(
      `Hugging Face daily papers (${base}/html): expected JSON, got text/html: "<!doctype html>`,
    );
    const missing = loadHfSource(`${base}/missing`, fast());
    await expect(missing).rejects.toBeInstanceOf(HttpSourceError);
    await expect(missing).rejects.toThrow(/^Hugging Face: HTTP 404/);
    const started = Date.now();
    await expect(loadHfSource(`${base}/huge`, fast())).rejects.toThrow(
      /Hugging Face: response body larger than/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reads a file, and refuses a missing or oversized one', async () => {
    expect(await loadHfSource(HF_FILE)).toBe(REAL);
    await expect(loadHfSource('/nonexistent/day.json')).rejects.toThrow(
      'Hugging Face daily papers (/nonexistent/day.json): cannot read the file (ENOENT)',
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-hf-'));
    const big = path.join(dir, 'big.json');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 100 * 1024 * 1024); // sparse: costs no disk
    try {
      await expect(loadHfSource(big)).rejects.toThrow(
        /the file has 104857600 bytes, more than a daily list can/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
