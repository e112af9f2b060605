// Hybrid search end to end: the real application on the demo data, embedding through a real
// HTTP embedding server on loopback (a toy model where "siamese objective minibatch" means
// "contrastive loss batch"), vectors in SQLite and the usearch index, fusion in the search service.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeEmbeddingServer } from '../helpers/fake-embedding-server.ts';
import { startFakeEmbeddingServer } from '../helpers/fake-embedding-server.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

/** "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss" */
const TARGET = '2410.17243';
/** None of these words occurs in any demo paper's title or abstract except "objective". */
const QUERY = 'siamese objective minibatch';

let server: FakeEmbeddingServer;
let t: TestApp;
let embedded: number;

const embeddingEnv = (budgetMs: number) => ({
  EMBEDDINGS: 'openai',
  EMBEDDINGS_URL: server.url,
  EMBEDDINGS_MODEL: 'toy',
  // Generous, so that a busy test machine never drops the semantic side by accident.
  SEARCH_SEMANTIC_BUDGET_MS: String(budgetMs),
});

beforeAll(async () => {
  server = await startFakeEmbeddingServer();
  t = await createTestApp({ env: embeddingEnv(10_000) });
  const report = await t.container.embedJob!.run();
  expect(report.status).toBe('success');
  embedded = report.embedded;
}, 60_000);
afterAll(async () => {
  await t?.close();
  await server?.close();
});

function resultIds(html: string): string[] {
  return [...html.matchAll(/<h2 class="paper-title"[^>]*><a href="\/papers\/([^"]+)"/g)].map((m) => m[1]!);
}

