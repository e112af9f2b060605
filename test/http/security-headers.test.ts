// Security headers on every kind of response (pages, errors, API, feeds, assets), and no open
// redirect on any route that takes a place to return to (sign-in's next, the vote form's next and
// Referer, the sign-in redirect of a guarded form post, paper id redirects, profile redirects).
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookiesOf, csrfTokenIn, outboxFiles, signInAs, signinLinkFor } from '../helpers/session.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

const ORIGIN = 'http://paperboy.test';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The CSP as a map of directive → sources. */
function parseCsp(header: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

function expectStrictHeaders(res: LightMyRequestResponse, url: string): void {
  const csp = parseCsp(res.headers['content-security-policy'] as string | undefined);
  expect(csp.size, `${url} has a CSP`).toBeGreaterThan(0);
  // Scripts only from this site's files: no inline script, no eval, no data: or other hosts.
  expect(csp.get('script-src'), url).toEqual(["'self'"]);
  expect(csp.get('default-src'), url).toEqual(["'self'"]);
  expect(csp.get('object-src'), url).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors'), url).toEqual(["'none'"]);
  expect(csp.get('base-uri'), url).toEqual(["'self'"]);
  expect(csp.get('form-action'), url).toEqual(["'self'"]);
  expect(csp.has('script-src-attr') ? csp.get('script-src-attr') : ["'none'"], url).toEqual(["'none'"]);
  expect(res.headers['x-content-type-options'], url).toBe('nosniff');
  expect(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']).toContain(
    res.headers['referrer-policy'],
  );
  expect(res.headers['x-frame-options'], url).toMatch(/^(DENY|SAMEORIGIN)$/);
  expect(res.headers['x-powered-by'], url).toBeUndefined();
}

/** A Location stays on this site: a path, not "//host", "/\host" or another scheme. */
function expectLocal(location: unknown, what: string): void {
  expect(typeof location, what).toBe('string');
  const value = location as string;
  expect(value, what).toMatch(/^\/(?![/\\])/);
  // eslint-disable-next-line no-control-regex
  expect(value, what).not.toMatch(/[\u0000-\u0020\\]/);
  expect(new URL(value, ORIGIN).origin, what).toBe(ORIGIN);
}

/** Ways to write "somewhere else" that naive checks let through. */
const ELSEWHERE = [
  '//evil.example/',
  'https://evil.example/',
  'http:evil.example',
  '///evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '/\t/evil.example',
  ' //evil.example',
  '/%09/evil.example',
  '%2F%2Fevil.example',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '/..//evil.example',
  '/.//evil.example',
  '\u0000//evil.example',
];

describe('security headers', () => {
  it('are on pages, errors, API answers, feeds and assets', async () => {
    const urls = [
      '/',
      '/papers/2410.17243',
      '/papers/trending',
      '/search?q=diffusion',
      '/orgs',
      '/org/parameterlab',
      '/signin',
      '/papers/date/2026-02-31', // 404
      '/search?q=%22', // 400
      '/api/daily_papers',
      '/api/papers/nope', // JSON 404
      '/feeds/daily.rss',
      '/papers/2410.17243.bib',
      '/assets/app.css',
      '/healthz',
    ];
    for (const url of urls) expectStrictHeaders(await t.app.inject(url), url);
    const session = await signInAs(t, { email: 'headers@example.test' });
    for (const url of ['/', '/settings', '/u/headers']) {
      const res = await session.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expectStrictHeaders(res, `${url} signed in`);
    }
  });

  it('turn on HSTS and upgrade-insecure-requests only for an https site', async () => {
    const plain = await t.app.inject('/');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    expect(
      parseCsp(plain.headers['content-security-policy'] as string).has('upgrade-insecure-requests'),
    ).toBe(false);
    const https = await createTestApp({ seed: false, env: { BASE_URL: 'https://paperboy.test' } });
    try {
      const res = await https.app.inject('/');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
      expect(
        parseCsp(res.headers['content-security-policy'] as string).has('upgrade-insecure-requests'),
      ).toBe(true);
    } finally {
      await https.close();
    }
  });

  it('keep the session cookie away from scripts and other sites', async () => {
    const form = await t.app.inject('/signin');
    const csrf = csrfTokenIn(form.body);
    const seen = outboxFiles(t);
    const remoteAddress = '10.200.0.1';
    const csrfCookie = cookiesOf(form).pb_csrf!;
    await t.app.inject({
      method: 'POST',
      url: '/signin',
      remoteAddress,
      headers: { cookie: `pb_csrf=${csrfCookie}` },
      payload: { email: 'cookie@example.test', _csrf: csrf },
    });
    const link = new URL(await signinLinkFor(t, 'cookie@example.test', seen));
    const verified = await t.app.inject({
      method: 'POST',
      url: '/signin/verify',
      remoteAddress,
      headers: { cookie: `pb_csrf=${csrfCookie}` },
      payload: { token: link.searchParams.get('token') ?? '', _csrf: csrf },
    });
    const cookie = verified.cookies.find((c) => c.name === 'pb_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(String(cookie?.sameSite).toLowerCase()).toMatch(/^(lax|strict)$/);
    expect(cookie?.path).toBe('/');
  });
});

describe('no open redirects', () => {
  it('sign-in keeps next on this site, from the form to the magic link to the redirect', async () => {
    for (const [i, next] of ELSEWHERE.entries()) {
      // The form carries a local next whatever the query said.
      const page = await t.app.inject(`/signin?next=${encodeURIComponent(next)}`);
      expect(page.statusCode).toBe(200);
      const field = /name="next" value="([^"]*)"/.exec(page.body);
      expectLocal(field?.[1]?.replaceAll('&amp;', '&') ?? '/', `form next for ${JSON.stringify(next)}`);

      // A crafted form post with a hostile next, through the whole magic-link flow.
      const email = `next-${i}@example.test`;
      const remoteAddress = `10.201.0.${i + 1}`;
      const csrfCookie = cookiesOf(page).pb_csrf!;
      const csrf = csrfTokenIn(page.body);
      const seen = outboxFiles(t);
      const sent = await t.app.inject({
        method: 'POST',
        url: '/signin',
        remoteAddress,
        headers: { cookie: `pb_csrf=${csrfCookie}` },
        payload: { email, next, _csrf: csrf },
      });
      expect(sent.statusCode).toBe(200);
      const link = new URL(await signinLinkFor(t, email, seen));
      expect(link.origin).toBe(ORIGIN);
      const verified = await t.app.inject({
        method: 'POST',
        url: '/signin/verify',
        remoteAddress,
        headers: { cookie: `pb_csrf=${csrfCookie}` },
        payload: { token: link.searchParams.get('token') ?? '', _csrf: csrf },
      });
      expect(verified.statusCode).toBe(303);
      expectLocal(verified.headers.location, `after sign-in with next ${JSON.stringify(next)}`);
    }
  });

  it('a signed-in reader sent to /signin goes to a local next', async () => {
    const session = await signInAs(t, { email: 'already@example.test' });
    for (const next of ELSEWHERE) {
      const res = await session.inject({ url: `/signin?next=${encodeURIComponent(next)}` });
      expect(res.statusCode).toBe(303);
      expectLocal(res.headers.location, `/signin?next=${JSON.stringify(next)}`);
    }
  });

  it('the vote form returns to a local page, whatever next or Referer say', async () => {
    const session = await signInAs(t, { email: 'voter@example.test' });
    for (const next of ELSEWHERE) {
      const res = await session.inject({
        method: 'POST',
        url: '/papers/2410.17243/upvote',
        payload: { vote: 'on', next },
      });
      expect(res.statusCode).toBe(303);
      expectLocal(res.headers.location, `vote next ${JSON.stringify(next)}`);
    }
    for (const referer of ['https://evil.example/papers/2410.17243', 'http://paperboy.test.evil.example/']) {
      const res = await session.inject({
        method: 'POST',
        url: '/papers/2410.17243/upvote',
        headers: { referer },
        payload: { vote: 'off' },
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/papers/2410.17243');
    }
  });

  it('moderation forms return to a local page, whatever next says', async () => {
    const moderator = await signInAs(t, { email: 'moderator@example.test', role: 'moderator' });
    const target = await signInAs(t, { email: 'target@example.test' });
    for (const [i, next] of ELSEWHERE.entries()) {
      const res = await moderator.inject({
        method: 'POST',
        url: `/admin/users/${target.userId}/${i % 2 === 0 ? 'ban' : 'unban'}`,
        payload: { reason: 'probe', next },
      });
      expect(res.statusCode).toBe(303);
      expectLocal(res.headers.location, `moderation next ${JSON.stringify(next)}`);
    }
  });

  it('pages that need an account send to sign-in with their own path as next', async () => {
    for (const url of ['/submit', '/settings', '/admin']) {
      const res = await t.app.inject({ url, headers: { referer: 'https://evil.example/' } });
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location).toBe(`/signin?next=${encodeURIComponent(url)}`);
    }
  });

  it('a signed-out form post goes to sign-in with a local next, whatever the Referer', async () => {
    const form = await t.app.inject('/signin');
    const cookie = `pb_csrf=${cookiesOf(form).pb_csrf!}`;
    const csrf = csrfTokenIn(form.body);
    for (const referer of ['https://evil.example//evil.example', 'http://evil.example/papers/2410.17243']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/papers/2410.17243/upvote',
        headers: { cookie, referer },
        payload: { vote: 'on', _csrf: csrf },
      });
      expect(res.statusCode).toBe(303);
      const location = new URL(res.headers.location as string, ORIGIN);
      expect(location.origin).toBe(ORIGIN);
      expect(location.pathname).toBe('/signin');
      expectLocal(location.searchParams.get('next'), `sign-in next for Referer ${referer}`);
    }
  });

  it('paper, profile and trailing-slash redirects never leave the site', async () => {
    await t.container.database.db
      .insertInto('users')
      .values({
        email: 'redir@example.test',
        handle: 'redir',
        displayName: 'R',
        createdAt: '2026-01-01T00:00:00.000Z',
      })
      .execute();
    const probes = [
      '/papers/2410.17243v2',
      '/papers/arXiv:2410.17243',
      '/papers/2410.17243v2.bib',
      '/papers/%2F%2Fevil.example',
      '/papers//evil.example',
      '/papers/%5C%5Cevil.example',
      '/u/REDIR?next=//evil.example',
      '/u/REDIR/',
      '/papers/week',
      '/papers/month',
      '//evil.example/',
      '/%2F%2Fevil.example/',
      '/\\evil.example/',
    ];
    for (const url of probes) {
      const res = await t.app.inject(url);
      if (res.statusCode >= 300 && res.statusCode < 400) expectLocal(res.headers.location, url);
    }
  });
});
