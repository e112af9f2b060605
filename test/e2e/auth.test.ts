// End to end in real Chromium: sign in through the pages with the link from the outbox, see the
// handle in the header, use settings, sign out. Screenshots go to test-results/.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { outboxFiles, signinLinkFor } from '../helpers/session.ts';
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

describe('signing in', () => {
  it.each([
    { name: 'desktop', width: 1280, height: 900 },
    { name: 'phone', width: 390, height: 844 },
  ])('signs in with the emailed link, shows the handle, signs out ($name)', async (viewport) => {
    const browser = await launchBrowser({ width: viewport.width, height: viewport.height });
    try {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      const email = `e2e-${viewport.name}@example.org`;

      await page.goto(`${base}/papers/trending`);
      const account = page.getByRole('navigation', { name: 'Account' });
      await account.getByRole('link', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${base}/signin?next=%2Fpapers%2Ftrending`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);

      const seen = outboxFiles(t);
      await page.getByLabel('Email address').fill(email);
      await page.screenshot({ path: path.join(RESULTS, `signin-${viewport.name}.png`) });
      await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
      expect(await page.locator('h1').textContent()).toBe('Check your email');
      expect(await page.getByRole('status').textContent()).toContain(email);

      // The mailed link points at BASE_URL; open the same path on this server.
      const link = new URL(await signinLinkFor(t, email, seen));
      await page.goto(`${base}${link.pathname}${link.search}`);
      expect(await page.locator('h1').textContent()).toBe('Sign in to paperboy');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/papers/trending`);

      const handle = `e2e-${viewport.name}`;
      expect(await account.getByRole('link', { name: `@${handle}` }).getAttribute('href')).toBe(
        `/u/${handle}`,
      );
      expect(await account.getByRole('link', { name: 'Sign in', exact: true }).count()).toBe(0);
      await page.screenshot({ path: path.join(RESULTS, `signed-in-${viewport.name}.png`) });

      // Settings: rename, then see the new name in the header.
      await account.getByRole('link', { name: 'Settings' }).click();
      await page.waitForURL(`${base}/settings`);
      await page.getByLabel('Display name').fill('Ada E2E');
      await page.getByLabel('Handle', { exact: true }).fill(`ada-${viewport.name}`);
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.waitForURL(`${base}/settings?saved=profile`);
      expect(await page.getByRole('status').textContent()).toContain('saved');
      expect(await account.getByRole('link', { name: `@ada-${viewport.name}` }).isVisible()).toBe(true);
      await page.screenshot({ path: path.join(RESULTS, `settings-${viewport.name}.png`), fullPage: true });

      await page.goto(`${base}/`);
      await account.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${base}/`);
      expect(await account.getByRole('link', { name: 'Sign in', exact: true }).isVisible()).toBe(true);
      expect((await browser.context.cookies()).find((c) => c.name === 'pb_session')).toBeUndefined();
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
