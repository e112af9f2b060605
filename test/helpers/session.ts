// Signs a test user in through the real magic-link flow (sign-in form, outbox mail, confirmation
// POST) and returns a Session whose inject() sends the session cookie and, for writes, the CSRF
// header — what a browser tab of that user would send.
import fs from 'node:fs';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { simpleParser } from 'mailparser';
import type { TestApp } from './test-app.ts';

export interface Session {
  userId: number;
  /** The Cookie header value: session and CSRF secret. */
  cookie: string;
  /** A CSRF token matching the cookie, for `_csrf` form fields or the x-csrf-token header. */
  csrf: string;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

export interface SignInOptions {
  email: string;
  handle?: string;
  displayName?: string;
  role?: 'user' | 'moderator' | 'admin';
}

let addressCounter = 0;

/** A distinct client address per signed-in user, so the per-IP sign-in limit never trips in tests. */
function nextAddress(): string {
  addressCounter += 1;
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
}

export function cookiesOf(response: LightMyRequestResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of response.cookies) out[c.name] = c.value;
  return out;
}

export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html) ?? /name="csrf-token" content="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1]!;
}

/** The sign-in link of the newest outbox message to `email` that is not in `seen`. */
export async function signinLinkFor(
  t: TestApp,
  email: string,
  seen: ReadonlySet<string> = new Set(),
): Promise<string> {
  const folder = path.join(t.dataDir, 'outbox');
  const files = fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.eml') && !seen.has(f))
    .sort()
    .reverse();
  for (const file of files) {
    const mail = await simpleParser(fs.readFileSync(path.join(folder, file)));
    const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
    if (to?.value[0]?.address?.toLowerCase() !== email.toLowerCase()) continue;
    const link = /https?:\/\/\S+\/signin\/verify\?token=[A-Za-z0-9_%-]+/.exec(mail.text ?? '');
    if (link) return link[0];
  }
  throw new Error(`no sign-in mail to ${email} in the outbox`);
}

export function outboxFiles(t: TestApp): Set<string> {
  try {
    return new Set(fs.readdirSync(path.join(t.dataDir, 'outbox')));
  } catch {
    return new Set();
  }
}

export async function signInAs(t: TestApp, opts: SignInOptions): Promise<Session> {
  if (opts.handle !== undefined || opts.role !== undefined) {
    await t.container.accounts.ensureUser(opts.email, { handle: opts.handle, role: opts.role });
  }
  const remoteAddress = nextAddress();
  const form = await t.app.inject({ method: 'GET', url: '/signin', remoteAddress });
  const csrfCookie = cookiesOf(form).pb_csrf;
  if (!csrfCookie) throw new Error('GET /signin set no CSRF cookie');
  const formCsrf = csrfTokenIn(form.body);
  const seen = outboxFiles(t);
  const requested = await t.app.inject({
    method: 'POST',
    url: '/signin',
    remoteAddress,
    headers: { cookie: `pb_csrf=${csrfCookie}` },
    payload: { email: opts.email, _csrf: formCsrf },
  });
  if (requested.statusCode !== 200) throw new Error(`POST /signin answered ${requested.statusCode}`);
  const link = new URL(await signinLinkFor(t, opts.email, seen));
  const verified = await t.app.inject({
    method: 'POST',
    url: '/signin/verify',
    remoteAddress,
    headers: { cookie: `pb_csrf=${csrfCookie}` },
    payload: { token: link.searchParams.get('token') ?? '', _csrf: formCsrf },
  });
  const sessionId = cookiesOf(verified).pb_session;
  if (verified.statusCode !== 303 || !sessionId)
    throw new Error(`POST /signin/verify answered ${verified.statusCode} without a session`);
  const { user } = await t.container.accounts.ensureUser(opts.email);
  if (opts.displayName !== undefined) {
    await t.container.accounts.updateProfile(user.id, { handle: user.handle, displayName: opts.displayName });
  }
  // Sign-in replaces the CSRF secret; the first page after it carries the new one, as in a browser.
  const page = await t.app.inject({
    url: '/settings',
    remoteAddress,
    headers: { cookie: `pb_session=${sessionId}` },
  });
  const newSecret = cookiesOf(page).pb_csrf;
  if (page.statusCode !== 200 || !newSecret)
    throw new Error(`GET /settings after sign-in answered ${page.statusCode}`);
  const csrf = csrfTokenIn(page.body);
  const cookie = `pb_session=${sessionId}; pb_csrf=${newSecret}`;
  return {
    userId: user.id,
    cookie,
    csrf,
    inject(options: InjectOptions) {
      const method = (options.method ?? 'GET').toUpperCase();
      const headers: Record<string, string> = { cookie };
      if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrf;
      return t.app.inject({
        remoteAddress,
        ...options,
        headers: { ...headers, ...(options.headers as Record<string, string> | undefined) },
      });
    },
  };
}
