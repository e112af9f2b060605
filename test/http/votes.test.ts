// Upvotes over HTTP against the real app and database: the vote buttons' forms (with and without
// JavaScript's JSON answer), idempotency, exact counts under 200 concurrent voters, trending order,
// the anonymous and CSRF-less cases, and the cached anonymous pages following the counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trendingScore } from '../../src/domain/ranking.ts';
import { cookiesOf, csrfTokenIn, signInAs } from '../helpers/session.ts';
import type { Session } from '../helpers/session.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

const PAPER = '2410.17243';
let t: TestApp;
let ada: Session;

beforeAll(async () => {
  t = await createTestApp();
  ada = await signInAs(t, { email: 'ada@example.org', handle: 'ada' });
});
afterAll(async () => t?.close());

async function stored(id: string) {
  return t.container.database.db
    .selectFrom('papers')
    .leftJoin('listings', 'listings.paperId', 'papers.id')
    .select(['papers.upvotes', 'papers.importedUpvotes', 'listings.trendingScore', 'listings.listedAt'])
    .where('papers.id', '=', id)
    .executeTakeFirstOrThrow();
}

function form(fields: Record<string, string>): { payload: string; headers: Record<string, string> } {
  return {
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

/** The vote button of one paper in a page: its form (or sign-in link) as HTML. */
function voteControl(html: string, id: string): string {
  const action = `action="/papers/${id}/upvote"`;
  const at = html.indexOf(action);
  if (at < 0) throw new Error(`no vote form for ${id}`);
  return html.slice(html.lastIndexOf('<form', at), html.indexOf('</form>', at));
}

/**
 * Signs `n` users in quickly: accounts and sessions made through the services (the sign-in flow
 * itself is tested elsewhere), sharing one CSRF secret taken from a real page.
 */
async function manySessions(n: number): Promise<{ cookie: string; csrf: string }[]> {
  const page = await t.app.inject({ method: 'GET', url: '/signin' });
  const csrfCookie = cookiesOf(page).pb_csrf!;
  const csrf = csrfTokenIn(page.body);
  const out: { cookie: string; csrf: string }[] = [];
  for (let i = 0; i < n; i++) {
    const { user } = await t.container.accounts.ensureUser(`voter${i}@example.org`);
    const sessionId = await t.container.auth.startSession(user.id, null);
    out.push({ cookie: `pb_session=${sessionId}; pb_csrf=${csrfCookie}`, csrf });
  }
  return out;
}

describe('vote buttons', () => {
  it('show anonymous visitors a sign-in link that returns to the page', async () => {
    const home = await t.app.inject({ method: 'GET', url: '/papers/trending' });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('href="/signin?next=%2Fpapers%2Ftrending"');
    expect(home.body).not.toContain('action="/papers/');
  });

  it('show viewers a form with a CSRF token, the pressed state, and the script', async () => {
    const home = await ada.inject({ method: 'GET', url: '/' });
    const control = voteControl(home.body, PAPER);
    expect(control).toContain('name="_csrf"');
    expect(control).toContain('name="vote" value="on"');
    expect(control).toContain('aria-pressed="false"');
    expect(home.body).toContain('src="/assets/upvote.js"');
  });
});

describe('live search results', () => {
  it('carry the viewer’s vote buttons, coming back to the search page', async () => {
    await ada.inject({
      method: 'POST',
      url: `/papers/${PAPER}/upvote`,
      ...form({ vote: 'on' }),
    });
    const res = await ada.inject({ method: 'GET', url: '/search/results?q=contrastive+loss' });
    const control = voteControl(res.body, PAPER);
    expect(control).toContain('aria-pressed="true"');
    expect(control).toContain('name="_csrf"');
    expect(control).toContain('name="next" value="/search?q=contrastive+loss"');
    const anonymous = await t.app.inject({ method: 'GET', url: '/search/results?q=contrastive+loss' });
    expect(anonymous.body).toContain('href="/signin?next=%2Fsearch%3Fq%3Dcontrastive%2Bloss"');
    await ada.inject({ method: 'POST', url: `/papers/${PAPER}/upvote`, ...form({ vote: 'off' }) });
  });
});

describe('POST /papers/:id/upvote', () => {
  it('toggles on, off and on idempotently, with exact counts and trending score', async () => {
    const before = await stored(PAPER);
    const vote = (value: string) =>
      ada.inject({ method: 'POST', url: `/papers/${PAPER}/upvote`, ...form({ vote: value, next: '/' }) });

    let res = await vote('on');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    expect((await stored(PAPER)).upvotes).toBe(before.upvotes + 1);
    await vote('on');
    expect((await stored(PAPER)).upvotes).toBe(before.upvotes + 1);

    const page = await ada.inject({ method: 'GET', url: `/papers/${PAPER}` });
    const control = voteControl(page.body, PAPER);
    expect(control).toContain('aria-pressed="true"');
    expect(control).toContain('name="vote" value="off"');
    expect(control).toContain(`>${before.upvotes + 1}<`);

    res = await vote('off');
    expect(res.statusCode).toBe(303);
    await vote('off');
    expect((await stored(PAPER)).upvotes).toBe(before.upvotes);
    await vote('on');
    const after = await stored(PAPER);
    expect(after.upvotes).toBe(before.upvotes + 1);
    expect(after.trendingScore).toBe(trendingScore(after.upvotes, after.listedAt!));
  });

  it('answers scripts with JSON', async () => {
    const res = await ada.inject({
      method: 'POST',
      url: `/papers/${PAPER}/upvote`,
      payload: 'vote=off',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const upvotes = (await stored(PAPER)).upvotes;
    expect(res.json()).toEqual({ upvotes, upvoted: false });
  });

  it('goes back to the Referer of this site, never elsewhere', async () => {
    const post = (fields: Record<string, string>, referer?: string) =>
      ada.inject({
        method: 'POST',
        url: `/papers/${PAPER}/upvote`,
        payload: new URLSearchParams(fields).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          host: 'paperboy.test',
          ...(referer ? { referer } : {}),
        },
      });
    expect((await post({ vote: 'on' }, 'http://paperboy.test/papers/trending?p=2')).headers.location).toBe(
      '/papers/trending?p=2',
    );
    expect((await post({ vote: 'on' }, 'https://evil.example/x')).headers.location).toBe(`/papers/${PAPER}`);
    expect((await post({ vote: 'on' })).headers.location).toBe(`/papers/${PAPER}`);
    for (const next of [
      '//evil.example',
      'https://evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      expect((await post({ vote: 'on', next })).headers.location).toBe('/');
    }
  });

  it('refuses bad votes, unknown papers and hidden papers, changing nothing', async () => {
    const before = await stored(PAPER);
    const bad = await ada.inject({
      method: 'POST',
      url: `/papers/${PAPER}/upvote`,
      ...form({ vote: 'yes' }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('vote must be');
    const unknown = await ada.inject({
      method: 'POST',
      url: '/papers/2410.99999/upvote',
      ...form({ vote: 'on' }),
    });
    expect(unknown.statusCode).toBe(404);
    const junk = await ada.inject({
      method: 'POST',
      url: '/papers/not-an-id/upvote',
      ...form({ vote: 'on' }),
    });
    expect(junk.statusCode).toBe(404);

    const hidden = '0704.0001';
    await t.container.database.db
      .updateTable('papers')
      .set({ hiddenAt: '2026-11-27T00:00:00.000Z' })
      .where('id', '=', hidden)
      .execute();
    const refused = await ada.inject({
      method: 'POST',
      url: `/papers/${hidden}/upvote`,
      ...form({ vote: 'on' }),
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('hidden by the moderators');
    await t.container.database.db
      .updateTable('papers')
      .set({ hiddenAt: null })
      .where('id', '=', hidden)
      .execute();
    expect(await stored(PAPER)).toEqual(before);
  });

  it('sends signed-out visitors to sign in, coming back to the page', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/signin' });
    const res = await t.app.inject({
      method: 'POST',
      url: `/papers/${PAPER}/upvote`,
      payload: 'vote=on',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `pb_csrf=${cookiesOf(page).pb_csrf}`,
        'x-csrf-token': csrfTokenIn(page.body),
        host: 'paperboy.test',
        referer: 'http://paperboy.test/papers/trending',
      },
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/signin?next=%2Fpapers%2Ftrending');
  });

  it('refuses a form post without the CSRF token', async () => {
    const before = await stored(PAPER);
    const res = await t.app.inject({
      method: 'POST',
      url: `/papers/${PAPER}/upvote`,
      payload: 'vote=off',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: ada.cookie },
    });
    expect(res.statusCode).toBe(403);
    expect(await stored(PAPER)).toEqual(before);
  });

  it('makes anonymous cached pages show the new count', async () => {
    const id = '0704.0002';
    const count = async () => {
      const res = await t.app.inject({ method: 'GET', url: `/papers/${id}` });
      return Number(/class="vote-count"[^>]*>(\d+)</.exec(res.body)![1]);
    };
    const before = await count();
    await count(); // now cached
    await ada.inject({ method: 'POST', url: `/papers/${id}/upvote`, ...form({ vote: 'on' }) });
    expect(await count()).toBe(before + 1);
  });

  it('with PAGE_CACHE_STALE_MS, serves the cached anonymous page for that long, the voter their own', async () => {
    // A window no test run outlasts: the page must still be the cached one right after the vote.
    const micro = await createTestApp({ env: { PAGE_CACHE_STALE_MS: '60000' } });
    try {
      const voter = await signInAs(micro, { email: 'micro@example.org', handle: 'micro' });
      const id = '0704.0003';
      const count = async (res: { body: string }) =>
        Number(/class="vote-count"[^>]*>(\d+)</.exec(res.body)![1]);
      const anonymous = () => micro.app.inject({ method: 'GET', url: `/papers/${id}` });
      const first = await anonymous();
      const before = await count(first);
      await voter.inject({ method: 'POST', url: `/papers/${id}/upvote`, ...form({ vote: 'on' }) });
      const again = await anonymous();
      expect(await count(again)).toBe(before);
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(await count(await voter.inject({ method: 'GET', url: `/papers/${id}` }))).toBe(before + 1);
    } finally {
      await micro.close();
    }
  });
});

describe('200 voters at once', () => {
  it('counts every vote exactly once, retries change nothing, and trending follows', async () => {
    const trendingIds = async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/daily_papers?sort=trending&limit=100' });
      return (res.json() as { paper: { id: string } }[]).map((item) => item.paper.id);
    };
    const ranking = await trendingIds();
    const id = ranking[60]!;
    const before = await stored(id);
    const sessions = await manySessions(200);
    const voteAll = () =>
      Promise.all(
        sessions.map((s) =>
          t.app.inject({
            method: 'POST',
            url: `/papers/${id}/upvote`,
            payload: 'vote=on',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              accept: 'application/json',
              cookie: s.cookie,
              'x-csrf-token': s.csrf,
            },
          }),
        ),
      );

    const first = await voteAll();
    expect(first.map((r) => r.statusCode)).toEqual(sessions.map(() => 200));
    const counts = first.map((r) => (r.json() as { upvotes: number }).upvotes).sort((a, b) => a - b);
    // Each answer saw its own vote and every one before it: 1..200 above the start, once each.
    expect(counts).toEqual(sessions.map((_, i) => before.upvotes + i + 1));
    const after = await stored(id);
    expect(after.upvotes).toBe(before.importedUpvotes + 200 + (before.upvotes - before.importedUpvotes));
    expect(after.trendingScore).toBe(trendingScore(after.upvotes, after.listedAt!));

    const again = await voteAll();
    expect(again.every((r) => r.statusCode === 200)).toBe(true);
    expect((await stored(id)).upvotes).toBe(after.upvotes);
    const rows = await t.container.database.db
      .selectFrom('votes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('paperId', '=', id)
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(after.upvotes - after.importedUpvotes);

    const reranked = await trendingIds();
    expect(reranked.indexOf(id)).toBeLessThan(60);
    expect(reranked.indexOf(id)).toBeGreaterThanOrEqual(0);
  });
});

describe('rate limit', () => {
  it('limits votes per account with RATE_LIMIT_WRITES, answering 429 with Retry-After', async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT_WRITES: '3' } });
    try {
      const grace = await signInAs(limited, { email: 'grace@example.org' });
      const vote = (value: string) =>
        grace.inject({
          method: 'POST',
          url: `/papers/${PAPER}/upvote`,
          payload: `vote=${value}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        });
      for (const value of ['on', 'off', 'on']) expect((await vote(value)).statusCode).toBe(200);
      const refused = await vote('off');
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      const row = await limited.container.database.db
        .selectFrom('votes')
        .select('paperId')
        .where('userId', '=', grace.userId)
        .execute();
      expect(row).toEqual([{ paperId: PAPER }]); // the refused "off" changed nothing
      // Another account has its own allowance.
      const linus = await signInAs(limited, { email: 'linus@example.org' });
      const other = await linus.inject({
        method: 'POST',
        url: `/papers/${PAPER}/upvote`,
        payload: 'vote=on',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      });
      expect(other.statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
