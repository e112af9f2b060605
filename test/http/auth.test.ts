// Sign-in by magic link through the real app: outbox mail, single-use tokens, sessions and their
// cookies, CSRF, API tokens, rate limits, open redirects and banned accounts.
import fs from 'node:fs';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRepository } from '../../src/db/repositories/user-repository.ts';
import { cookiesOf, csrfTokenIn, outboxFiles, signInAs, signinLinkFor } from '../helpers/session.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let ip = 0;
beforeAll(async () => {
  // A high per-IP limit here; the limit itself is tested with its own app below.
  t = await createTestApp({ seed: false, env: { RATE_LIMIT_SIGNIN_PER_IP: '1000' } });
});
afterAll(async () => t?.close());

interface Browser {
  remoteAddress: string;
  cookies: Record<string, string>;
  csrf: string;
}

function cookieHeader(b: Browser): string {
  return Object.entries(b.cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}

function remember(b: Browser, res: LightMyRequestResponse): void {
  for (const c of res.cookies) {
    if (c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) delete b.cookies[c.name];
    else b.cookies[c.name] = c.value;
  }
}

/** A browser that opened /signin (so it holds the CSRF cookie and a token). */
async function openSignin(app: TestApp, next?: string): Promise<Browser> {
  const b: Browser = { remoteAddress: `192.0.2.${(ip++ % 250) + 1}`, cookies: {}, csrf: '' };
  const res = await app.app.inject({
    url: next === undefined ? '/signin' : `/signin?next=${encodeURIComponent(next)}`,
    remoteAddress: b.remoteAddress,
  });
  expect(res.statusCode).toBe(200);
  remember(b, res);
  b.csrf = csrfTokenIn(res.body);
  return b;
}

/** Opens / as this browser: keeps the cookies it sets and the page's CSRF token. */
async function reload(app: TestApp, b: Browser): Promise<LightMyRequestResponse> {
  const res = await app.app.inject({
    url: '/',
    remoteAddress: b.remoteAddress,
    headers: { cookie: cookieHeader(b) },
  });
  remember(b, res);
  b.csrf = csrfTokenIn(res.body);
  return res;
}

function post(app: TestApp, b: Browser, url: string, form: Record<string, string>, withCsrf = true) {
  return app.app.inject({
    method: 'POST',
    url,
    remoteAddress: b.remoteAddress,
    headers: { cookie: cookieHeader(b) },
    payload: withCsrf ? { ...form, _csrf: b.csrf } : form,
  });
}

async function requestLink(app: TestApp, b: Browser, email: string, next?: string): Promise<string> {
  const seen = outboxFiles(app);
  const res = await post(app, b, '/signin', next === undefined ? { email } : { email, next });
  expect(res.statusCode).toBe(200);
  const link = new URL(await signinLinkFor(app, email, seen));
  return link.searchParams.get('token')!;
}

async function signIn(app: TestApp, email: string, next?: string) {
  const b = await openSignin(app, next);
  const token = await requestLink(app, b, email, next);
  const res = await post(app, b, '/signin/verify', { token });
  remember(b, res);
  return { b, res };
}

function sessionCount(app: TestApp): Promise<number> {
  return app.container.database.db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

describe('magic-link sign-in', () => {
  it('sends a single-use link by mail, confirms with a POST, and starts a session', async () => {
    const b = await openSignin(t, '/papers/trending?p=2');
    const form = await t.app.inject({ url: '/signin', remoteAddress: b.remoteAddress });
    expect(form.headers['cache-control']).toBe('private, no-store');
    expect(form.body).toContain('<label for="signin-email">Email address</label>');

    const seen = outboxFiles(t);
    const sent = await post(t, b, '/signin', {
      email: '  Grace.Hopper@Example.ORG ',
      next: '/papers/trending?p=2',
    });
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('Check your email');
    expect(sent.body).toContain('grace.hopper@example.org');

    const files = [...outboxFiles(t)].filter((f) => !seen.has(f));
    expect(files).toHaveLength(1);
    const mail = await simpleParser(fs.readFileSync(path.join(t.dataDir, 'outbox', files[0]!)));
    expect(mail.subject).toBe('Sign in to paperboy');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : null).toBe(
      'grace.hopper@example.org',
    );
    const link = /http:\/\/paperboy\.test\/signin\/verify\?token=([A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
    expect(link).not.toBeNull();
    expect(mail.html).toContain(`href="${link![0]}"`);
    expect(mail.text).toContain('within 15 minutes');

    // The token is stored only as its SHA-256.
    const stored = await t.container.database.db.selectFrom('loginTokens').select('tokenHash').execute();
    expect(stored.map((r) => r.tokenHash)).not.toContain(link![1]);

    // Opening the link (as mail scanners do) only shows a button; it can be opened again.
    for (let i = 0; i < 2; i++) {
      const page = await t.app.inject({
        url: `/signin/verify?token=${link![1]}`,
        remoteAddress: b.remoteAddress,
      });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('grace.hopper@example.org');
      expect(page.body).toMatch(/<form[^>]*method="post"[^>]*action="\/signin\/verify"/);
    }

    const verified = await post(t, b, '/signin/verify', { token: link![1]! });
    expect(verified.statusCode).toBe(303);
    expect(verified.headers.location).toBe('/papers/trending?p=2');
    const oldSecret = b.cookies.pb_csrf;
    remember(b, verified);
    expect(b.cookies.pb_csrf).toBeUndefined();

    const home = await t.app.inject({
      url: '/',
      remoteAddress: b.remoteAddress,
      headers: { cookie: cookieHeader(b) },
    });
    expect(home.statusCode).toBe(200);
    expect(home.headers['cache-control']).toBe('private, no-store');
    expect(home.body).toContain('href="/u/grace-hopper"');
    expect(home.body).toContain('>@grace-hopper</a>');
    expect(home.body).toMatch(/<meta name="csrf-token" content="[^"]+"/);
    const newSecret = cookiesOf(home).pb_csrf;
    expect(newSecret).toBeDefined();
    expect(newSecret).not.toBe(oldSecret);
    expect(home.body).toMatch(/<form[^>]*action="\/signout"/);
    expect(home.body).not.toContain('>Sign in</a>');
  });

  it('answers the same for an address with an account and one without', async () => {
    await signInAs(t, { email: 'known@example.org' });
    const strip = (s: string) =>
      s.replace(/(value|content)="[^"]{20,}"/g, '').replace(/\S+@example\.org/g, 'X');
    const b = await openSignin(t);
    const known = await post(t, b, '/signin', { email: 'known@example.org' });
    const unknown = await post(t, b, '/signin', { email: 'nobody@example.org' });
    expect(known.statusCode).toBe(unknown.statusCode);
    expect(strip(known.body)).toBe(strip(unknown.body));
    // The account is only created once a link is used.
    expect(
      await t.container.accounts.listUsers().then((us) => us.some((u) => u.email === 'nobody@example.org')),
    ).toBe(false);
  });

  it('refuses a malformed address with the form again, keeping what was typed', async () => {
    const b = await openSignin(t);
    const res = await post(t, b, '/signin', { email: 'not-an-address' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('value="not-an-address"');
    expect(res.body).toContain('role="alert"');
  });

  it('refuses a used link, with a way to ask for a new one', async () => {
    const b = await openSignin(t);
    const token = await requestLink(t, b, 'twice@example.org');
    expect((await post(t, b, '/signin/verify', { token })).statusCode).toBe(303);
    const again = await post(t, b, '/signin/verify', { token });
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('already used');
    expect(again.body).toContain('href="/signin"');
    const page = await t.app.inject({ url: `/signin/verify?token=${token}` });
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('already used');
  });

  it('refuses an expired link', async () => {
    const b = await openSignin(t);
    const token = await requestLink(t, b, 'late@example.org');
    await t.container.database.db
      .updateTable('loginTokens')
      .set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
      .where('email', '=', 'late@example.org')
      .execute();
    const page = await t.app.inject({ url: `/signin/verify?token=${token}` });
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('expired');
    const res = await post(t, b, '/signin/verify', { token });
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('expired');
    expect(cookiesOf(res).pb_session).toBeUndefined();
  });

  it('refuses an unknown link', async () => {
    const b = await openSignin(t);
    const res = await post(t, b, '/signin/verify', { token: 'x'.repeat(43) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('does not work');
  });

  it('starts exactly one session when the same link is confirmed twice at once', async () => {
    const b = await openSignin(t);
    const token = await requestLink(t, b, 'racer@example.org');
    const before = await sessionCount(t);
    const results = await Promise.all([
      post(t, b, '/signin/verify', { token }),
      post(t, b, '/signin/verify', { token }),
      post(t, b, '/signin/verify', { token }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([303, 410, 410]);
    expect(results.filter((r) => cookiesOf(r).pb_session)).toHaveLength(1);
    expect(await sessionCount(t)).toBe(before + 1);
  });

  it('sets an HttpOnly, SameSite=Lax session cookie for the configured days, not Secure over http', async () => {
    const { res } = await signIn(t, 'cookie@example.org');
    const cookie = res.cookies.find((c) => c.name === 'pb_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.path).toBe('/');
    expect(cookie.maxAge).toBe(30 * 24 * 3600);
    expect(cookie.secure).toBeUndefined();
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await t.container.database.db.selectFrom('sessions').select('idHash').execute();
    expect(rows.map((r) => r.idHash)).not.toContain(cookie.value);
  });

  it('marks the cookies Secure when BASE_URL is https', async () => {
    const https = await createTestApp({ seed: false, env: { BASE_URL: 'https://paperboy.test' } });
    try {
      const { res, b } = await signIn(https, 'secure@example.org');
      expect(res.cookies.find((c) => c.name === 'pb_session')!.secure).toBe(true);
      // Signing in replaces the CSRF secret, and the next page sets a new one, Secure as well.
      expect(res.cookies.find((c) => c.name === 'pb_csrf')?.value).toBe('');
      expect(b.cookies.pb_csrf).toBeUndefined();
      const next = await reload(https, b);
      expect(next.cookies.find((c) => c.name === 'pb_csrf')!.secure).toBe(true);
      const form = await https.app.inject({ url: '/signin' });
      expect(form.cookies.find((c) => c.name === 'pb_csrf')!.secure).toBe(true);
      expect(form.headers['strict-transport-security']).toBeDefined();
    } finally {
      await https.close();
    }
  });

  it('gives a new session id at every sign-in and ends the old one', async () => {
    const first = await signIn(t, 'rotate@example.org');
    const oldId = first.b.cookies.pb_session!;
    const b = first.b;
    const form = await t.app.inject({
      url: '/signin',
      remoteAddress: b.remoteAddress,
      headers: { cookie: cookieHeader(b) },
    });
    // Signed in already: /signin goes on to next.
    expect(form.statusCode).toBe(303);
    await reload(t, b);
    const token = await requestLink(t, b, 'rotate@example.org');
    const second = await post(t, b, '/signin/verify', { token });
    const newId = cookiesOf(second).pb_session!;
    expect(newId).toBeDefined();
    expect(newId).not.toBe(oldId);
    const stale = await t.app.inject({ url: '/settings', headers: { cookie: `pb_session=${oldId}` } });
    expect(stale.statusCode).toBe(303);
    expect(stale.headers.location).toBe('/signin?next=%2Fsettings');
  });

  it('signs out (the session stops working on the server) with a POST', async () => {
    const { b } = await signIn(t, 'leaver@example.org');
    const sessionId = b.cookies.pb_session!;
    await reload(t, b);
    const out = await post(t, b, '/signout', {});
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/');
    expect(out.cookies.find((c) => c.name === 'pb_session')?.value).toBe('');
    const after = await t.app.inject({ url: '/settings', headers: { cookie: `pb_session=${sessionId}` } });
    expect(after.statusCode).toBe(303);
  });

  it('signs out everywhere', async () => {
    const one = await signInAs(t, { email: 'everywhere@example.org' });
    const two = await signInAs(t, { email: 'everywhere@example.org' });
    const other = await signInAs(t, { email: 'bystander@example.org' });
    const res = await one.inject({ method: 'POST', url: '/signout/everywhere' });
    expect(res.statusCode).toBe(303);
    expect((await one.inject({ url: '/settings' })).statusCode).toBe(303);
    expect((await two.inject({ url: '/settings' })).statusCode).toBe(303);
    expect((await other.inject({ url: '/settings' })).statusCode).toBe(200);
  });

  it.each([
    '//evil.com',
    'https://evil.com',
    '/\\evil.com',
    'javascript:alert(1)',
    '/\t/evil.com',
    'evil.com',
  ])('never redirects off-site after sign-in (next=%j)', async (next) => {
    const { res } = await signIn(t, `redirect${ip}@example.org`, next);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
  });

  it('refuses banned users at sign-in, and ends their sessions', async () => {
    const s = await signInAs(t, { email: 'banned@example.org' });
    expect((await s.inject({ url: '/settings' })).statusCode).toBe(200);
    await new UserRepository(t.container.database).setBanned(s.userId, new Date().toISOString());
    const after = await s.inject({ url: '/settings' });
    expect(after.statusCode).toBe(303);
    const b = await openSignin(t);
    const token = await requestLink(t, b, 'banned@example.org');
    const res = await post(t, b, '/signin/verify', { token });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('suspended');
    expect(cookiesOf(res).pb_session).toBeUndefined();
  });
});

describe('CSRF', () => {
  it('refuses a form post without a token or with a wrong one', async () => {
    const b = await openSignin(t);
    const missing = await post(t, b, '/signin', { email: 'csrf@example.org' }, false);
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('The form expired; reload the page and try again.');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/signin',
      headers: { cookie: cookieHeader(b) },
      payload: { email: 'csrf@example.org', _csrf: `${b.csrf.slice(0, -2)}xx` },
    });
    expect(wrong.statusCode).toBe(403);
    const noCookie = await t.app.inject({
      method: 'POST',
      url: '/signin',
      payload: { email: 'csrf@example.org', _csrf: b.csrf },
    });
    expect(noCookie.statusCode).toBe(403);
    expect(outboxFiles(t).size).toBeGreaterThan(0);
  });

  it('checks the x-csrf-token header of fetch-style posts', async () => {
    const s = await signInAs(t, { email: 'fetcher@example.org' });
    const headers = {
      cookie: s.cookie,
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    };
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/settings/tokens',
      headers: { ...headers, 'x-csrf-token': 'nope' },
      payload: 'name=script',
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toEqual({
      error: { status: 403, message: 'The form expired; reload the page and try again.' },
    });
    const missing = await t.app.inject({
      method: 'POST',
      url: '/settings/tokens',
      headers,
      payload: 'name=script',
    });
    expect(missing.statusCode).toBe(403);
    const right = await t.app.inject({
      method: 'POST',
      url: '/settings/tokens',
      headers: { ...headers, 'x-csrf-token': s.csrf },
      payload: 'name=script',
    });
    expect(right.statusCode).toBe(200);
  });
});

describe('API tokens', () => {
  async function createToken(s: Awaited<ReturnType<typeof signInAs>>, name: string): Promise<string> {
    const res = await s.inject({ method: 'POST', url: '/settings/tokens', payload: { name } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const token = /value="(pb_[A-Za-z0-9_-]{43})"/.exec(res.body)?.[1];
    expect(token).toBeDefined();
    return token!;
  }

  it('authenticates /api/ requests with a Bearer token, skipping CSRF; a cookie alone still needs it', async () => {
    const s = await signInAs(t, { email: 'bot@example.org', handle: 'botmaker', displayName: 'Bot Maker' });
    const token = await createToken(s, 'laptop');
    const who = await t.app.inject({ url: '/api/whoami-v2', headers: { authorization: `Bearer ${token}` } });
    expect(who.statusCode).toBe(200);
    expect(who.json()).toEqual({
      type: 'user',
      id: String(s.userId),
      name: 'botmaker',
      fullname: 'Bot Maker',
      role: 'user',
    });
    expect(who.headers['cache-control']).toBe('private, no-store');

    // A state-changing API request with the token needs no CSRF token (the paper does not
    // exist in this empty database, so the route itself answers 404)…
    const tokenPost = await t.app.inject({
      method: 'POST',
      url: '/api/papers/2410.17243/upvote',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(tokenPost.statusCode).toBe(404);
    // …while the same request authenticated by the cookie is refused before reaching any route.
    const cookiePost = await t.app.inject({
      method: 'POST',
      url: '/api/papers/2410.17243/upvote',
      headers: { cookie: s.cookie },
    });
    expect(cookiePost.statusCode).toBe(403);
    expect(cookiePost.json().error.message).toBe('The form expired; reload the page and try again.');

    // Settings list the token by name and prefix, with when it was last used; never the token.
    const settings = await s.inject({ url: '/settings' });
    expect(settings.body).toContain('laptop');
    expect(settings.body).toContain(`${token.slice(0, 9)}…`);
    expect(settings.body).not.toContain(token);
    expect(settings.body).not.toContain('last used never');
    const stored = await t.container.database.db.selectFrom('apiTokens').select('tokenHash').execute();
    expect(stored.map((r) => r.tokenHash)).not.toContain(token);
  });

  it('refuses revoked and unknown tokens, and ignores tokens that are not paperboy’s', async () => {
    const s = await signInAs(t, { email: 'revoker@example.org' });
    const token = await createToken(s, 'old');
    const [summary] = await t.container.accounts.apiTokensOf(s.userId);
    const revoke = await s.inject({ method: 'POST', url: `/settings/tokens/${summary!.id}/revoke` });
    expect(revoke.statusCode).toBe(303);
    const refused = await t.app.inject({
      url: '/api/whoami-v2',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.message).toContain('not valid');
    const unknown = await t.app.inject({
      url: '/api/daily_papers',
      headers: { authorization: 'Bearer pb_nope' },
    });
    expect(unknown.statusCode).toBe(401);
    // A Hugging Face client may send its own hf_ token; reads stay open to it.
    const hf = await t.app.inject({ url: '/api/daily_papers', headers: { authorization: 'Bearer hf_abc' } });
    expect(hf.statusCode).toBe(200);
    // Revoking someone else's token is not possible.
    const mallory = await signInAs(t, { email: 'mallory@example.org' });
    const other = await createToken(s, 'current');
    const [live] = await t.container.accounts.apiTokensOf(s.userId);
    expect(
      (await mallory.inject({ method: 'POST', url: `/settings/tokens/${live!.id}/revoke` })).statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ url: '/api/whoami-v2', headers: { authorization: `Bearer ${other}` } }))
        .statusCode,
    ).toBe(200);
  });

  it('answers 401 JSON to API requests that need an account', async () => {
    const res = await t.app.inject({ url: '/api/whoami-v2' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.status).toBe(401);
  });
});

describe('rate limits', () => {
  it('refuses the 6th sign-in link for one address within 15 minutes, with Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      const b = await openSignin(t);
      expect((await post(t, b, '/signin', { email: 'eager@example.org' })).statusCode).toBe(200);
    }
    const b = await openSignin(t);
    const res = await post(t, b, '/signin', { email: 'Eager@example.org' });
    expect(res.statusCode).toBe(429);
    const retry = Number(res.headers['retry-after']);
    expect(retry).toBeGreaterThan(800);
    expect(retry).toBeLessThanOrEqual(900);
    expect(res.body).toContain('Too many sign-in links');
    // Another address is not affected.
    expect((await post(t, b, '/signin', { email: 'patient@example.org' })).statusCode).toBe(200);
  });

  it('limits sign-in requests per IP address and writes per account', async () => {
    const limited = await createTestApp({
      seed: false,
      env: { RATE_LIMIT_SIGNIN_PER_IP: '3', RATE_LIMIT_WRITES: '4' },
    });
    try {
      const b = await openSignin(limited);
      const codes: number[] = [];
      for (let i = 0; i < 4; i++)
        codes.push((await post(limited, b, '/signin', { email: `ip${i}@example.org` })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const s = await signInAs(limited, { email: 'writer@example.org' });
      const writes: LightMyRequestResponse[] = [];
      for (let i = 0; i < 5; i++)
        writes.push(await s.inject({ method: 'POST', url: '/settings/tokens', payload: { name: `t${i}` } }));
      expect(writes.map((w) => w.statusCode)).toEqual([200, 200, 200, 200, 429]);
      expect(Number(writes[4]!.headers['retry-after'])).toBeGreaterThan(0);
      expect(writes[4]!.body).toContain('Too many requests');
    } finally {
      await limited.close();
    }
  });
});

describe('client addresses behind a proxy', () => {
  it('counts per X-Forwarded-For client only when TRUST_PROXY names the proxy', async () => {
    for (const [trust, expected] of [
      ['127.0.0.1', [200, 200, 429]],
      ['1', [200, 200, 429]],
      ['off', [200, 429, 429]],
    ] as const) {
      const proxied = await createTestApp({
        seed: false,
        env: { TRUST_PROXY: trust, RATE_LIMIT_SIGNIN_PER_IP: '1' },
      });
      try {
        const form = await proxied.app.inject({ url: '/signin', remoteAddress: '127.0.0.1' });
        const cookie = `pb_csrf=${cookiesOf(form).pb_csrf}`;
        const csrf = csrfTokenIn(form.body);
        const codes: number[] = [];
        for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.2']) {
          const res = await proxied.app.inject({
            method: 'POST',
            url: '/signin',
            remoteAddress: '127.0.0.1',
            headers: { cookie, 'x-forwarded-for': client },
            payload: { email: `c${codes.length}@example.org`, _csrf: csrf },
          });
          codes.push(res.statusCode);
        }
        expect(codes).toEqual(expected);
      } finally {
        await proxied.close();
      }
    }
  });
});

describe('pages for signed-in viewers', () => {
  it('never serves a signed-in page from, or stores one in, the shared cache', async () => {
    const s = await signInAs(t, { email: 'cache@example.org', handle: 'cacheuser' });
    const anon1 = await t.app.inject({ url: '/papers/trending' });
    expect(anon1.headers['cache-control']).toContain('public');
    expect(anon1.headers.vary).toContain('Cookie');
    const mine = await s.inject({
      url: '/papers/trending',
      headers: { 'if-none-match': String(anon1.headers.etag) },
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.headers['cache-control']).toBe('private, no-store');
    expect(mine.headers.etag).toBeUndefined();
    expect(mine.body).toContain('@cacheuser');
    const anon2 = await t.app.inject({ url: '/papers/trending' });
    expect(anon2.body).not.toContain('cacheuser');
    expect(anon2.body).toContain('href="/signin?next=%2Fpapers%2Ftrending"');
    const apiMine = await s.inject({ url: '/api/daily_papers' });
    expect(apiMine.headers['cache-control']).toBe('private, no-store');
  });

  it('sends visitors of a page that needs an account to sign in, and back', async () => {
    const res = await t.app.inject({ url: '/settings' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/signin?next=%2Fsettings');
    const { res: after } = await signIn(t, 'comeback@example.org', '/settings');
    expect(after.headers.location).toBe('/settings');
  });

  it('sends a signed-out form post to sign in, then back to the page the form was on', async () => {
    const b = await openSignin(t);
    const postFrom = (referer: string) =>
      t.app.inject({
        method: 'POST',
        url: '/settings/profile',
        remoteAddress: b.remoteAddress,
        headers: { cookie: cookieHeader(b), host: 'paperboy.test', referer },
        payload: { handle: 'x', displayName: 'x', _csrf: b.csrf },
      });
    const same = await postFrom('http://paperboy.test/papers/trending?p=2');
    expect(same.statusCode).toBe(303);
    expect(same.headers.location).toBe('/signin?next=%2Fpapers%2Ftrending%3Fp%3D2');
    const foreign = await postFrom('https://evil.example/papers/trending');
    expect(foreign.headers.location).toBe('/signin?next=%2F');
    const json = await t.app.inject({
      method: 'POST',
      url: '/settings/profile',
      headers: { cookie: cookieHeader(b), accept: 'application/json', 'x-csrf-token': b.csrf },
      payload: { handle: 'x', displayName: 'x' },
    });
    expect(json.statusCode).toBe(401);
    expect(json.json().error.message).toBe('Please sign in to continue.');
  });

  it('sends security headers', async () => {
    const res = await t.app.inject({ url: '/signin' });
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(String(res.headers['content-security-policy'])).not.toContain("script-src 'self' 'unsafe-inline'");
  });
});
