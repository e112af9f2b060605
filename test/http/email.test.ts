// Email subscriptions over HTTP: subscribe with double opt-in, confirm, receive (outbox), one-click
// unsubscribe without cookies, manage by signed link, /settings/email, and /admin/mail.
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionRepository } from '../../src/db/repositories/subscription-repository.ts';
import { cookiesOf, csrfTokenIn, signInAs } from '../helpers/session.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let day: string;
let address = 0;

beforeAll(async () => {
  t = await createTestApp();
  day = (await t.container.feeds.latestDay())!;
});
afterAll(() => t.close());

function outbox(): string[] {
  try {
    return fs.readdirSync(path.join(t.dataDir, 'outbox')).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
}

async function mailsTo(email: string) {
  const out = [];
  for (const f of outbox()) {
    const mail = await simpleParser(fs.readFileSync(path.join(t.dataDir, 'outbox', f)));
    const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
    if (to?.value[0]?.address === email) out.push({ file: f, mail });
  }
  return out;
}

/** A browser's first visit: the form's CSRF cookie and token. */
async function form(url = '/subscribe') {
  address += 1;
  const remoteAddress = `10.9.0.${address}`;
  const page = await t.app.inject({ method: 'GET', url, remoteAddress });
  return { page, remoteAddress, cookie: `pb_csrf=${cookiesOf(page).pb_csrf}`, csrf: csrfTokenIn(page.body) };
}

async function subscribe(payload: Record<string, string>) {
  const f = await form();
  return t.app.inject({
    method: 'POST',
    url: '/subscribe',
    remoteAddress: f.remoteAddress,
    headers: { cookie: f.cookie },
    payload: { _csrf: f.csrf, hour: '8', timeZone: 'UTC', ...payload },
  });
}

function link(text: string | undefined, pattern: RegExp): string {
  const m = pattern.exec(text ?? '');
  if (!m) throw new Error(`no link ${pattern} in ${text}`);
  return new URL(m[0]).pathname;
}

describe('subscribing', () => {
  it('shows an accessible form, per visitor, with the browser-zone script', async () => {
    const { page } = await form('/subscribe?q=graph%20neural%20networks');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('private, no-store');
    expect(page.body).toContain('<label for="subscribe-email">Email address</label>');
    expect(page.body).toContain('value="graph neural networks"');
    expect(page.body).toMatch(/<input type="radio" name="kind" value="topic" checked/);
    expect(page.body).toContain('<script src="/assets/subscribe-zone.js" defer>');
    expect(page.body).toContain('data-browser-zone');
    const script = await t.app.inject({ method: 'GET', url: '/assets/subscribe-zone.js' });
    expect(script.statusCode).toBe(200);
    // Reached from every page's footer and from search results.
    expect((await t.app.inject({ method: 'GET', url: '/' })).body).toContain(
      '<a href="/subscribe">papers by email</a>',
    );
    const search = await t.app.inject({ method: 'GET', url: '/search?q=language%20models' });
    expect(search.body).toContain('href="/subscribe?q=language%20models"');
  });

  it('double opt-in: nothing is sent before the link is confirmed, then the digest arrives once', async () => {
    const email = 'optin@example.org';
    const res = await subscribe({ email: ' OptIn@Example.org ', kind: 'daily' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Check your inbox');
    const [confirmation] = await mailsTo(email);
    expect(confirmation!.mail.subject).toBe('Confirm your paperboy subscription');
    const confirmPath = link(confirmation!.mail.text, /http:\/\/paperboy\.test\/subscribe\/confirm\/\S+/);

    expect((await t.container.email.digestJob.run({ day, to: email })).planned).toEqual([]);
    expect(await mailsTo(email)).toHaveLength(1);

    // Opening the link only shows a button (mail scanners fetch links); the POST confirms.
    const f = await form(confirmPath);
    expect(f.page.statusCode).toBe(200);
    expect(f.page.body).toContain('Confirm subscription');
    expect((await t.container.email.digestJob.run({ day, to: email })).sent).toBe(0);
    const confirmed = await t.app.inject({
      method: 'POST',
      url: confirmPath,
      remoteAddress: f.remoteAddress,
      headers: { cookie: f.cookie },
      payload: { _csrf: f.csrf },
    });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('Subscription confirmed');

    expect((await t.container.email.digestJob.run({ day, to: email })).sent).toBe(1);
    expect((await t.container.email.digestJob.run({ day, to: email })).sent).toBe(0);
    const mails = await mailsTo(email);
    expect(mails).toHaveLength(2);
    const digest = mails.find((m) => m.mail.subject?.startsWith('paperboy daily'))!;
    expect(digest.file).toMatch(new RegExp(`^daily-${day}\\.s\\d+@paperboy\\.test\\.eml$`));
    expect(digest.mail.html).toContain('http://paperboy.test/papers/');
  });

  it('keeps what was typed and names the problem', async () => {
    const res = await subscribe({ email: 'typo@example', kind: 'topic', query: 'diffusion' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter an email address like ada@example.org.');
    expect(res.body).toContain('value="diffusion"');
    const zone = await subscribe({ email: 'zone@example.org', kind: 'daily', timeZone: 'Mars/Olympus' });
    expect(zone.statusCode).toBe(400);
    expect(zone.body).toContain('is not a time zone');
    const query = await subscribe({ email: 'zone@example.org', kind: 'topic', query: '' });
    expect(query.statusCode).toBe(400);
    expect(query.body).toContain('A topic alert needs a search query');
  });

  it('refuses a POST without the CSRF token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/subscribe',
      payload: { email: 'csrf@example.org', kind: 'daily', hour: '8', timeZone: 'UTC' },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('unsubscribing and managing', () => {
  async function confirmedSubscriber(email: string, kind = 'daily') {
    const repo = new SubscriptionRepository(t.container.database);
    return repo.create({
      email,
      userId: null,
      kind: kind as 'daily',
      query: null,
      deliverHour: 8,
      timeZone: 'UTC',
      confirmedAt: '2026-01-01T00:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  }

  it('one-click unsubscribe (RFC 8058) works by POST without cookies or CSRF token', async () => {
    const email = 'oneclick@example.org';
    const sub = await confirmedSubscriber(email);
    await t.container.email.digestJob.run({ day, to: email });
    const [digest] = await mailsTo(email);
    const header = digest!.mail.headerLines.find((l) => l.key === 'list-unsubscribe')!.line;
    const url = new URL(/<([^>]+)>/.exec(header)![1]!);

    const page = await t.app.inject({ method: 'GET', url: url.pathname });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      'Stop sending the daily digest of new papers to <strong>oneclick@example.org</strong>',
    );

    const res = await t.app.inject({
      method: 'POST',
      url: url.pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('Unsubscribed.\n');
    expect(
      (await new SubscriptionRepository(t.container.database).findById(sub.id))?.unsubscribedAt,
    ).not.toBeNull();
    expect((await t.container.email.digestJob.run({ day: '2026-11-20', to: email })).planned).toEqual([]);
    // The same as multipart/form-data, as some providers send it.
    const again = await confirmedSubscriber('multipart@example.org');
    const multipart = await t.app.inject({
      method: 'POST',
      url: new URL(t.container.email.composer.unsubscribeUrl(again.id)).pathname,
      headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
      payload:
        '--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ--\r\n',
    });
    expect(multipart.statusCode).toBe(200);
    expect(multipart.body).toBe('Unsubscribed.\n');
    expect(
      (await new SubscriptionRepository(t.container.database).findById(again.id))?.unsubscribedAt,
    ).not.toBeNull();
    // Twice is fine; a forged or altered token is not.
    expect((await t.app.inject({ method: 'POST', url: url.pathname })).statusCode).toBe(200);
    const forged = url.pathname.replace(/\/(\d+)\./, (_, id: string) => `/${Number(id) + 1}.`);
    expect((await t.app.inject({ method: 'POST', url: forged })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/unsubscribe/nonsense' })).statusCode).toBe(404);
  });

  it('a manage link lists the address subscriptions and changes or removes them', async () => {
    const email = 'manage@example.org';
    const daily = await confirmedSubscriber(email);
    const weekly = await confirmedSubscriber(email, 'weekly');
    const managePath = `/subscriptions/manage/${t.container.email.subscriptions.manageToken(daily.id)}`;
    const f = await form(managePath);
    expect(f.page.statusCode).toBe(200);
    expect(f.page.body).toContain('Subscriptions of manage@example.org');
    expect(f.page.body).toContain('Weekly digest');
    const saved = await t.app.inject({
      method: 'POST',
      url: `${managePath}/${weekly.id}`,
      remoteAddress: f.remoteAddress,
      headers: { cookie: f.cookie },
      payload: { _csrf: f.csrf, hour: '17', timeZone: 'Asia/Tokyo' },
    });
    expect(saved.statusCode).toBe(303);
    const repo = new SubscriptionRepository(t.container.database);
    expect(await repo.findById(weekly.id)).toMatchObject({ deliverHour: 17, timeZone: 'Asia/Tokyo' });
    const removed = await t.app.inject({
      method: 'POST',
      url: `${managePath}/${daily.id}/remove`,
      remoteAddress: f.remoteAddress,
      headers: { cookie: f.cookie },
      payload: { _csrf: f.csrf },
    });
    expect(removed.statusCode).toBe(303);
    expect((await repo.findById(daily.id))?.unsubscribedAt).not.toBeNull();
    // Another address's subscription cannot be touched with this link.
    const other = await confirmedSubscriber('other@example.org');
    const denied = await t.app.inject({
      method: 'POST',
      url: `${managePath}/${other.id}/remove`,
      remoteAddress: f.remoteAddress,
      headers: { cookie: f.cookie },
      payload: { _csrf: f.csrf },
    });
    expect(denied.statusCode).toBe(404);
    expect((await repo.findById(other.id))?.unsubscribedAt).toBeNull();
  });
});

describe('/settings/email', () => {
  it('needs a sign-in', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/settings/email' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('/signin?next=');
  });

  it('adds a topic alert for the own address without a confirmation mail, changes and removes it', async () => {
    const s = await signInAs(t, { email: 'member@example.org' });
    const before = (await mailsTo('member@example.org')).length;
    const added = await s.inject({
      method: 'POST',
      url: '/settings/email',
      payload: { kind: 'topic', query: 'language models', hour: '7', timeZone: 'Europe/Paris' },
    });
    expect(added.statusCode).toBe(303);
    expect((await mailsTo('member@example.org')).length).toBe(before);
    const page = await s.inject({ method: 'GET', url: '/settings/email?saved=added' });
    expect(page.body).toContain('Topic alert: language models');
    expect(page.body).toContain('at 07:00 Europe/Paris');
    const { subscriptions } = await t.container.email.subscriptions.forUser(s.userId);
    const alert = subscriptions.find((x) => x.query === 'language models')!;
    expect(alert.confirmed).toBe(true);
    const bad = await s.inject({
      method: 'POST',
      url: `/settings/email/${alert.id}`,
      payload: { hour: '25', timeZone: 'UTC' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The hour is a whole number from 0 to 23.');
    const removed = await s.inject({ method: 'POST', url: `/settings/email/${alert.id}/remove` });
    expect(removed.statusCode).toBe(303);
    expect((await t.container.email.subscriptions.forUser(s.userId)).subscriptions).toEqual([]);
  });
});

describe('/admin/mail', () => {
  it('is for administrators: outbox, a message shown safely, paused subscribers resumed', async () => {
    const user = await signInAs(t, { email: 'user@example.org' });
    expect((await user.inject({ method: 'GET', url: '/admin/mail' })).statusCode).toBe(403);

    const repo = new SubscriptionRepository(t.container.database);
    const failing = await repo.create({
      email: 'bounces@example.org',
      userId: null,
      kind: 'daily',
      query: null,
      deliverHour: 8,
      timeZone: 'UTC',
      confirmedAt: '2026-01-01T00:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const reader = await repo.create({
      email: 'reader@example.org',
      userId: null,
      kind: 'daily',
      query: null,
      deliverHour: 8,
      timeZone: 'UTC',
      confirmedAt: '2026-01-01T00:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect((await t.container.email.digestJob.run({ day, to: reader.email })).sent).toBe(1);
    for (let i = 0; i < 3; i++)
      await repo.recordPermanentFailure(failing.id, '550 No such user', 3, new Date().toISOString());

    const admin = await signInAs(t, { email: 'admin@example.org', role: 'admin' });
    const page = await admin.inject({ method: 'GET', url: '/admin/mail' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Mail goes through <strong>outbox ');
    expect(page.body).toContain('<a href="/admin/mail" aria-current="page">Mail</a>');
    expect(page.body).toContain('bounces@example.org');
    expect(page.body).toContain('last error: 550 No such user');
    const digest = /href="(\/admin\/mail\/outbox\/daily-[^"]+)"/.exec(page.body);
    expect(digest).not.toBeNull();
    const message = await admin.inject({ method: 'GET', url: digest![1]! });
    expect(message.statusCode).toBe(200);
    expect(message.body).toMatch(
      /<iframe class="mail-preview" title="[^"]+" sandbox srcdoc="&lt;!doctype html>&lt;html/,
    );
    expect(message.body).toContain('Plain text');
    // The message's own markup never reaches the admin page unescaped.
    expect(message.body).not.toMatch(/<div class="pb-card"/);
    expect(
      (await admin.inject({ method: 'GET', url: '/admin/mail/outbox/..%2Fpaperboy.db' })).statusCode,
    ).toBe(404);

    const resumed = await admin.inject({ method: 'POST', url: `/admin/mail/resume/${failing.id}` });
    expect(resumed.statusCode).toBe(303);
    expect((await repo.findById(failing.id))?.pausedAt).toBeNull();
  });
});
