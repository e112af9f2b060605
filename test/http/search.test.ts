import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

function resultIds(html: string): string[] {
  return [...html.matchAll(/<h2 class="paper-title"[^>]*><a href="\/papers\/([^"]+)"/g)].map((m) => m[1]!);
}

describe('search service on the demo data', () => {
  it('ranks papers whose title matches first', async () => {
    const r = await t.container.search.search('contrastive loss batch size', { limit: 10 });
    expect(r.items[0]?.id).toBe('2410.17243');
    expect(r.items[0]?.highlight?.title).toContain('\u0002');
  });

  it('finds hyphenated terms and acronyms', async () => {
    const ids = await t.container.search.rankIds('"Near Infinite"', { limit: 10 });
    expect(ids).toContain('2410.17243');
    const llm = await t.container.search.rankIds('LLMs', { limit: 50 });
    expect(llm.length).toBeGreaterThan(3);
  });

  it('matches stemmed forms', async () => {
    const a = await t.container.search.rankIds('hallucination', { limit: 20 });
    const b = await t.container.search.rankIds('hallucinations', { limit: 20 });
    expect(a.length).toBeGreaterThan(0);
    expect(a).toEqual(b);
  });

  it('excludes, restricts to fields and filters by category and year', async () => {
    const all = await t.container.search.rankIds('quark', { limit: 200 });
    const without = await t.container.search.rankIds('quark -gluon', { limit: 200 });
    expect(without.length).toBeLessThan(all.length);
    const hepPh = await t.container.search.search('quark cat:hep-ph', { limit: 50 });
    expect(hepPh.items.length).toBeGreaterThan(0);
    const rows = await t.container.database.db
      .selectFrom('paperCategories')
      .select('paperId')
      .where('category', '=', 'hep-ph')
      .execute();
    const inHepPh = new Set(rows.map((r) => r.paperId));
    expect(hepPh.items.every((i) => inHepPh.has(i.id))).toBe(true);
    const y2024 = await t.container.search.search('language year:2024', { limit: 50 });
    expect(y2024.items.length).toBeGreaterThan(0);
    expect(y2024.items.every((i) => i.submittedAt.startsWith('2024'))).toBe(true);
    const titled = await t.container.search.search('title:memory', { limit: 50 });
    expect(titled.items.every((i) => /memor/i.test(i.title))).toBe(true);
  });

  it('relaxes an all-words query that finds nothing to any-word ranking', async () => {
    const r = await t.container.search.search('memory barrier xylophonic', { limit: 10 });
    expect(r.relaxed).toBe(true);
    expect(r.items[0]?.id).toBe('2410.17243');
  });

  it('sorts by newest and by upvotes', async () => {
    const newest = await t.container.search.search('model sort:new', { limit: 20 });
    const dates = newest.items.map((i) => i.submittedAt);
    expect(dates).toEqual([...dates].sort().reverse());
    const top = await t.container.search.search('model', { limit: 20, sort: 'upvotes' });
    const votes = top.items.map((i) => i.upvotes);
    expect(votes).toEqual([...votes].sort((a, b) => b - a));
  });

  it('finds similar papers by their words', async () => {
    const similar = await t.container.search.similar('2410.17243', 5);
    expect(similar.length).toBeGreaterThan(0);
    expect(similar.map((s) => s.id)).not.toContain('2410.17243');
  });
});

describe('search pages and API', () => {
  it('renders /search with highlighted results', async () => {
    const res = await t.app.inject('/search?q=black+holes');
    expect(res.statusCode).toBe(200);
    expect(resultIds(res.body).length).toBeGreaterThan(0);
    expect(res.body).toContain('<mark>');
  });

  it('turns the filter fields into the query', async () => {
    const res = await t.app.inject('/search?q=&code=1');
    expect(res.statusCode).toBe(200);
    const ids = resultIds(res.body);
    expect(ids.length).toBeGreaterThan(0);
    const rows = await t.container.database.db
      .selectFrom('papers')
      .select('id')
      .where('codeUrl', 'is not', null)
      .execute();
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.id)));
  });

  it('explains a query it cannot run instead of failing', async () => {
    const res = await t.app.inject('/search?q=' + encodeURIComponent('has:dataset'));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('role="alert"');
    const punct = await t.app.inject('/search?q=' + encodeURIComponent('"(((***'));
    expect(punct.statusCode).toBeLessThan(500);
  });

  it('serves the result fragment for search-as-you-type', async () => {
    const res = await t.app.inject('/search/results?q=quark');
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith('<!doctype')).toBe(false);
    expect(resultIds(res.body).length).toBeGreaterThan(0);
  });

  it('answers the HF-compatible search API', async () => {
    const res = await t.app.inject('/api/papers/search?q=contrastive+loss&limit=3');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { paper: { id: string; title: string; summary: string; upvotes: number } }[];
    expect(body.length).toBeLessThanOrEqual(3);
    expect(body[0]?.paper.id).toBe('2410.17243');
    expect(body[0]?.paper.upvotes).toBe(64);
    const bad = await t.app.inject('/api/papers/search?q=x&limit=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { parameter: 'limit' } });
  });

  it('shows similar papers on a paper page', async () => {
    const res = await t.app.inject('/papers/0704.0001');
    expect(res.body).toContain('Similar papers');
  });
});

describe('queries with nothing to search', () => {
  it('explains instead of listing every paper', async () => {
    for (const q of ['"', '""', '()']) {
      const res = await t.app.inject('/search?q=' + encodeURIComponent(q));
      expect(res.statusCode, q).toBe(400);
      expect(res.body).toContain('no words or filters');
    }
  });
});
