// A digest as mail clients show it: received over SMTP, its HTML opened in real Chromium in light
// and dark mode, screenshots saved under test-results/. And the subscribe form in the browser: the
// time zone preselected from the browser, the form submitted, the confirmation mail written.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionRepository } from '../../src/db/repositories/subscription-repository.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import type { SmtpSink } from '../helpers/smtp-sink.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
let t: TestApp;
let sink: SmtpSink;
let base: string;

beforeAll(async () => {
  fs.mkdirSync(RESULTS, { recursive: true });
  sink = await startSmtpSink();
  t = await createTestApp({ env: { SMTP_URL: sink.url } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await t?.close();
  await sink?.close();
});

describe('the digest mail in Chromium', () => {
  it('is readable in light and dark mode, with working paper links and no scripts', async () => {
    const sub = await new SubscriptionRepository(t.container.database).create({
      email: 'screenshot@example.org',
      userId: null,
      kind: 'daily',
      query: null,
      deliverHour: 8,
      timeZone: 'UTC',
      confirmedAt: '2026-01-01T00:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const day = (await t.container.feeds.latestDay())!;
    expect((await t.container.email.digestJob.run({ day, to: sub.email })).sent).toBe(1);
    const html = sink.to(sub.email)[0]!.parsed.html as string;

    for (const scheme of ['light', 'dark'] as const) {
      const browser = await launchBrowser({ width: 700, height: 1000, colorScheme: scheme });
      try {
        const page = await browser.context.newPage();
        await page.setContent(html, { waitUntil: 'load' });
        const look = await page.evaluate(() => {
          const card = document.querySelector('.pb-card')!;
          return {
            body: getComputedStyle(document.body).backgroundColor,
            card: getComputedStyle(card).backgroundColor,
            text: getComputedStyle(document.querySelector('.pb-abstract')!).color,
            cards: document.querySelectorAll('.pb-card').length,
            scripts: document.querySelectorAll('script').length,
            links: Array.from(document.querySelectorAll<HTMLAnchorElement>('.pb-title a'), (a) => a.href),
          };
        });
        expect(look.cards).toBeGreaterThan(5);
        expect(look.scripts).toBe(0);
        expect(look.links.every((l) => /^http:\/\/paperboy\.test\/papers\/\S+$/.test(l))).toBe(true);
        if (scheme === 'light') {
          expect(look.body).toBe('rgb(247, 246, 242)');
          expect(look.card).toBe('rgb(255, 255, 255)');
        } else {
          expect(look.body).toBe('rgb(22, 21, 19)');
          expect(look.card).toBe('rgb(33, 31, 28)');
          expect(look.text).toBe('rgb(236, 233, 226)');
        }
        const file = path.join(RESULTS, `digest-mail-${scheme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        expect(fs.statSync(file).size).toBeGreaterThan(30_000);
      } finally {
        await browser.close();
      }
    }
  });
});

describe('subscribing in Chromium', () => {
  it('preselects the browser time zone and sends the confirmation mail', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      // A reader in Tokyo: the form must not stay at its UTC default.
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Asia/Tokyo' });
      await page.goto(`${base}/subscribe?q=language%20models`);
      const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
      expect(zone).toBe('Asia/Tokyo');
      await expect.poll(() => page.inputValue('#subscribe-zone')).toBe(zone);
      await page.screenshot({ path: path.join(RESULTS, 'subscribe-form.png'), fullPage: true });
      await page.getByLabel('Email address').fill('browser@example.org');
      expect(await page.isChecked('input[name="kind"][value="topic"]')).toBe(true);
      await page.getByLabel('Delivery hour').selectOption('7');
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.waitForURL(`${base}/subscribe`);
      expect(await page.textContent('h1')).toBe('Check your inbox');
      await page.screenshot({ path: path.join(RESULTS, 'subscribe-sent.png') });
      const [confirmation] = sink.to('browser@example.org');
      expect(confirmation?.parsed.subject).toBe('Confirm your paperboy subscription');
      const [row] = await new SubscriptionRepository(t.container.database).activeForEmail(
        'browser@example.org',
      );
      expect(row).toMatchObject({
        kind: 'topic',
        query: 'language models',
        deliverHour: 7,
        timeZone: zone,
        confirmedAt: null,
      });
    } finally {
      await browser.close();
    }
  });
});
