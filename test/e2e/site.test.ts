// End to end in real Chromium: open the daily list, follow a paper, go to the previous day, and
// save screenshots at desktop and phone widths under test-results/.
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
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await t?.close();
});

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

describe.each(VIEWPORTS)('the site at $name width', (viewport) => {
  it('opens /, follows a paper, goes to the previous day', async () => {
    const browser = await launchBrowser({ width: viewport.width, height: viewport.height });
    try {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });

      await page.goto(`${base}/`);
      expect(await page.locator('h1').textContent()).toBe('Friday, November 27, 2026');
      const cards = page.locator('article.paper-card');
      expect(await cards.count()).toBe(29);
      await page.screenshot({ path: path.join(RESULTS, `home-${viewport.name}.png`), fullPage: false });

      // No horizontal scrolling: the layout fits the viewport.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);

      const firstTitle = (await cards.first().locator('.paper-title a').textContent())!.trim();
      await cards.first().locator('.paper-title a').click();
      await page.waitForURL(`${base}/papers/2410.17243`);
      expect((await page.locator('h1').textContent())!.trim()).toBe(firstTitle);
      expect(await page.getByRole('heading', { name: 'Abstract' }).isVisible()).toBe(true);
      expect(await page.locator('a', { hasText: 'PDF' }).getAttribute('href')).toBe(
        'https://arxiv.org/pdf/2410.17243',
      );
      await page.screenshot({ path: path.join(RESULTS, `paper-${viewport.name}.png`), fullPage: true });

      await page.goBack();
      await page.getByRole('link', { name: /Previous day/ }).click();
      await page.waitForURL(`${base}/papers/date/2026-11-26`);
      expect(await page.locator('h1').textContent()).toBe('Thursday, November 26, 2026');
      expect(await page.locator('article.paper-card').count()).toBe(30);
      await page.screenshot({
        path: path.join(RESULTS, `previous-day-${viewport.name}.png`),
        fullPage: false,
      });

      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('rendering and accessibility', () => {
  it('renders math with KaTeX, offers a skip link and a working theme toggle', async () => {
    const browser = await launchBrowser({ colorScheme: 'dark' });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${base}/papers/0704.0002`);
      expect(await page.locator('.abstract .katex').count()).toBeGreaterThan(0);
      // KaTeX's stylesheet and fonts load under the CSP: the MathML fallback stays hidden.
      const mathml = await page
        .locator('.katex-mathml')
        .first()
        .evaluate((el) => getComputedStyle(el).position);
      expect(mathml).toBe('absolute');

      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.textContent);
      expect(focused).toBe('Skip to content');

      const toggle = page.locator('[data-theme-toggle]');
      expect(await toggle.isVisible()).toBe(true);
      const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await toggle.click();
      const after = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(after).not.toBe(before);
      await page.screenshot({ path: path.join(RESULTS, 'paper-math-toggled.png'), fullPage: false });
    } finally {
      await browser.close();
    }
  });

  it('shows the 404 page', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const res = await page.goto(`${base}/papers/date/2026-02-31`);
      expect(res?.status()).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('Page not found');
    } finally {
      await browser.close();
    }
  });
});
