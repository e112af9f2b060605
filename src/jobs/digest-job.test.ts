// The digest job against the real database (demo data) and a real SMTP server on loopback.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionRepository } from '../db/repositories/subscription-repository.ts';
import { DeliveryRepository } from '../db/repositories/delivery-repository.ts';
import { addDays } from '../domain/periods.ts';
import { createTestApp } from '../../test/helpers/test-app.ts';
import type { TestApp } from '../../test/helpers/test-app.ts';
import { startSmtpSink } from '../../test/helpers/smtp-sink.ts';
import type { SmtpSink } from '../../test/helpers/smtp-sink.ts';

let t: TestApp;
let sink: SmtpSink;
let subs: SubscriptionRepository;
let deliveries: DeliveryRepository;
let day: string;
let counter = 0;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await createTestApp({
    env: { SMTP_URL: sink.url, MAIL_RETRY_DELAY_MS: '5', MAIL_FROM: 'paperboy <digest@paperboy.test>' },
  });
  subs = new SubscriptionRepository(t.container.database);
  deliveries = new DeliveryRepository(t.container.database);
  day = (await t.container.feeds.latestDay())!;
});
afterAll(async () => {
  await t.close();
  await sink.close();
});
afterEach(() => {
  sink.messages.length = 0;
  sink.refuse.clear();
});

async function subscriber(
  kind: 'daily' | 'weekly' | 'topic',
  options: { query?: string; confirmed?: boolean } = {},
) {
  counter += 1;
  return subs.create({
    email: `reader${counter}@example.org`,
    userId: null,
    kind,
    query: options.query ?? null,
    deliverHour: 8,
    timeZone: 'Europe/Berlin',
    confirmedAt: options.confirmed === false ? null : '2026-01-01T00:00:00.000Z',
    createdAt: '2026-01-01T00:00:00.000Z',
  });
}

const job = () => t.container.email.digestJob;

