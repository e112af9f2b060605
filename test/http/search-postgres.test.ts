// Search on a PostgreSQL deployment: the real app on a database of the test cluster, its search
// served by the node-local index derived through the change feed, answers exactly as the SQLite
// app on the same demo data; moderation and a second node follow the feed.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, postgresTestsEnabled } from '../helpers/postgres.ts';

const describePg = postgresTestsEnabled() ? describe : describe.skip;

const QUERIES = [
  'contrastive loss batch size',
  '"Near Infinite"',
  'LLMs',
  'hallucinations',
  'quark -gluon',
  'quark cat:hep-ph',
  'language year:2024',
  'title:memory',
  'memory barrier xylophonic',
  'model sort:new',
  'the',
];

function resultIds(html: string): string[] {
  return [...html.matchAll(/<h2 class="paper-title"[^>]*><a href="\/papers\/([^"]+)"/g)].map((m) => m[1]!);
}

describePg('search on PostgreSQL (derived index)', () => {
  let sqlite: TestApp;
  let pg: TestApp;
  let drop: () => Promise<void>;
  let url: string;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    url = database.url;
    sqlite = await createTestApp();
    pg = await createTestApp({ env: { DATABASE_URL: url, SEARCH_SYNC_MS: '100' } });
  }, 120_000);
  afterAll(async () => {
    await sqlite?.close();
    await pg?.close();
    await drop?.();
  });

  it('serves the same results, scores and highlights as SQLite', async () => {
    expect(await pg.container.searchBackend.count()).toBe(await sqlite.container.searchBackend.count());
    for (const q of QUERIES) {
      const a = await sqlite.container.search.search(q, { limit: 20 });
      const b = await pg.container.search.search(q, { limit: 20 });
      expect(
        b.items.map((i) => [i.id, i.highlight]),
        q,
      ).toEqual(a.items.map((i) => [i.id, i.highlight]));
    }
    const top = await pg.container.search.search('model', { limit: 20, sort: 'upvotes' });
    const votes = top.items.map((i) => i.upvotes);
    expect(votes).toEqual([...votes].sort((x, y) => y - x));
    expect((await pg.container.search.similar('2410.17243', 5)).map((s) => s.id)).toEqual(
      (await sqlite.container.search.similar('2410.17243', 5)).map((s) => s.id),
    );
  });

  it('answers /search pages as on SQLite', async () => {
    const a = await sqlite.app.inject({ url: '/search?q=contrastive+loss' });
    const b = await pg.app.inject({ url: '/search?q=contrastive+loss' });
    expect(b.statusCode).toBe(200);
    expect(resultIds(b.body)).toEqual(resultIds(a.body));
    expect(resultIds(b.body)[0]).toBe('2410.17243');
  });

  it('drops a paper hidden through one node from another node within a poll', async () => {
    const other = await createTestApp({ seed: false, env: { DATABASE_URL: url, SEARCH_SYNC_MS: '100' } });
    try {
      expect(await other.container.search.rankIds('contrastive loss batch size', { limit: 5 })).toContain(
        '2410.17243',
      );
      await pg.container.database.db
        .updateTable('papers')
        .set({ hiddenAt: new Date().toISOString() })
        .where('id', '=', '2410.17243')
        .execute();
      await vi.waitFor(
        async () => {
          const hits = await other.container.searchBackend.search({
            match: 'contrastive',
            filters: { categories: [], dates: {}, hasCode: false },
            sort: 'relevance',
            limit: 50,
            offset: 0,
          });
          expect(hits.map((h) => h.paperId)).not.toContain('2410.17243');
        },
        { timeout: 1000, interval: 20 },
      );
    } finally {
      await other.close();
    }
  });
});
