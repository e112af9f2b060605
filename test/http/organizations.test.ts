// Organization pages (/org/:name, /orgs) over the real app and database: papers newest or most
// upvoted first, pagination, avatars, feed autodiscovery, and links from paper cards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

let t: TestApp;
/** The 35 papers given to ACME, as [id, submittedAt, upvotes]. */
let acmePapers: { id: string; submittedAt: string; upvotes: number }[];

function cardLinks(html: string): string[] {
  return [...html.matchAll(/<h2 class="paper-title"[^>]*>.*?<a href="([^"]+)"/g)].map((m) => m[1]!);
}

async function addOrganization(name: string, fullname: string, avatarUrl: string | null) {
  const row = await t.container.database.db
    .insertInto('organizations')
    .values({ name, fullname, avatarUrl, createdAt: '2026-01-01T00:00:00.000Z' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.container.database.db;
  const acme = await addOrganization('acme', 'ACME <Research>', 'https://images.example/acme.png');
  const evil = await addOrganization('evil', 'Evil Corp', 'javascript:alert(1)');
  acmePapers = await db
    .selectFrom('papers')
    .select(['id', 'submittedAt', 'upvotes'])
    .where('source', '=', 'arxiv')
    .orderBy('id')
    .limit(36)
    .execute();
  const hidden = acmePapers.pop()!;
  await db
    .updateTable('papers')
    .set({ organizationId: acme })
    .where(
      'id',
      'in',
      [...acmePapers, hidden].map((p) => p.id),
    )
    .execute();
  // A hidden paper counts nowhere.
  await db
    .updateTable('papers')
    .set({ hiddenAt: '2026-11-01T00:00:00Z' })
    .where('id', '=', hidden.id)
    .execute();
  await db.updateTable('papers').set({ organizationId: evil }).where('id', '=', '0704.0900').execute();
  t.container.database.noteWrite();
});

afterAll(async () => {
  await t.close();
});

const byNewest = (a: { submittedAt: string; id: string }, b: { submittedAt: string; id: string }) =>
  b.submittedAt.localeCompare(a.submittedAt) || a.id.localeCompare(b.id);

describe('organization page', () => {
  it('lists the papers newest first, with the name, count, avatar and feed links', async () => {
    const res = await t.app.inject('/org/acme');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1 id="org-heading">ACME &lt;Research></h1>');
    expect(res.body).toContain('35 papers');
    expect(res.body).toContain('src="https://images.example/acme.png"');
    expect(res.body).toContain('<link rel="alternate" type="application/rss+xml"');
    expect(res.body).toContain('href="/feeds/org/acme.rss"');
    const newest = [...acmePapers].sort(byNewest).map((p) => `/papers/${p.id}`);
    expect(cardLinks(res.body)).toEqual(newest.slice(0, 30));
    expect(res.body).toContain('rel="next" href="/org/acme?p=1"');
    const second = await t.app.inject('/org/acme?p=1');
    expect(cardLinks(second.body)).toEqual(newest.slice(30));
    // Each card names the organization with a link to this page.
    expect(res.body).toContain('<a class="org-badge" href="/org/acme" title="ACME &lt;Research>">');
  });

  it('sorts by upvotes on request, keeping the sort across pages', async () => {
    const res = await t.app.inject('/org/acme?sort=upvotes');
    expect(res.statusCode).toBe(200);
    const top = [...acmePapers]
      .sort((a, b) => b.upvotes - a.upvotes || byNewest(a, b))
      .map((p) => `/papers/${p.id}`);
    expect(top).not.toEqual([...acmePapers].sort(byNewest).map((p) => `/papers/${p.id}`));
    expect(cardLinks(res.body)).toEqual(top.slice(0, 30));
    expect(res.body).toContain('href="/org/acme?sort=upvotes&amp;p=1"');
    expect(res.body).toMatch(/<a class="tab" href="\/org\/acme\?sort=upvotes" aria-current="page">/);
  });

  it('finds an organization by its full name or another case', async () => {
    const res = await t.app.inject('/org/ACME');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<link rel="canonical" href="http://paperboy.test/org/acme"/>');
    expect((await t.app.inject('/org/parameter%20lab')).body).toContain('Parameter Lab');
  });

  it('drops avatars that are not https images', async () => {
    const res = await t.app.inject('/org/evil');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('javascript:');
    expect(res.body).not.toContain('org-avatar');
  });

  it('answers 404 for unknown organizations and 400 for bad parameters', async () => {
    expect((await t.app.inject('/org/no-such-lab')).statusCode).toBe(404);
    const sort = await t.app.inject('/org/acme?sort=oldest');
    expect(sort.statusCode).toBe(400);
    expect(sort.body).toContain('sort must be one of new, upvotes');
    expect((await t.app.inject('/org/acme?p=x')).statusCode).toBe(400);
  });

  it('is where the organization feed points', async () => {
    const feed = (await t.app.inject('/feeds/org/acme.json')).json() as { home_page_url: string };
    expect(feed.home_page_url).toBe('http://paperboy.test/org/acme');
  });
});

describe('organization index', () => {
  it('is linked from every page footer', async () => {
    expect((await t.app.inject('/')).body).toMatch(/<footer[\s\S]*<a href="\/orgs">organizations<\/a>/);
  });

  it('lists organizations with papers, most papers first', async () => {
    const res = await t.app.inject('/orgs');
    expect(res.statusCode).toBe(200);
    const names = [...res.body.matchAll(/<a class="org-row-name" href="([^"]+)"/g)].map((m) => m[1]);
    expect(names[0]).toBe('/org/acme');
    expect(names).toContain('/org/evil');
    expect(names).toContain('/org/parameterlab');
    expect(res.body).toContain('35 papers');
  });
});

describe('paper page', () => {
  it('links the organization badge to its page', async () => {
    const res = await t.app.inject(`/papers/${acmePapers[0]!.id}`);
    expect(res.body).toContain('<a class="org-badge" href="/org/acme">ACME &lt;Research></a>');
  });
});