describe('hybrid search', () => {
  it('embeds every demo paper and indexes the vectors', async () => {
    expect(embedded).toBe(await t.container.papersRepo.count());
    expect(t.container.semantic!.size).toBe(embedded);
    expect(t.container.semantic!.indexKind).toBe('hnsw');
  });

  it('finds a paper by meaning when none of its words are in the query', async () => {
    const lexical = await t.container.search.rankIds(QUERY, { limit: 100 });
    expect(lexical.length).toBeGreaterThan(0); // papers with "objective"
    expect(lexical).not.toContain(TARGET);
    const hybrid = await t.container.search.search(QUERY, { limit: 10 });
    expect(hybrid.hybrid).toBe(true);
    expect(hybrid.items.slice(0, 3).map((i) => i.id)).toContain(TARGET);
    expect(hybrid.items.map((i) => i.id)).not.toEqual(lexical.slice(0, 10));
    expect(hybrid.relaxed).toBe(true); // not every word is in every result
    expect(await t.container.search.rankIds(QUERY, { limit: 10, mode: 'hybrid' })).toEqual(
      hybrid.items.map((i) => i.id),
    );
    const page = await t.app.inject(`/search?q=${encodeURIComponent(QUERY)}`);
    expect(page.statusCode).toBe(200);
    expect(resultIds(page.body).slice(0, 3)).toContain(TARGET);
  });

  it('finds by meaning alone when no paper has any of the words', async () => {
    expect(await t.container.search.rankIds('siamese minibatch', { limit: 10 })).toEqual([]);
    const r = await t.container.search.search('siamese minibatch', { limit: 10 });
    expect(r.hybrid).toBe(true);
    expect(r.items[0]?.id).toBe(TARGET);
    expect(r.items[0]?.highlight).toBeNull(); // nothing to mark
  });

  it('still ranks exact matches well: fusion keeps the lexical top hit near the top', async () => {
    const r = await t.container.search.search('contrastive loss batch size', { limit: 10 });
    expect(r.hybrid).toBe(true);
    expect(r.items[0]?.id).toBe(TARGET);
  });

  it('applies the query filters and exclusions to papers found by meaning', async () => {
    const rows = await t.container.database.db
      .selectFrom('paperCategories')
      .select('paperId')
      .where('category', '=', 'hep-ph')
      .execute();
    const hepPh = new Set(rows.map((r) => r.paperId));
    const inCategory = await t.container.search.search(`${QUERY} cat:hep-ph`, { limit: 50 });
    expect(inCategory.hybrid).toBe(true);
    expect(inCategory.items.length).toBeGreaterThan(0);
    expect(inCategory.items.every((i) => hepPh.has(i.id))).toBe(true);

    const year = await t.container.search.search(`${QUERY} year:2007`, { limit: 50 });
    expect(year.items.length).toBeGreaterThan(0);
    expect(year.items.every((i) => i.submittedAt.startsWith('2007'))).toBe(true);

    const code = await t.container.search.search(`${QUERY} has:code`, { limit: 50 });
    expect(code.items.every((i) => i.codeUrl !== null)).toBe(true);

    // The target is the nearest paper by meaning, but it mentions memory.
    const excluded = await t.container.search.search(`${QUERY} -memory`, { limit: 50 });
    expect(excluded.hybrid).toBe(true);
    expect(excluded.items.length).toBeGreaterThan(0);
    expect(excluded.items.map((i) => i.id)).not.toContain(TARGET);
  });

  it('stays lexical for sort:new, exact phrases and field restrictions', async () => {
    for (const q of [`${QUERY} sort:new`, '"Near Infinite"', 'title:memory']) {
      const r = await t.container.search.search(q, { limit: 10 });
      expect(r.hybrid, q).toBe(false);
    }
    const top = await t.container.search.search(QUERY, { limit: 10, sort: 'upvotes' });
    expect(top.hybrid).toBe(false);
  });

  it('pages through fused results without repeats', async () => {
    const first = await t.container.search.search('language models', { limit: 10 });
    const second = await t.container.search.search('language models', { limit: 10, offset: 10 });
    expect(first.hybrid && second.hybrid).toBe(true);
    expect(first.hasMore).toBe(true);
    const ids = [...first.items, ...second.items].map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    const all = await t.container.search.rankIds('language models', { limit: 20, mode: 'hybrid' });
    expect(ids).toEqual(all);
  });

  it('shows similar papers by vector on the paper page, and by shared words without a vector', async () => {
    const nearest = await t.container.semantic!.neighbours(TARGET, 6);
    const similar = await t.container.search.similar(TARGET, 6);
    expect(similar.map((s) => s.id)).toEqual(nearest!.map((h) => h.paperId));
    expect(similar.map((s) => s.id)).not.toContain(TARGET);
    const page = await t.app.inject(`/papers/${TARGET}`);
    expect(page.body).toContain('Similar papers');
    expect(page.body).toContain(`href="/papers/${similar[0]!.id}"`);

    await sql`DELETE FROM paper_embeddings WHERE paper_id = ${'0704.0001'}`.execute(t.container.database.db);
    const byWords = await t.container.search.similar('0704.0001', 6);
    expect(byWords.length).toBeGreaterThan(0);
  });

  it('answers lexically when the model is down', async () => {
    server.failAlways(503);
    try {
      const q = 'siamese objective minibatch tiling';
      const r = await t.container.search.search(q, { limit: 10 });
      expect(r.hybrid).toBe(false);
      expect(r.items.map((i) => i.id)).toEqual(await t.container.search.rankIds(q, { limit: 10 }));
    } finally {
      server.failAlways(null);
    }
  });
});

describe('hybrid search time budget', () => {
  let budgeted: TestApp;
  beforeAll(async () => {
    budgeted = await createTestApp({ env: embeddingEnv(100) });
    expect((await budgeted.container.embedJob!.run()).status).toBe('success');
  }, 60_000);
  afterAll(async () => {
    server.setDelay(0);
    await budgeted?.close();
  });

  it('drops the semantic side when the model answers later than the budget', async () => {
    server.setDelay(1500);
    const q = 'siamese minibatch objective scaling';
    const started = performance.now();
    const r = await budgeted.container.search.search(q, { limit: 10 });
    const elapsed = performance.now() - started;
    expect(r.hybrid).toBe(false);
    expect(elapsed).toBeLessThan(1000);
    expect(r.items.map((i) => i.id)).toEqual(await budgeted.container.search.rankIds(q, { limit: 10 }));
    server.setDelay(0);
    const fast = await budgeted.container.search.search('siamese minibatch', { limit: 10 });
    expect(fast.hybrid).toBe(true);
  });
});
