// The node-local search index of PostgreSQL deployments, against the test cluster: the change
// feed's ordering under out-of-order commits, rebuilds, catch-up, and several nodes converging.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../db/database.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { PaperRepository } from '../db/repositories/paper-repository.ts';
import { FEED_START, listenForChanges, SearchChangeFeed } from '../db/search-change-feed.ts';
import { categoryName } from '../domain/arxiv-taxonomy.ts';
import { createTestDatabase, postgresTestsEnabled, testServerUrl } from '../../test/helpers/postgres.ts';
import { paperRecord } from '../../test/helpers/paper-records.ts';
import { DerivedIndexBackend } from './derived-index-backend.ts';
import type { BackendQuery } from './search-backend.ts';
import { SqliteFts5Backend } from './sqlite-fts5-backend.ts';

const NOW = '2024-10-22T00:00:00.000Z';
const NO_FILTERS = { categories: [], dates: {}, hasCode: false };
const describePg = postgresTestsEnabled() ? describe : describe.skip;

function query(match: string | null, extra: Partial<BackendQuery> = {}): BackendQuery {
  return { match, filters: NO_FILTERS, sort: 'relevance', limit: 20, offset: 0, ...extra };
}

const RECORDS = [
  paperRecord('2410.00001', {
    title: 'Attention is all you need',
    abstract: 'Transformers replace recurrence with attention.',
  }),
  paperRecord('2410.00002', {
    title: 'Sparse attention transformers',
    abstract: 'Attention over long sequences, sparse.',
    categories: ['cs.CL'],
  }),
  paperRecord('2410.00003', {
    title: 'Graph neural networks',
    abstract: 'Message passing on graphs; attention optional.',
    authors: ['Grace Hopper'],
  }),
  paperRecord('2410.00004', {
    title: 'Diffusion models for images',
    abstract: 'Denoising diffusion probabilistic models.',
    day: '2024-10-20',
  }),
  paperRecord('2410.00005', {
    title: 'Attention in diffusion',
    abstract: 'Cross attention conditions diffusion.',
    categories: ['cs.CV'],
  }),
];

