// Profiles and organization pages in real Chromium, at phone and desktop widths in both themes:
// the layout fits, the tabs are links that work by keyboard, and screenshots land in test-results/.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
let t: TestApp;
let base: string;

beforeAll(async () => {
  fs.mkdirSync(RESULTS, { recursive: true });
  t = await createTestApp();
  const db = t.container.database.db;
  const user = await db
    .insertInto('users')
    .values({
      email: 'grace@example.test',
      handle: 'grace',
      displayName: 'Grace Hopper, with a rather long display name that has to wrap',
      role: 'moderator',
      createdAt: '2026-02-01T09:00:00.000Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const listed = await db
    .selectFrom('listings')
    .select('paperId')
    .orderBy('listedAt', 'desc')
    .limit(4)
    .execute();
  await db
    .updateTable('listings')
    .set({ submittedBy: user.id })
    .where(
      'paperId',
      'in',
      listed.map((l) => l.paperId),
    )
    .execute();
  await db
    .insertInto('comments')
    .values({
      paperId: listed[0]!.paperId,
      userId: user.id,
      parentId: null,
      body: 'The ablation in **Table 3** answers my question: $O(n \\log n)$ holds.',
      createdAt: '2026-11-26T10:00:00.000Z',
      updatedAt: '2026-11-26T10:00:00.000Z',
    })
    .execute();
  t.container.database.noteWrite();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await t?.close();
});

const VIEWS = [
  { name: 'phone-dark', width: 390, height: 844, colorScheme: 'dark' },
  { name: 'desktop-light', width: 1280, height: 900, colorScheme: 'light' },
] as const;

describe.each(VIEWS)('at $name', (view) => {
  it('shows a profile whose tabs work by keyboard, and an organization page', async () => {
    const browser = await launchBrowser(view);
    try {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });

      await page.goto(`${base}/u/grace`);
      expect(await page.locator('h1').textContent()).toContain('Grace Hopper');
      expect(await page.locator('.role-badge').textContent()).toBe('Moderator');
      expect(await page.locator('.paper-card').count()).toBe(4);
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(RESULTS, `profile-${view.name}.png`), fullPage: false });

      // The Comments tab is a link: focus it from the keyboard and follow it.
      const tab = page.getByRole('link', { name: /^Comments/ });
      await tab.focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base}/u/grace?tab=comments`);
      expect(await page.locator('[aria-current="page"]', { hasText: 'Comments' }).count()).toBe(1);
      expect(await page.locator('.profile-comment .katex').count()).toBe(1);
      expect(await page.locator('.profile-comment strong').textContent()).toBe('Table 3');
      expect(await overflow()).toBeLessThanOrEqual(0);

      await page.goto(`${base}/orgs`);
      await page.locator('.org-row-name').first().click();
      await page.waitForURL(/\/org\//);
      expect(await page.locator('.paper-card').count()).toBeGreaterThan(0);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(RESULTS, `organization-${view.name}.png`), fullPage: false });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
