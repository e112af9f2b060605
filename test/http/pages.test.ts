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

function cardTitles(html: string): string[] {
  return [...html.matchAll(/<h2 class="paper-title"[^>]*>.*?<a href="([^"]+)"/g)].map((m) => m[1]!);
}

function upvoteCounts(html: string): number[] {
  return [...html.matchAll(/title="(\d+) upvotes"/g)].map((m) => Number(m[1]));
}

describe('daily feed', () => {
  it('serves the latest day on / ranked by upvotes', async () => {
    const res = await t.app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('Friday, November 27, 2026');
    // The HF papers of 2024-10-25 are pinned to the newest day; the 64-upvote one leads.
    expect(cardTitles(res.body)[0]).toBe('/papers/2410.17243');
    const votes = upvoteCounts(res.body);
    expect(votes.length).toBe(29); // the whole HF list of that day
    expect(votes).toEqual([...votes].sort((a, b) => b - a));
    expect(res.body).toMatch(
      /href="\/papers\/date\/2026-11-26" rel="prev"|rel="prev" href="\/papers\/date\/2026-11-26"/,
    );
  });

  it('pages through a day with ?p=', async () => {
    const first = await t.app.inject('/papers/date/2026-11-26');
    const second = await t.app.inject('/papers/date/2026-11-26?p=1');
    expect(first.body).toContain('href="/papers/date/2026-11-26?p=1"');
    const { n } = await t.container.database.db
      .selectFrom('listings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('day', '=', '2026-11-26')
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBeGreaterThan(30);
    expect(first.body).toContain(`>${n} papers<`);
    expect(second.statusCode).toBe(200);
    const overlap = cardTitles(first.body).filter((x) => cardTitles(second.body).includes(x));
    expect(overlap).toEqual([]);
    expect(cardTitles(second.body).length).toBeGreaterThan(0);
  });

  it('links a day to the previous and next days that have papers', async () => {
    const res = await t.app.inject('/papers/date/2026-11-23');
    expect(res.statusCode).toBe(200);
    // 2026-11-21 is a Saturday, which the demo skips.
    expect(res.body).toContain('href="/papers/date/2026-11-22"');
    expect(res.body).toContain('href="/papers/date/2026-11-24"');
  });

  it('shows an empty day with links instead of an error', async () => {
    const res = await t.app.inject('/papers/date/2026-11-21');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No papers were listed this day.');
  });

  it('answers 404 for impossible dates and 400 for bad pages', async () => {
    expect((await t.app.inject('/papers/date/2026-02-30')).statusCode).toBe(404);
    expect((await t.app.inject('/papers/date/yesterday')).statusCode).toBe(404);
    expect((await t.app.inject('/?p=abc')).statusCode).toBe(400);
    expect((await t.app.inject('/?p=99999')).statusCode).toBe(400);
  });
});

describe('week, month and trending', () => {
  it('ranks a week by upvotes and links neighbouring weeks', async () => {
    const res = await t.app.inject('/papers/week/2026-W47');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Week 47, 2026');
    const votes = upvoteCounts(res.body);
    expect(votes).toEqual([...votes].sort((a, b) => b - a));
    expect(res.body).toContain('href="/papers/week/2026-W46"');
    expect(res.body).toContain('href="/papers/week/2026-W48"');
  });

  it('redirects /papers/week and /papers/month to the latest period', async () => {
    const week = await t.app.inject('/papers/week');
    expect(week.statusCode).toBe(302);
    expect(week.headers.location).toBe('/papers/week/2026-W48');
    const month = await t.app.inject('/papers/month');
    expect(month.headers.location).toBe('/papers/month/2026-11');
  });

  it('serves a month', async () => {
    const res = await t.app.inject('/papers/month/2026-11');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('November 2026');
    expect((await t.app.inject('/papers/month/2026-13')).statusCode).toBe(404);
  });

  it('orders trending by the stored score', async () => {
    const res = await t.app.inject('/papers/trending');
    expect(res.statusCode).toBe(200);
    const rows = await t.container.database.db
      .selectFrom('listings')
      .select('paperId')
      .orderBy('trendingScore', 'desc')
      .orderBy('paperId')
      .limit(5)
      .execute();
    const expected = rows.map((r) => `/papers/${r.paperId}`);
    expect(cardTitles(res.body).slice(0, 5)).toEqual(expected);
  });
});

describe('paper page', () => {
  it('shows full metadata with math rendered by KaTeX', async () => {
    const res = await t.app.inject('/papers/0704.0001');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(
      'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
    );
    expect(res.body).toContain('C. Balázs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan');
    expect(res.body).toContain('href="https://arxiv.org/abs/0704.0001"');
    expect(res.body).toContain('href="https://arxiv.org/pdf/0704.0001"');
    expect(res.body).toContain('Phys.Rev.D76:013009,2007');
    expect(res.body).toContain('href="https://doi.org/10.1103/PhysRevD.76.013009"');
    expect(res.body).toContain('High Energy Physics - Phenomenology');
    const math = await t.app.inject('/papers/0704.0002');
    expect(math.body).toContain('class="katex"');
  });

  it('redirects versioned ids to the paper', async () => {
    const res = await t.app.inject('/papers/0704.0001v2');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/papers/0704.0001');
  });

  it('shows code links from the seed cards', async () => {
    const home = await t.app.inject('/papers/month/2026-11?p=0');
    expect(home.statusCode).toBe(200);
    const row = await t.container.database.db
      .selectFrom('papers')
      .select(['id', 'codeUrl'])
      .where('codeUrl', 'is not', null)
      .executeTakeFirstOrThrow();
    const page = await t.app.inject(`/papers/${row.id}`);
    expect(page.body).toContain(`href="${row.codeUrl}"`);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    expect((await t.app.inject('/papers/2410.99999')).statusCode).toBe(404);
    expect((await t.app.inject('/papers/%3Cscript%3E')).statusCode).toBe(404);
    const res = await t.app.inject('/no/such/page');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Page not found');
  });
});

describe('caching and headers', () => {
  it('revalidates with ETag and sends security headers', async () => {
    const first = await t.app.inject('/');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"/);
    expect(first.headers['content-security-policy']).toContain("script-src 'self'");
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    const again = await t.app.inject({ url: '/', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
  });

  it('renders afresh after the data changes', async () => {
    const before = await t.app.inject('/papers/2410.17243');
    await t.container.database.db
      .updateTable('papers')
      .set({ title: 'A retitled paper' })
      .where('id', '=', '2410.17243')
      .execute();
    t.container.database.noteWrite();
    const after = await t.app.inject('/papers/2410.17243');
    expect(before.body).not.toContain('A retitled paper');
    expect(after.body).toContain('A retitled paper');
  });

  it('serves the health check and static assets', async () => {
    const health = await t.app.inject('/healthz');
    expect(health.json()).toEqual({ status: 'ok' });
    expect((await t.app.inject('/assets/app.css')).statusCode).toBe(200);
    expect((await t.app.inject('/assets/katex/katex.min.css')).statusCode).toBe(200);
    expect((await t.app.inject('/assets/katex/katex.mjs')).statusCode).toBe(404);
  });
});
