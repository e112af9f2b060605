// A submission end to end in real Chromium: sign in through the pages, submit a recent arXiv paper
// that paperboy has never seen through the form (arXiv played by the loopback replay server of
// recorded API responses), land on its page listed today with the code link, the organization and
// the submitter's own upvote, and find it on the day's list.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedBody, startArxivApiServer } from '../helpers/arxiv-api-server.ts';
import type { ArxivApiServer, Handler } from '../helpers/arxiv-api-server.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { signInThroughPages } from '../helpers/browser-sign-in.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
const RECENT = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** The 1605.08386 recording, dated yesterday so that it is inside the submission window. */
const arxiv: Handler = (req) =>
  req.key === 'id:1605.08386'
    ? { body: recordedBody(req.key).replace(/<(published|updated)>[^<]+</g, `<$1>${RECENT}<`) }
    : undefined;

let server: ArxivApiServer;
let t: TestApp;
let base: string;

beforeAll(async () => {
  fs.mkdirSync(RESULTS, { recursive: true });
  server = await startArxivApiServer(arxiv);
  t = await createTestApp({ env: { ARXIV_API_URL: server.url, ARXIV_API_INTERVAL_MS: '0' } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await t?.close();
  await server?.close();
});

function signIn(page: Page, email: string): Promise<void> {
  return signInThroughPages(page, base, t, email);
}

describe('submitting a paper', () => {
  it('fetches a new paper from arXiv, lists it today and upvotes it for the submitter', async () => {
    expect(await t.container.papersRepo.findById('1605.08386')).toBeFalsy();
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await signIn(page, 'grace@example.org');
      await page.getByRole('link', { name: 'Submit', exact: true }).click();
      await page.getByLabel('arXiv identifier or link').fill('https://arxiv.org/abs/1605.08386v1');
      await page.getByLabel('Code (optional)').fill('https://github.com/heat-bath/walks');
      await page.getByLabel('Organization (optional)').fill('Heat Bath Lab');
      await page.getByRole('button', { name: 'Submit paper' }).click();
      await page.waitForURL(`${base}/papers/1605.08386`);

      expect(await page.locator('h1').textContent()).toContain('Heat-bath random walks with Markov bases');
      const vote = page.getByRole('button', { name: /^Upvote/ }).first();
      expect(await vote.getAttribute('aria-pressed')).toBe('true');
      expect(await page.locator('main').textContent()).toContain('Submitted by');
      expect(await page.locator('a[href="https://github.com/heat-bath/walks"]').count()).toBeGreaterThan(0);
      expect(await page.locator('a[href="/org/heat-bath-lab"]').count()).toBeGreaterThan(0);
      await page.screenshot({ path: path.join(RESULTS, 'submitted-paper.png'), fullPage: true });

      await page.goto(`${base}/`);
      expect(await page.locator('a[href="/papers/1605.08386"]').count()).toBeGreaterThan(0);
      expect(server.requests.some((r) => r.key === 'id:1605.08386')).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
