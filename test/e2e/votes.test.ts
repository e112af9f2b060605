// End to end in real Chromium: sign in through the pages, upvote a card in place (no reload: the
// count and aria-pressed change), reload to see it stored, withdraw it; then the same button
// without JavaScript (a form post that comes back to the page). Screenshots go to test-results/.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { signInThroughPages } from '../helpers/browser-sign-in.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
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

function signIn(page: Page, email: string): Promise<void> {
  return signInThroughPages(page, base, t, email);
}

async function storedUpvotes(id: string): Promise<number> {
  const row = await t.container.database.db
    .selectFrom('papers')
    .select('upvotes')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.upvotes;
}

function firstCardButton(page: Page) {
  return page
    .locator('article.paper-card')
    .first()
    .getByRole('button', { name: /^Upvote/ });
}

describe('upvoting', () => {
  it.each([
    { name: 'desktop', width: 1280, height: 900 },
    { name: 'phone', width: 390, height: 844 },
  ])('toggles a card in place and keeps it after a reload ($name)', async (viewport) => {
    const browser = await launchBrowser({ width: viewport.width, height: viewport.height });
    try {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await signIn(page, `voter-${viewport.name}@example.org`);

      const button = firstCardButton(page);
      const id = (await page.locator('article.paper-card').first().locator('form').getAttribute('action'))!
        .replace(/^\/papers\//, '')
        .replace(/\/upvote$/, '');
      const count = button.locator('.vote-count');
      const before = Number(await count.textContent());
      expect(await button.getAttribute('aria-pressed')).toBe('false');
      expect(await storedUpvotes(id)).toBe(before);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);

      // A marker on the window survives only if the page is not reloaded.
      await page.evaluate(() => Object.assign(window, { stillHere: true }));
      await button.click();
      await expect.poll(() => button.getAttribute('aria-pressed')).toBe('true');
      await expect.poll(async () => Number(await count.textContent())).toBe(before + 1);
      await expect.poll(() => storedUpvotes(id)).toBe(before + 1);
      expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
      await button.focus();
      await page.screenshot({ path: path.join(RESULTS, `upvoted-${viewport.name}.png`) });

      await page.reload();
      expect(await firstCardButton(page).getAttribute('aria-pressed')).toBe('true');
      expect(Number(await firstCardButton(page).locator('.vote-count').textContent())).toBe(before + 1);

      // Keyboard: Space on the focused button withdraws the upvote.
      await firstCardButton(page).focus();
      await page.keyboard.press('Space');
      await expect.poll(() => firstCardButton(page).getAttribute('aria-pressed')).toBe('false');
      await expect.poll(() => storedUpvotes(id)).toBe(before);

      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('works without JavaScript: the form posts and comes back to the page', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await signIn(page, 'no-js@example.org');
      // From here on the page runs no scripts at all (Chromium's own switch, through CDP).
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
      await page.goto(`${base}/papers/trending`);
      const card = () =>
        page
          .locator('article.paper-card')
          .nth(2)
          .getByRole('button', { name: /^Upvote/ });
      const before = Number(await card().locator('.vote-count').textContent());
      // The form itself posts (303 back to the page), not the script's fetch (which gets JSON).
      const [posted] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/upvote')),
        card().click(),
      ]);
      expect(posted.status()).toBe(303);
      await page.waitForURL(`${base}/papers/trending`);
      expect(await card().getAttribute('aria-pressed')).toBe('true');
      expect(Number(await card().locator('.vote-count').textContent())).toBe(before + 1);
      await page.screenshot({ path: path.join(RESULTS, 'upvoted-no-js.png') });
    } finally {
      await browser.close();
    }
  });

  it('shows the Submit link and the submission form to viewers', async () => {
    const browser = await launchBrowser({ width: 390, height: 844 });
    try {
      const page = await browser.context.newPage();
      await signIn(page, 'submitter@example.org');
      await page.getByRole('link', { name: 'Submit', exact: true }).click();
      await page.waitForURL(`${base}/submit`);
      expect(await page.locator('h1').textContent()).toBe('Submit a paper');
      expect(
        await page.getByLabel('arXiv identifier or link').evaluate((e) => e === document.activeElement),
      ).toBe(true);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.getByLabel('arXiv identifier or link').fill('2410.17243');
      await page.getByRole('button', { name: 'Submit paper' }).click();
      expect(await page.getByRole('alert').first().textContent()).toContain('already listed');
      await page.screenshot({ path: path.join(RESULTS, 'submit-already-listed-phone.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
