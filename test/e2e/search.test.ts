// End to end in real Chromium: search from the header, search as you type on /search (no page
// loads, the address follows along), filter to papers with code, recover from unsearchable
// queries, and save screenshots at desktop and phone widths under test-results/.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
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

/** Collects script errors and console errors (CSP violations included). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // A rejected query is answered with HTTP 400, which Chromium logs; that one is expected.
    if (m.type() === 'error' && !/status of 400/.test(m.text())) errors.push(m.text());
  });
  return errors;
}

/** Searches from the header box on the home page, as a reader would. */
async function searchFromHeader(page: Page, query: string): Promise<void> {
  await page.goto(`${base}/`);
  const box = page.locator('#header-q');
  expect(await box.isVisible()).toBe(true);
  await box.click();
  await page.keyboard.type(query);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === query);
  await page.waitForLoadState('load');
}

async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** The text of the <mark> elements in the result cards, lower-cased. */
async function markedWords(page: Page): Promise<string[]> {
  const words = await page.locator('#search-results .paper-card mark').allTextContents();
  return words.map((w) => w.toLowerCase());
}

describe('search at desktop width', () => {
  it('searches from the header, then as you type, filters, and handles odd queries', async () => {
    const browser = await launchBrowser({ width: 1280, height: 900 });
    try {
      const page = await browser.context.newPage();
      const errors = watchErrors(page);

      // 1. The header search box leads to /search with highlighted results.
      await searchFromHeader(page, 'language models');
      expect(await page.locator('h1').textContent()).toBe('Search papers');
      expect(await page.locator('#search-q').inputValue()).toBe('language models');
      const cards = page.locator('#search-results article.paper-card');
      expect(await cards.count()).toBeGreaterThan(3);
      expect(await page.locator('#search-results .paper-title mark').count()).toBeGreaterThan(0);
      expect(await page.locator('#search-results .paper-abstract mark').count()).toBeGreaterThan(0);
      const marked = await markedWords(page);
      expect(marked.some((w) => w.startsWith('language'))).toBe(true);
      expect(marked.some((w) => w.startsWith('model'))).toBe(true);
      // Highlights stay readable: the mark has its own background and text colour.
      const markStyle = await page
        .locator('#search-results mark')
        .first()
        .evaluate((el) => {
          const s = getComputedStyle(el);
          return { background: s.backgroundColor, color: s.color };
        });
      expect(markStyle.background).not.toBe('rgba(0, 0, 0, 0)');
      expect(markStyle.color).not.toBe(markStyle.background);
      expect(await overflow(page)).toBeLessThanOrEqual(0);

      // 2. Search as you type: the results change in place, without loading a page.
      await page.evaluate(() => {
        (window as unknown as { __searchMarker: string }).__searchMarker = 'same document';
      });
      const fragments: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/search/results?')) fragments.push(r.url());
      });
      const input = page.locator('#search-q');
      await input.fill('');
      await page.keyboard.type('quark', { delay: 30 });
      await page.waitForFunction(() => {
        const params = new URLSearchParams(location.search);
        const marks = Array.from(document.querySelectorAll('#search-results mark'), (m) =>
          (m.textContent ?? '').toLowerCase(),
        );
        return (
          location.pathname === '/search' &&
          params.get('q') === 'quark' &&
          marks.some((m) => m.startsWith('quark')) &&
          !document.querySelector('#search-results[aria-busy="true"]')
        );
      });
      expect(
        await page.evaluate(() => ({
          marker: (window as unknown as { __searchMarker?: string }).__searchMarker,
          navigations: performance.getEntriesByType('navigation').length,
          focused: document.activeElement?.id,
          title: document.title,
        })),
      ).toEqual({
        marker: 'same document',
        navigations: 1,
        focused: 'search-q',
        title: 'Search: quark · paperboy',
      });
      // Debounced: a few requests for the whole word, not one per keystroke.
      expect(fragments.length).toBeGreaterThan(0);
      expect(fragments.length).toBeLessThan(5);
      expect(fragments.at(-1)).toContain('q=quark');
      // Nothing about language models is left on screen.
      expect((await markedWords(page)).some((w) => w.startsWith('language'))).toBe(false);
      expect(await page.locator('#search-results .paper-card').count()).toBeGreaterThan(0);
      await page.screenshot({ path: path.join(RESULTS, 'search-desktop.png'), fullPage: false });

      // The replaced address is a real page: reloading it shows the same results.
      const liveTitles = await page.locator('#search-results .paper-title').allTextContents();
      await page.reload();
      expect(await page.locator('#search-q').inputValue()).toBe('quark');
      expect(await page.locator('#search-results .paper-title').allTextContents()).toEqual(liveTitles);

      // 3. A filter narrows the results: only papers with code (checkbox + submit).
      await page.evaluate(() => {
        (window as unknown as { __searchMarker: string }).__searchMarker = 'before enter';
      });
      await input.fill('network');
      await input.press('Enter');
      await page.waitForFunction(() => !('__searchMarker' in window));
      await page.waitForLoadState('load');
      expect(new URL(page.url()).searchParams.get('q')).toBe('network');
      const allCount = await cards.count();
      expect(allCount).toBeGreaterThan(6);
      await page.evaluate(() => {
        (window as unknown as { __searchMarker: string }).__searchMarker = 'before submit';
      });
      await page.locator('details.search-filters > summary').click();
      const codeOnly = page.getByLabel('Only papers with code');
      await codeOnly.check();
      await page.locator('form[data-search-form] button[type="submit"]').click();
      // A real form submission: a new document without the marker.
      await page.waitForFunction(() => !('__searchMarker' in window));
      await page.waitForLoadState('load');
      expect(new URL(page.url()).searchParams.get('code')).toBe('1');
      expect(await page.getByLabel('Only papers with code').isChecked()).toBe(true);
      expect(await page.locator('details.search-filters').getAttribute('open')).not.toBeNull();
      const codeCount = await cards.count();
      expect(codeCount).toBeGreaterThan(0);
      expect(codeCount).toBeLessThan(allCount);
      expect(await cards.locator('.chip-code').count()).toBe(codeCount);

      // 4. Queries that cannot be searched as typed give a message, not an error page.
      const punctuation = await page.goto(`${base}/search?q=${encodeURIComponent('?!,;')}`);
      expect(punctuation?.status()).toBeLessThan(500);
      expect(await page.locator('h1').textContent()).toBe('Search papers');
      expect(await page.locator('#search-results .search-message').isVisible()).toBe(true);
      expect(await page.locator('#search-q').inputValue()).toBe('?!,;');

      const unbalanced = await page.goto(`${base}/search?q=${encodeURIComponent('"black holes')}`);
      expect(unbalanced?.status()).toBe(200);
      expect(await page.locator('h1').textContent()).toBe('Search papers');
      expect(
        await page.locator('#search-results .search-warning, #search-results .search-message').count(),
      ).toBeGreaterThan(0);
      expect(await cards.count()).toBeGreaterThan(0);

      // The same while typing: punctuation swaps in the message and keeps the page.
      await page.evaluate(() => {
        (window as unknown as { __searchMarker: string }).__searchMarker = 'typing';
      });
      await page.locator('#search-q').fill('');
      await page.keyboard.type('?!;', { delay: 30 });
      await page.waitForFunction(
        () =>
          new URLSearchParams(location.search).get('q') === '?!;' &&
          document.querySelector('#search-results .search-message') !== null,
      );
      expect(await cards.count()).toBe(0);
      expect(await page.evaluate(() => '__searchMarker' in window)).toBe(true);

      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('search at phone width', () => {
  it('fits a 390px screen and highlights matches', async () => {
    const browser = await launchBrowser({ width: 390, height: 844 });
    try {
      const page = await browser.context.newPage();
      const errors = watchErrors(page);

      await searchFromHeader(page, 'black holes');
      expect(await page.locator('#search-results article.paper-card').count()).toBeGreaterThan(0);
      expect((await markedWords(page)).some((w) => w.startsWith('black'))).toBe(true);
      // The page's own search box is the one shown; the header's is not repeated above it.
      expect(await page.locator('#search-q').isVisible()).toBe(true);
      expect(await page.locator('#header-q').isVisible()).toBe(false);
      expect(await overflow(page)).toBeLessThanOrEqual(0);

      await page.screenshot({ path: path.join(RESULTS, 'search-phone.png'), fullPage: false });

      // Opening the filters keeps everything inside the screen.
      await page.locator('details.search-filters > summary').click();
      expect(await page.getByLabel('Only papers with code').isVisible()).toBe(true);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
