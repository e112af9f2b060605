// The discussion in real Chromium: write a comment with Markdown and math, reply through the
// <details> form, see the thread nested, report as another reader, and hide as a moderator; no
// console errors or CSP violations on the way, no sideways scrolling on a phone. Screenshots go
// to test-results/.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import { signInAs } from '../helpers/session.ts';
import type { Session } from '../helpers/session.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
const PAPER = '2410.17243';
let t: TestApp;
let base: string;

beforeAll(async () => {
  fs.mkdirSync(RESULTS, { recursive: true });
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await t?.close();
});

/** Puts the session's cookies into the browser, as if the user had signed in there. */
async function useSession(context: BrowserContext, session: Session): Promise<void> {
  const cookies = session.cookie.split('; ').map((pair) => {
    const [name, ...rest] = pair.split('=');
    return { name: name!, value: rest.join('='), url: base };
  });
  await context.clearCookies();
  await context.addCookies(cookies);
}

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

describe('discussion', () => {
  it('posts, replies, reports and hides through the page forms', async () => {
    const ada = await signInAs(t, {
      email: 'ada-e2e@example.org',
      handle: 'ada',
      displayName: 'Ada Lovelace',
    });
    const bob = await signInAs(t, { email: 'bob-e2e@example.org', handle: 'bob', displayName: 'Bob' });
    const mod = await signInAs(t, { email: 'mod-e2e@example.org', handle: 'moddy', role: 'moderator' });
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const errors = watchErrors(page);

      await useSession(browser.context, ada);
      await page.goto(`${base}/papers/${PAPER}`);
      await page.getByLabel('Add a comment').fill('Neat trick: **tiles** cut memory to $O(b)$.\n\n> quoted');
      await page.getByRole('button', { name: 'Post comment' }).click();
      await page.waitForURL(/#comment-\d+$/);
      const first = page.locator('.comment').first();
      await expect.poll(() => first.locator('strong').textContent()).toBe('tiles');
      expect(await first.locator('.katex').count()).toBe(1);
      expect(await first.locator('blockquote').textContent()).toContain('quoted');
      expect(await first.locator('time').textContent()).toBe('just now');

      await useSession(browser.context, bob);
      await page.goto(`${base}/papers/${PAPER}`);
      await first.locator('summary', { hasText: /^Reply/ }).click();
      const replyBox = first.getByLabel('Your reply');
      await expect.poll(() => replyBox.evaluate((el) => el === document.activeElement)).toBe(true);
      await replyBox.fill('Does it work for $\\sum_i x_i$ too?');
      await first.getByRole('button', { name: 'Post reply' }).click();
      await page.waitForURL(/#comment-\d+$/);
      const reply = page.locator('.comment-replies .comment').first();
      expect(await reply.locator('.comment-author').textContent()).toBe('Bob');
      await page.screenshot({ path: path.join(RESULTS, 'discussion-thread.png'), fullPage: true });

      await first.locator('summary', { hasText: /^Report/ }).click();
      await first.getByLabel('Off topic').check();
      await first.getByRole('button', { name: 'Send report' }).click();
      expect(await page.getByRole('status').textContent()).toContain(
        'the moderators will look at the comment you reported',
      );

      await useSession(browser.context, mod);
      await page.goto(`${base}/admin`);
      expect(await page.locator('.report-item').count()).toBe(1);
      await page.screenshot({ path: path.join(RESULTS, 'admin-reports.png'), fullPage: true });
      await page.getByRole('button', { name: 'Hide comment' }).click();
      await page.waitForURL(`${base}/admin`);
      expect(await page.locator('.report-item').count()).toBe(0);

      await useSession(browser.context, bob);
      await page.goto(`${base}/papers/${PAPER}`);
      expect(await page.locator('.comment-placeholder').first().textContent()).toBe(
        '[hidden by a moderator]',
      );
      expect(await page.locator('.comment-replies .comment-body').textContent()).toContain('Does it work');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('fits a phone screen, in the dark theme too', async () => {
    const browser = await launchBrowser({ width: 390, height: 844, colorScheme: 'dark' });
    try {
      const page = await browser.context.newPage();
      const errors = watchErrors(page);
      const ada = await signInAs(t, { email: 'ada-phone@example.org', handle: 'adaphone' });
      await useSession(browser.context, ada);
      await page.goto(`${base}/papers/${PAPER}#comments`);
      await page
        .getByLabel('Add a comment')
        .fill(
          `A long formula $$${'x + '.repeat(60)}y$$ and a long URL https://example.org/${'a'.repeat(120)}`,
        );
      await page.getByRole('button', { name: 'Post comment' }).click();
      await page.waitForURL(/#comment-\d+$/);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(RESULTS, 'discussion-phone-dark.png'), fullPage: true });
      // A moderator's header has one link more; the moderation pages fit too.
      const mod = await signInAs(t, {
        email: 'mod-phone@example.org',
        handle: 'modphone',
        role: 'moderator',
      });
      await useSession(browser.context, mod);
      for (const url of [`${base}/papers/${PAPER}`, `${base}/admin`]) {
        await page.goto(url);
        const wider = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(wider, url).toBeLessThanOrEqual(0);
      }
      await page.screenshot({ path: path.join(RESULTS, 'admin-phone-dark.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