describe('digest job', () => {
  it('sends a multipart daily digest once, with one-click unsubscribe and a stable Message-ID', async () => {
    const sub = await subscriber('daily');
    const report = await job().run({ day, to: sub.email });
    expect(report).toMatchObject({ status: 'success', sent: 1, failed: 0 });
    expect(sink.messages).toHaveLength(1);
    const mail = sink.messages[0]!.parsed;
    const total = await t.container.feeds.day(day);
    expect(mail.subject).toMatch(
      new RegExp(`^paperboy daily — ${total.total} papers for \\w{3} \\d{1,2} \\w{3}$`),
    );
    expect(mail.messageId).toBe(`<daily-${day}.s${sub.id}@paperboy.test>`);
    expect(mail.from?.value[0]?.address).toBe('digest@paperboy.test');
    expect(mail.text).toContain(`http://paperboy.test/papers/${total.papers.items[0]!.id}`);
    expect(mail.html).toContain(`href="http://paperboy.test/papers/${total.papers.items[0]!.id}"`);
    expect(mail.html).not.toMatch(/<script/i);
    expect(mail.html).toContain('name="color-scheme" content="light dark"');
    expect(mail.html).toMatch(/<div class="pb-card" style="[^"]+"/); // inlined CSS
    const header = (name: string) =>
      mail.headerLines.find((l) => l.key === name)?.line.replace(/^[^:]+:\s*/, '');
    const unsubscribe = { url: /^<(.+)>$/.exec(header('list-unsubscribe') ?? '')?.[1] ?? '' };
    expect(unsubscribe.url).toMatch(
      new RegExp(`^http://paperboy\\.test/unsubscribe/${sub.id}\\.[A-Za-z0-9_-]{43}$`),
    );
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.html).toContain(`href="${unsubscribe.url}"`);
    expect(mail.text).toContain(unsubscribe.url);
    // Most upvoted first.
    const upvotes = [...(mail.text ?? '').matchAll(/▲ (\d+)/g)].map((m) => Number(m[1]));
    expect(upvotes).toEqual([...upvotes].sort((a, b) => b - a));

    const again = await job().run({ day, to: sub.email });
    expect(again.sent).toBe(0);
    expect(sink.messages).toHaveLength(1);
    expect((await deliveries.find(sub.id, `daily:${day}`))?.status).toBe('sent');
  });

  it('sends nothing to an unconfirmed subscriber', async () => {
    const sub = await subscriber('daily', { confirmed: false });
    const report = await job().run({ day, to: sub.email });
    expect(report.sent).toBe(0);
    expect(sink.messages).toHaveLength(0);
  });

  it('skips days without papers and remembers it', async () => {
    const sub = await subscriber('daily');
    const report = await job().run({ day: '2020-01-01', to: sub.email });
    expect(report).toMatchObject({ sent: 0, empty: 1 });
    expect(sink.messages).toHaveLength(0);
    expect((await deliveries.find(sub.id, 'daily:2020-01-01'))?.status).toBe('empty');
  });

  it('sends a topic alert only for papers newly listed that match', async () => {
    const sub = await subscriber('topic', { query: 'learning' });
    const previous = addDays(day, -1);
    await job().run({ day: previous, to: sub.email });
    await job().run({ day, to: sub.email });
    expect(sink.messages.length).toBeGreaterThan(0);
    const byKey = new Map(sink.messages.map((m) => [m.messageId, m.parsed]));
    const first = byKey.get(`<alert-${previous}.s${sub.id}@paperboy.test>`);
    const second = byKey.get(`<alert-${day}.s${sub.id}@paperboy.test>`);
    expect(second).toBeDefined();
    const ids = (text: string | undefined) =>
      new Set([...(text ?? '').matchAll(/paperboy\.test\/papers\/(\S+)/g)].map((m) => m[1]!));
    const secondIds = ids(second!.text);
    for (const id of secondIds) {
      expect(ids(first?.text).has(id)).toBe(false);
      const paper = await t.container.papers.get(id);
      expect(`${paper.title} ${paper.abstract}`).toMatch(/learn/i);
    }
    expect(second!.subject).toMatch(/^paperboy alert — \d+ new papers? for “learning”$/);
    // A query nothing matches sends nothing.
    const none = await subscriber('topic', { query: 'zzzqqqxxyy' });
    expect((await job().run({ day, to: none.email })).empty).toBe(1);
  });

  it('catches a topic alert up on the days a missed run would have covered', async () => {
    const sub = await subscriber('topic', { query: 'learning' });
    const before = addDays(day, -3);
    await job().run({ day: before, to: sub.email });
    // Runs for the two days after were missed; the next alert covers them and its own day.
    await job().run({ day, to: sub.email });
    const key = `alert:${day}/${addDays(before, 1)}`;
    const row = await deliveries.find(sub.id, key);
    expect(row?.status).toBe('sent');
    const mail = sink.messages.find((m) => m.messageId === `<${row!.messageId}>`)!.parsed;
    expect(mail.text).toMatch(/Papers listed from \w{3} \d+ \w{3} to \w{3} \d+ \w{3} that match/);
    const listed = new Map<string, string>();
    for (const d of [addDays(before, 1), addDays(before, 2), day]) {
      for (const p of (await t.container.feeds.day(d, 0, { limit: 100 })).papers.items) listed.set(p.id, d);
    }
    const ids = [...(mail.text ?? '').matchAll(/paperboy\.test\/papers\/(\S+)/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(listed.has(id), id).toBe(true);
    expect(new Set(ids.map((id) => listed.get(id))).size).toBeGreaterThan(1);
    // Nothing is sent twice: a run for one of the covered days finds them covered.
    expect((await job().run({ day: addDays(day, -1), to: sub.email })).planned).toEqual([]);
  });

  it('retries a temporary failure and sends once', async () => {
    const sub = await subscriber('daily');
    sink.refuse.set(sub.email, { code: 451, times: 2 });
    const report = await job().run({ day, to: sub.email });
    expect(report).toMatchObject({ sent: 1, deferred: 0 });
    expect(sink.to(sub.email)).toHaveLength(1);
    expect((await deliveries.find(sub.id, `daily:${day}`))?.attempts).toBe(3);
  });

  it('defers a message whose temporary failure lasts, for a later run', async () => {
    const sub = await subscriber('daily');
    sink.refuse.set(sub.email, { code: 421 });
    const report = await job().run({ day, to: sub.email });
    expect(report).toMatchObject({ sent: 0, deferred: 1 });
    const row = await deliveries.find(sub.id, `daily:${day}`);
    expect(row).toMatchObject({ status: 'deferred', attempts: 3 });
    expect(Date.parse(row!.nextAttemptAt!)).toBeGreaterThan(Date.now());
  });

  it('pauses a subscriber after repeated permanent failures', async () => {
    const sub = await subscriber('daily');
    sink.refuse.set(sub.email, { code: 550 });
    for (const d of [addDays(day, -2), addDays(day, -1), day]) {
      const r = await job().run({ day: d, to: sub.email });
      expect(r.failed).toBe(1);
    }
    const paused = await subs.findById(sub.id);
    expect(paused?.pausedAt).not.toBeNull();
    expect(paused?.lastError).toMatch(/550/);
    expect((await job().run({ day: addDays(day, -3), to: sub.email })).planned).toEqual([]);
    expect(sink.messages).toHaveLength(0);
    expect(await t.container.email.subscriptions.paused()).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: sub.id, paused: true })]),
    );
    await t.container.email.subscriptions.resume(sub.id);
    expect((await subs.findById(sub.id))?.pausedAt).toBeNull();
  });

  it('previews without writing in a dry run', async () => {
    const sub = await subscriber('weekly');
    const report = await job().run({ day, to: sub.email, dryRun: true });
    expect(report.planned).toEqual([
      expect.objectContaining({ to: sub.email, digestKey: expect.stringMatching(/^weekly:\d{4}-W\d{2}$/) }),
    ]);
    expect(report.planned[0]!.subject).toMatch(/^paperboy weekly — top \d+ of \d+ papers/);
    expect(sink.messages).toHaveLength(0);
    expect(await deliveries.find(sub.id, report.planned[0]!.digestKey)).toBeUndefined();
  });
});

describe('an idle digest run', () => {
  it('writes nothing when nobody can receive mail', async () => {
    const empty = await createTestApp({ seed: false });
    try {
      const before = empty.container.database.changeToken();
      const report = await empty.container.email.digestJob.run({});
      expect(report).toMatchObject({ status: 'success', sent: 0, planned: [] });
      expect(empty.container.database.changeToken()).toBe(before);
    } finally {
      await empty.close();
    }
  });
});
