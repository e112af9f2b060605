// Submissions over HTTP against the real app, with arXiv played by the loopback replay server of
// recorded API responses (../shared/data/arxiv/api-atom). The recordings are of 2006-2017 papers;
// for the papers that must be recent, the server serves the same recording with its dates moved to
// two days ago, or with another id (a paper arXiv "has" that no recording covers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trendingScore } from '../../src/domain/ranking.ts';
import { ForbiddenError } from '../../src/services/errors.ts';
import { recordedBody, startArxivApiServer, withoutEntries, withTotal } from '../helpers/arxiv-api-server.ts';
import type { ArxivApiServer, Handler } from '../helpers/arxiv-api-server.ts';
import { signInAs } from '../helpers/session.ts';
import type { Session } from '../helpers/session.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

const TODAY = new Date().toISOString().slice(0, 10);
const RECENT = new Date(Date.now() - 2 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** The recording with every date in its entries moved to RECENT. */
function recent(key: string): string {
  return recordedBody(key).replace(/<(published|updated)>[^<]+</g, `<$1>${RECENT}<`);
}

/** A recent paper with id `id`: the 1605.08386 recording under another id. */
function recentAs(id: string): string {
  return recent('id:1605.08386').replaceAll('1605.08386', id);
}

/** Ids the replay server answers by rule; anything else replays its recording as recorded. */
const arxiv: Handler = (req) => {
  const id = req.key.startsWith('id:') ? req.key.slice(3) : '';
  if (id === '1605.08386' || id === 'astro-ph/0601001') return { body: recent(`id:${id}`) };
  if (/^2611\.\d{5}$/.test(id)) return { body: recentAs(id) };
  if (id === '2410.99999') return { body: withTotal(withoutEntries(recordedBody('id:1605.08386')), 0) };
  if (id === '2412.00503') return { status: 503, headers: { 'content-type': 'text/plain' }, body: 'down' };
  return undefined;
};

let server: ArxivApiServer;
let t: TestApp;
let ada: Session;
let token: string;

beforeAll(async () => {
  server = await startArxivApiServer(arxiv);
  t = await createTestApp({
    env: { ARXIV_API_URL: server.url, ARXIV_API_INTERVAL_MS: '0', SUBMISSIONS_PER_DAY: '50' },
  });
  ada = await signInAs(t, { email: 'ada@example.org', handle: 'ada' });
  token = (await t.container.accounts.createApiToken(ada.userId, 'tests')).token;
});
afterAll(async () => {
  await t?.close();
  await server?.close();
});

function submitForm(session: Session, fields: Record<string, string>) {
  return session.inject({
    method: 'POST',
    url: '/submit',
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

async function paperRow(id: string) {
  return t.container.database.db
    .selectFrom('papers')
    .leftJoin('listings', 'listings.paperId', 'papers.id')
    .leftJoin('organizations', 'organizations.id', 'papers.organizationId')
    .select([
      'papers.upvotes',
      'papers.codeUrl',
      'papers.projectUrl',
      'organizations.name as orgName',
      'organizations.fullname as orgFullname',
      'listings.day',
      'listings.listedAt',
      'listings.submittedBy',
      'listings.trendingScore',
    ])
    .where('papers.id', '=', id)
    .executeTakeFirst();
}

describe('GET /submit', () => {
  it('sends visitors to sign in first', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/submit' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/signin?next=%2Fsubmit');
  });

  it('shows viewers the form, privately, with the header link', async () => {
    const res = await ada.inject({ method: 'GET', url: '/submit' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.body).toContain('<h1 id="submit-heading">Submit a paper</h1>');
    expect(res.body).toContain('name="_csrf"');
    expect(res.body).toMatch(/<label for="submit-id">arXiv identifier or link<\/label>/);
    expect(res.body).toContain('<datalist id="submit-organizations">');
    expect(res.body).toContain('last 14 days');
    expect(res.body).toContain('You can submit 50 more today.');
    expect(res.body).toContain('class="header-submit" href="/submit"');
  });
});

describe('POST /submit', () => {
  it('lists a recent paper today with code, project page, a new organization and the submitter’s upvote', async () => {
    const res = await submitForm(ada, {
      id: 'https://arxiv.org/abs/1605.08386v1',
      githubRepo: 'https://github.com/heat-bath/walks.git',
      projectPage: 'https://example.org/walks',
      organization: '  Heat  Bath Lab ',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/papers/1605.08386');
    const row = (await paperRow('1605.08386'))!;
    expect(row).toMatchObject({
      upvotes: 1,
      codeUrl: 'https://github.com/heat-bath/walks',
      projectUrl: 'https://example.org/walks',
      orgName: 'heat-bath-lab',
      orgFullname: 'Heat Bath Lab',
      day: TODAY,
      submittedBy: ada.userId,
    });
    expect(row.trendingScore).toBe(trendingScore(1, row.listedAt!));
    expect(server.requests.at(-1)!.key).toBe('id:1605.08386');

    const page = await ada.inject({ method: 'GET', url: '/papers/1605.08386' });
    expect(page.body).toContain('Heat-bath random walks with Markov bases');
    expect(page.body).toMatch(/Submitted by <a href="\/u\/ada" title="@ada">ada<\/a>/);
    expect(page.body).toContain('aria-pressed="true"');
    const home = await t.app.inject({ method: 'GET', url: '/' });
    expect(home.body).toContain('href="/papers/1605.08386"');
    const daily = await t.app.inject({ method: 'GET', url: `/api/daily_papers?date=${TODAY}&limit=100` });
    const item = (daily.json() as { paper: { id: string }; submittedBy: unknown }[]).find(
      (i) => i.paper.id === '1605.08386',
    );
    expect(item?.submittedBy).toEqual({ name: 'ada', fullname: 'ada' });
    const mine = await t.app.inject({ method: 'GET', url: `/api/daily_papers?date=${TODAY}&submitter=ada` });
    expect((mine.json() as { paper: { id: string } }[]).map((i) => i.paper.id)).toContain('1605.08386');
    await t.searchCaughtUp(); // on PostgreSQL the index follows the commit through the change feed
    const found = await t.app.inject({ method: 'GET', url: '/api/papers/search?q=heat-bath+markov' });
    expect((found.json() as { paper: { id: string } }[]).map((r) => r.paper.id)).toContain('1605.08386');
  });

  it('offers to upvote a paper that is already listed, without asking arXiv', async () => {
    const asked = server.requests.length;
    const res = await submitForm(ada, { id: '2410.17243v2' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('already listed');
    expect(res.body).toMatch(/class="submit-listed"[\s\S]*action="\/papers\/2410.17243\/upvote"/);
    expect(res.body).toContain('href="/papers/2410.17243"');
    expect(res.body).toContain('value="2410.17243v2"'); // what was typed stays in the form
    expect(server.requests.length).toBe(asked);
  });

  it('lists a stored paper that is not listed yet from the database', async () => {
    const id = '2611.09001';
    await t.container.sink.store([
      {
        record: {
          arxivId: id,
          title: 'A stored but unlisted paper',
          abstract: 'Nobody listed it yet.',
          authors: ['Grace Hopper'],
          categories: ['cs.LG'],
          versions: [{ version: 1, submittedAt: RECENT, size: null }],
          comments: null,
          journalRef: null,
          doi: null,
          reportNo: null,
          license: null,
        },
        extras: { source: 'arxiv' },
      },
    ]);
    const asked = server.requests.length;
    const res = await submitForm(ada, { id });
    expect(res.statusCode).toBe(303);
    expect(server.requests.length).toBe(asked);
    expect(await paperRow(id)).toMatchObject({ day: TODAY, upvotes: 1, submittedBy: ada.userId });
  });

  it('lists a paper once when two people submit it at the same time', async () => {
    const bob = await signInAs(t, { email: 'bob@example.org', handle: 'bob' });
    const [a, b] = await Promise.all([
      submitForm(ada, { id: '2611.09020' }),
      submitForm(bob, { id: '2611.09020' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([303, 409]);
    const row = (await paperRow('2611.09020'))!;
    expect(row.upvotes).toBe(1); // the winner's own upvote; the other may upvote it now
    expect([ada.userId, bob.userId]).toContain(row.submittedBy);
  });

  it('accepts old-style ids', async () => {
    const res = await submitForm(ada, { id: 'arXiv:astro-ph/0601001v1' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/papers/astro-ph/0601001');
    expect(await paperRow('astro-ph/0601001')).toMatchObject({ day: TODAY, upvotes: 1 });
    // Its vote button posts to the old-style address too.
    const page = await ada.inject({ method: 'GET', url: '/papers/astro-ph/0601001' });
    expect(page.body).toContain('action="/papers/astro-ph/0601001/upvote"');
    const off = await ada.inject({
      method: 'POST',
      url: '/papers/astro-ph/0601001/upvote',
      payload: 'vote=off&next=/papers/astro-ph/0601001',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(off.statusCode).toBe(303);
    expect(off.headers.location).toBe('/papers/astro-ph/0601001');
    expect(await paperRow('astro-ph/0601001')).toMatchObject({ upvotes: 0 });
    await ada.inject({
      method: 'POST',
      url: '/papers/astro-ph/0601001/upvote',
      payload: 'vote=on',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  });

  it.each([
    ['abc', 'id', 'is not an arXiv identifier'],
    ['0000.0000', 'id', 'is not an arXiv identifier'],
    ['', 'id', 'Enter an arXiv identifier'],
  ])('refuses the malformed id %j', async (id, field, message) => {
    const res = await submitForm(ada, { id });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(res.body).toMatch(new RegExp(`id="submit-${field}"[^>]*aria-invalid="true"`));
  });

  it.each([
    ['githubRepo', 'https://gitlab.com/a/b', 'must be a GitHub repository'],
    ['projectPage', 'javascript:alert(1)', 'must be a web address'],
    ['organization', '!!', 'must be a name'],
  ])('refuses a bad %s, keeping what was typed and storing nothing', async (field, value, message) => {
    const asked = server.requests.length;
    const res = await submitForm(ada, { id: '2611.09002', [field]: value });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(res.body).toMatch(new RegExp(`id="submit-${field}"[^>]*aria-invalid="true"`));
    expect(res.body).toContain('value="2611.09002"');
    expect(server.requests.length).toBe(asked);
    expect(await paperRow('2611.09002')).toBeUndefined();
  });

  it('refuses papers the moderators hid', async () => {
    const db = t.container.database.db;
    await db
      .updateTable('papers')
      .set({ hiddenAt: new Date().toISOString() })
      .where('id', '=', '0704.0003')
      .execute();
    try {
      const res = await submitForm(ada, { id: '0704.0003' });
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('removed by the moderators');
    } finally {
      await db.updateTable('papers').set({ hiddenAt: null }).where('id', '=', '0704.0003').execute();
    }
  });

  it('says when arXiv has no such paper', async () => {
    const res = await submitForm(ada, { id: '2410.99999' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('arXiv has no paper 2410.99999');
    expect(await paperRow('2410.99999')).toBeUndefined();
  });

  it('refuses papers older than the recency window, storing nothing', async () => {
    const res = await submitForm(ada, { id: '1707.08567' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/was first submitted on 2017-07-\d\d; only papers from the last 14 days/);
    expect(await paperRow('1707.08567')).toBeUndefined();
  });

  it('says when arXiv does not answer, storing nothing', async () => {
    const res = await submitForm(ada, { id: '2412.00503', githubRepo: 'https://github.com/a/b' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('arXiv did not answer');
    expect(res.body).toContain('value="https://github.com/a/b"');
    expect(await paperRow('2412.00503')).toBeUndefined();
    expect(server.requests.filter((r) => r.key === 'id:2412.00503').length).toBe(2); // one retry
  });

  it('refuses banned users', async () => {
    const banned = await signInAs(t, { email: 'mallory@example.org', handle: 'mallory' });
    await t.container.database.db
      .updateTable('users')
      .set({ bannedAt: new Date().toISOString() })
      .where('id', '=', banned.userId)
      .execute();
    const res = await submitForm(banned, { id: '2611.09003' });
    expect(res.statusCode).toBe(303); // the session no longer counts: sign in again
    expect(res.headers.location).toMatch(/^\/signin/);
    // and the rule itself, for a ban that lands while the request is in flight
    await expect(t.container.submissions.submit({ id: banned.userId }, { id: '2611.09003' })).rejects.toThrow(
      ForbiddenError,
    );
    expect(await paperRow('2611.09003')).toBeUndefined();
  });

  it('refuses a form post without the CSRF token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/submit',
      payload: 'id=2611.09004',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: ada.cookie },
    });
    expect(res.statusCode).toBe(403);
    expect(await paperRow('2611.09004')).toBeUndefined();
  });
});

describe('the daily limit', () => {
  it('stops the submissions of one UTC day at SUBMISSIONS_PER_DAY', async () => {
    const limited = await createTestApp({
      seed: false,
      env: { ARXIV_API_URL: server.url, ARXIV_API_INTERVAL_MS: '0', SUBMISSIONS_PER_DAY: '2' },
    });
    try {
      const grace = await signInAs(limited, { email: 'grace@example.org' });
      const other = await signInAs(limited, { email: 'linus@example.org' });
      const post = (s: Session, id: string) =>
        s.inject({
          method: 'POST',
          url: '/submit',
          payload: `id=${id}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      expect((await post(grace, '2611.00001')).statusCode).toBe(303);
      expect((await post(grace, '2611.00002')).statusCode).toBe(303);
      const asked = server.requests.length;
      const third = await post(grace, '2611.00003');
      expect(third.statusCode).toBe(429);
      expect(third.body).toContain('You have reached today’s limit');
      expect(third.body).toContain('You have submitted 2 papers today');
      const retryAfter = Number(third.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(86_400);
      expect(server.requests.length).toBe(asked);
      // Another account still may.
      expect((await post(other, '2611.00003')).statusCode).toBe(303);

      // At the limit's edge, concurrent submissions cannot slip past it: the count is checked again
      // in the transaction that lists the paper.
      const hopper = await signInAs(limited, { email: 'hopper@example.org' });
      const raced = await Promise.all(
        ['2611.00011', '2611.00012', '2611.00013'].map((id) => post(hopper, id)),
      );
      expect(raced.map((r) => r.statusCode).sort()).toEqual([303, 303, 429]);
      const listed = await limited.container.database.db
        .selectFrom('listings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('submittedBy', '=', hopper.userId)
        .executeTakeFirstOrThrow();
      expect(Number(listed.n)).toBe(2);
    } finally {
      await limited.close();
    }
  });
});

describe('API write endpoints', () => {
  const bearer = () => ({ authorization: `Bearer ${token}` });

  it('POST /api/papers submits with a token and answers 201 with the paper', async () => {
    const orgs = await t.container.database.db
      .selectFrom('organizations')
      .select(['name', 'fullname'])
      .execute();
    const known = orgs.find((o) => o.name !== 'heat-bath-lab')!;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/papers',
      headers: bearer(),
      payload: {
        id: '2611.09010',
        githubRepo: 'https://github.com/x/y',
        organization: known.name.toUpperCase(),
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe('/api/papers/2611.09010');
    expect(res.json()).toMatchObject({
      id: '2611.09010',
      title: 'Heat-bath random walks with Markov bases',
      upvotes: 1,
      numComments: 0,
      githubRepo: 'https://github.com/x/y',
      projectPage: null,
      organization: { name: known.name, fullname: known.fullname },
      authors: [{ name: 'Caprice Stanley' }, { name: 'Tobias Windisch' }],
      paperboyUrl: 'http://paperboy.test/papers/2611.09010',
    });
  });

  it('POST /api/papers names the wrong parameter, and refuses duplicates with 409', async () => {
    const post = (payload: unknown) =>
      t.app.inject({ method: 'POST', url: '/api/papers', headers: bearer(), payload: payload as object });
    let res = await post({ githubRepo: 'https://github.com/x/y' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { status: 400, parameter: 'id' } });
    res = await post({ id: '2611.09011', projectPage: 'ftp://x.org' });
    expect(res.json()).toMatchObject({ error: { status: 400, parameter: 'projectPage' } });
    res = await post({ id: '2410.17243' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: { status: 409, parameter: 'id' } });
    expect(res.json().error.message).toContain('already listed');
  });

  it('POST /api/papers needs a token (401 JSON), and a cookie session needs the CSRF token', async () => {
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/papers',
      payload: { id: '2611.09012' },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ error: { status: 401 } });
    const badToken = await t.app.inject({
      method: 'POST',
      url: '/api/papers',
      headers: { authorization: 'Bearer pb_not-a-real-token' },
      payload: { id: '2611.09012' },
    });
    expect(badToken.statusCode).toBe(401);
    const cookieOnly = await t.app.inject({
      method: 'POST',
      url: '/api/papers',
      headers: { cookie: ada.cookie },
      payload: { id: '2611.09012' },
    });
    expect(cookieOnly.statusCode).toBe(403);
    expect(await paperRow('2611.09012')).toBeUndefined();
  });

  it('POST and DELETE /api/papers/:id/upvote set the vote idempotently', async () => {
    const id = '2410.17243';
    const start = (await paperRow(id))!.upvotes;
    const call = (method: 'POST' | 'DELETE', payload?: object, url = `/api/papers/${id}/upvote`) =>
      t.app.inject({ method, url, headers: bearer(), ...(payload ? { payload } : {}) });
    // Ada may have voted in another test; start from "not upvoted".
    const base = (await call('DELETE')).json().upvotes as number;
    expect(base).toBeLessThanOrEqual(start);
    expect((await call('POST')).json()).toEqual({ upvotes: base + 1, upvoted: true });
    expect((await call('POST', { upvote: true })).json()).toEqual({ upvotes: base + 1, upvoted: true });
    expect((await call('POST', { upvote: false })).json()).toEqual({ upvotes: base, upvoted: false });
    expect((await call('POST')).json()).toEqual({ upvotes: base + 1, upvoted: true });
    expect((await call('DELETE')).json()).toEqual({ upvotes: base, upvoted: false });
    expect((await call('DELETE')).json()).toEqual({ upvotes: base, upvoted: false });

    const old = await call('POST', undefined, '/api/papers/astro-ph/0601001/upvote');
    expect(old.statusCode).toBe(200);
    expect(old.json()).toEqual({ upvotes: 1, upvoted: true }); // Ada submitted it: her vote was there

    const empty = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${id}/upvote`,
      headers: { ...bearer(), 'content-type': 'application/json' },
    });
    expect(empty.json()).toEqual({ upvotes: base + 1, upvoted: true });
    const broken = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${id}/upvote`,
      headers: { ...bearer(), 'content-type': 'application/json' },
      payload: '{"upvote": tru',
    });
    expect(broken.statusCode).toBe(400);
    const poisoned = await t.app.inject({
      method: 'POST',
      url: '/api/papers',
      headers: { ...bearer(), 'content-type': 'application/json' },
      payload: '{"id": "2611.09013", "__proto__": {"x": 1}}',
    });
    expect(poisoned.statusCode).toBe(400);
    expect(await paperRow('2611.09013')).toBeUndefined();
    await call('DELETE');

    const bad = await call('POST', { upvote: 'maybe' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { parameter: 'upvote' } });
    const unknown = await call('POST', undefined, '/api/papers/2410.99999/upvote');
    expect(unknown.statusCode).toBe(404);
    const anonymous = await t.app.inject({ method: 'POST', url: `/api/papers/${id}/upvote` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('are in the OpenAPI document with the bearer scheme', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.components.securitySchemes.apiToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/papers'].post.security).toEqual([{ apiToken: [] }]);
    expect(doc.paths['/api/papers/{id}/upvote'].post).toBeDefined();
    expect(doc.paths['/api/papers/{id}/upvote'].delete).toBeDefined();
    const docs = await t.app.inject({ method: 'GET', url: '/api' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('/api/papers/{id}/upvote');
    const submit = /aria-label="POST \/api\/papers"[\s\S]*?<\/section>/.exec(docs.body)![0];
    expect(submit).toContain('Needs an API token');
    expect(submit).toMatch(/<code>githubRepo<\/code>[\s\S]*?body \(JSON\)/);
    expect(submit).toContain(
      `curl -X POST -H 'Authorization: Bearer pb_…' -H 'Content-Type: application/json' -d '{&quot;id&quot;:&quot;2410.17243&quot;`,
    );
  });
});