describePg('derived search index [postgres]', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let url: string;
  let handle: DatabaseHandle;
  let papers: PaperRepository;
  let feed: SearchChangeFeed;
  let dir: string;

  beforeAll(() => void testServerUrl());

  async function setup(): Promise<void> {
    const database = await createTestDatabase();
    url = database.url;
    handle = await openDatabase({ kind: 'postgres', url });
    cleanups.push(
      () => database.drop(),
      () => handle.close(),
    );
    papers = new PaperRepository(handle);
    feed = new SearchChangeFeed(handle.db);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-derived-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  }

  async function node(
    name: string,
    options: { pollMs?: number; listen?: boolean; batch?: number; retentionMs?: number } = {},
  ) {
    const backend = await DerivedIndexBackend.open({
      file: path.join(dir, `${name}.db`),
      feed,
      categoryName,
      pollMs: options.pollMs ?? 0,
      batch: options.batch,
      retentionMs: options.retentionMs,
      listen: options.listen ? (onChange) => listenForChanges(url, onChange, () => {}) : undefined,
    });
    cleanups.push(() => backend.close());
    return backend;
  }

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function ids(backend: { search(q: BackendQuery): Promise<{ paperId: string }[]> }, match: string) {
    return (await backend.search(query(match))).map((h) => h.paperId);
  }

  it('reads a change committed late with a smaller position, instead of skipping it', async () => {
    await setup();
    const early = await handle.db.startTransaction().execute();
    const late = await handle.db.startTransaction().execute();
    try {
      // `early` takes the smaller transaction id and sequence number but commits last.
      await sql`UPDATE search_feed SET singleton = 1`.execute(early);
      await sql`INSERT INTO search_changes (paper_id) VALUES ('early')`.execute(early);
      await sql`INSERT INTO search_changes (paper_id) VALUES ('late')`.execute(late);
      await late.commit().execute();
      // 'late' is committed, but a transaction with a smaller id is still open: nothing yet.
      const waiting = await feed.read(FEED_START, 100);
      expect(waiting.paperIds).toEqual([]);
      expect(waiting.cursor).toEqual(FEED_START);
      await early.commit().execute();
      const both = await feed.read(FEED_START, 100);
      expect(both.paperIds).toEqual(['early', 'late']);
      expect(await feed.read(both.cursor, 100)).toMatchObject({ paperIds: [], full: false });
    } finally {
      await early
        .rollback()
        .execute()
        .catch(() => {});
    }
  });

  it('records every write to papers, authors and categories, and only search-relevant updates', async () => {
    await setup();
    const start = await feed.read(FEED_START, 1000);
    await papers.upsert(RECORDS[0]!, { source: 'arxiv' }, NOW);
    const inserted = await feed.read(start.cursor, 1000);
    expect(inserted.paperIds).toEqual(['2410.00001']);
    await sql`UPDATE papers SET comment_count = comment_count + 1`.execute(handle.db);
    expect((await feed.read(inserted.cursor, 1000)).paperIds).toEqual([]);
    await sql`UPDATE paper_authors SET name = 'A. Lovelace' WHERE position = 0`.execute(handle.db);
    await sql`UPDATE papers SET hidden_at = ${NOW}`.execute(handle.db);
    await sql`DELETE FROM paper_categories`.execute(handle.db);
    const after = await feed.read(inserted.cursor, 1000);
    expect(after.paperIds).toEqual(['2410.00001']);
    await sql`TRUNCATE paper_categories`.execute(handle.db);
    expect((await feed.read(after.cursor, 1000)).everything).toBe(true);
  });

  it('builds the index on first start and ranks exactly as SQLite does', async () => {
    await setup();
    await papers.upsertMany(
      RECORDS.map((record) => ({ record, extras: { source: 'arxiv' } })),
      NOW,
    );
    const a = await node('a');
    expect(await a.start()).toEqual({ rebuilt: true, applied: RECORDS.length });
    expect(await a.count()).toBe(RECORDS.length);

    const sqlite = await openDatabase({ kind: 'sqlite', file: ':memory:' });
    cleanups.push(() => sqlite.close());
    await new PaperRepository(sqlite).upsertMany(
      RECORDS.map((record) => ({ record, extras: { source: 'arxiv' } })),
      NOW,
    );
    const reference = new SqliteFts5Backend(sqlite.db, undefined, categoryName);
    await reference.rebuild();
    for (const match of ['attention', 'diffusion OR graph', '"machine learning"', 'hopper', '"cs.CV"']) {
      expect(await a.search(query(match))).toEqual(await reference.search(query(match)));
      const hits = (await reference.search(query(match))).map((h) => h.paperId);
      expect(await a.highlights(hits, match)).toEqual(await reference.highlights(hits, match));
    }
    expect(await a.search(query(null, { sort: 'newest' }))).toEqual(
      await reference.search(query(null, { sort: 'newest' })),
    );
    expect(await a.moreLikeThis('2410.00001', 3)).toEqual(await reference.moreLikeThis('2410.00001', 3));
    const cl = { ...NO_FILTERS, categories: ['cs.CL'] };
    expect(
      await a.filterPapers(
        RECORDS.map((r) => r.arxivId),
        cl,
        null,
      ),
    ).toEqual(['2410.00002']);
  });

  it('catches up after downtime from its stored cursor, without a rebuild', async () => {
    await setup();
    await papers.upsertMany(
      RECORDS.slice(0, 3).map((record) => ({ record, extras: { source: 'arxiv' } })),
      NOW,
    );
    const first = await node('a');
    await first.start();
    await first.close();
    cleanups.pop();

    await papers.upsertMany(
      RECORDS.slice(3).map((record) => ({ record, extras: { source: 'arxiv' } })),
      NOW,
    );
    await papers.upsert(
      {
        ...RECORDS[0]!,
        title: 'Recurrence is all you need',
        versions: [{ version: 2, submittedAt: '2024-10-21T18:00:00.000Z', size: '1kb' }],
      },
      { source: 'arxiv' },
      NOW,
    );
    await sql`UPDATE papers SET hidden_at = ${NOW} WHERE id = '2410.00002'`.execute(handle.db);

    const again = await node('a', { batch: 2 }); // several reads
    const result = await again.start();
    expect(result.rebuilt).toBe(false);
    expect(result.applied).toBeGreaterThanOrEqual(4);
    expect(await again.count()).toBe(4);
    expect(await ids(again, 'recurrence')).toContain('2410.00001');
    expect(await ids(again, 'sparse')).toEqual([]);
    expect(await ids(again, 'diffusion')).toEqual(expect.arrayContaining(['2410.00004', '2410.00005']));
  });

  it('rebuilds when the index file is deleted, or comes from another database', async () => {
    await setup();
    await papers.upsertMany(
      RECORDS.map((record) => ({ record, extras: { source: 'arxiv' } })),
      NOW,
    );
    const a = await node('a');
    await a.start();
    const before = await a.search(query('attention'));
    await a.close();
    cleanups.pop();
    fs.rmSync(path.join(dir, 'a.db'));
    fs.rmSync(path.join(dir, 'a.db-wal'), { force: true });
    const b = await node('a');
    expect((await b.start()).rebuilt).toBe(true);
    expect(await b.search(query('attention'))).toEqual(before);
    await b.close();
    cleanups.pop();

    // The same file, followed against another database (a copy of the template): rebuilt, empty.
    const other = await createTestDatabase();
    const otherHandle = await openDatabase({ kind: 'postgres', url: other.url });
    cleanups.push(
      () => other.drop(),
      () => otherHandle.close(),
    );
    const elsewhere = await DerivedIndexBackend.open({
      file: path.join(dir, 'a.db'),
      feed: new SearchChangeFeed(otherHandle.db),
      pollMs: 0,
    });
    cleanups.push(() => elsewhere.close());
    expect(await elsewhere.start()).toEqual({ rebuilt: true, applied: 0 });
    expect(await elsewhere.count()).toBe(0);
  });

  it('two nodes converge to identical results; a change on one reaches the other within one poll', async () => {
    await setup();
    await papers.upsertMany(
      RECORDS.slice(0, 2).map((record) => ({ record, extras: { source: 'arxiv' } })),
      NOW,
    );
    const a = await node('a'); // built before the other papers arrive, then follows the feed
    await a.start();
    await papers.upsertMany(
      RECORDS.slice(2).map((record) => ({ record, extras: { source: 'arxiv' } })),
      NOW,
    );
    await sql`UPDATE papers SET upvotes = 7 WHERE id = '2410.00003'`.execute(handle.db);
    const b = await node('b', { pollMs: 100 }); // built from scratch with everything
    await b.start();
    await a.syncNow();
    for (const match of ['attention', 'diffusion', 'graph OR sparse', 'lovelace']) {
      expect(await a.search(query(match))).toEqual(await b.search(query(match)));
      expect(await a.search(query(match, { sort: 'upvotes' }))).toEqual(
        await b.search(query(match, { sort: 'upvotes' })),
      );
    }

    // Node a's process hides one paper and retitles another; b polls every 100 ms.
    expect(await ids(b, 'attention')).toContain('2410.00005');
    await sql`UPDATE papers SET hidden_at = ${NOW} WHERE id = '2410.00005'`.execute(handle.db);
    await papers.upsert(
      {
        ...RECORDS[3]!,
        title: 'Score matching for images',
        versions: [{ version: 2, submittedAt: '2024-10-21T18:00:00.000Z', size: '1kb' }],
      },
      { source: 'arxiv' },
      NOW,
    );
    await vi.waitFor(
      async () => {
        expect(await ids(b, 'attention')).not.toContain('2410.00005');
        expect(await ids(b, 'score')).toEqual(['2410.00004']);
      },
      { timeout: 250, interval: 20 },
    );
  });

  it('wakes up on NOTIFY at commit without polling', async () => {
    await setup();
    const a = await node('a', { listen: true });
    await a.start();
    await papers.upsert(RECORDS[2]!, { source: 'arxiv' }, NOW);
    await vi.waitFor(async () => expect(await ids(a, 'graph')).toEqual(['2410.00003']), {
      timeout: 2000,
      interval: 20,
    });
  });

  it('listens again after its connection is cut', async () => {
    await setup();
    const a = await node('a', { listen: true });
    await a.start();
    await vi.waitFor(async () => {
      const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM pg_stat_activity
        WHERE application_name = 'paperboy-search-listen' AND query = 'LISTEN search_changes'`.execute(
        handle.db,
      );
      expect(rows[0]!.n).toBe(1);
    });
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE application_name = 'paperboy-search-listen'`.execute(handle.db);
    await papers.upsert(RECORDS[3]!, { source: 'arxiv' }, NOW);
    await vi.waitFor(async () => expect(await ids(a, 'denoising')).toEqual(['2410.00004']), {
      timeout: 4000,
      interval: 50,
    });
  });

  it('rebuilds after the feed was pruned past its cursor', async () => {
    await setup();
    const a = await node('a');
    await a.start();
    await a.close();
    cleanups.pop();
    await papers.upsert(RECORDS[0]!, { source: 'arxiv' }, NOW);
    expect(await feed.prune(0)).toBeGreaterThan(0);
    const again = await node('a');
    expect(await again.start()).toEqual({ rebuilt: true, applied: 1 });
    expect(await ids(again, 'attention')).toEqual(['2410.00001']);
  });

  it('prunes change rows past the retention; another node behind the prune mark rebuilds', async () => {
    await setup();
    const behind = await node('behind');
    await behind.start();
    await papers.upsert(RECORDS[1]!, { source: 'arxiv' }, NOW);
    const pruner = await node('pruner', { retentionMs: 0 });
    await pruner.start();
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM search_changes`.execute(handle.db);
    expect(rows[0]!.n).toBe(0);
    expect(await behind.syncNow()).toEqual({ rebuilt: true, applied: 1 });
    expect(await ids(behind, 'sparse')).toEqual(['2410.00002']);
  });
});
