// End to end in real Chromium: an administrator reads the job queue at /admin/jobs (light and dark
// screenshots in test-results/) and runs a job with the "Run now" form, which works as plain HTML.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRepository } from '../../src/db/repositories/job-repository.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { signInThroughPages } from '../helpers/browser-sign-in.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
let t: TestApp;
let base: string;

beforeAll(async () => {
  fs.mkdirSync(RESULTS, { recursive: true });
  t = await createTestApp({ seed: false });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const queue = new JobRepository(t.container.database);
  const now = new Date('2026-11-27T09:00:00.000Z');
  const done = await queue.enqueue({ kind: 'digests', maxAttempts: 5 }, now);
  await queue.claim('worker-a', ['digests'], 60_000, now);
  await queue.complete(done.id, 'worker-a', { status: 'success', sent: 240, empty: 12, resent: 1 }, now);
  const poll = await queue.enqueue({ kind: 'arxiv-poll', maxAttempts: 6 }, now);
  await queue.claim('worker-b', ['arxiv-poll'], 60_000, now);
  await queue.fail(
    poll.id,
    'worker-b',
    { error: 'arXiv API: HTTP 503 (retry later)', retryAt: new Date('2026-11-27T09:02:00.000Z') },
    now,
  );
  await queue.ensureSchedule('digests', now, new Date('2026-11-27T09:10:00.000Z'));
});

afterAll(async () => {
  await t?.close();
});

describe('/admin/jobs', () => {
  it.each(['light', 'dark'] as const)('shows the queue and runs a job now (%s)', async (colorScheme) => {
    const browser = await launchBrowser({ colorScheme });
    try {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      const email = `admin-${colorScheme}@example.org`;
      await t.container.accounts.ensureUser(email, { role: 'admin' });
      await signInThroughPages(page, base, t, email);
      await page.goto(`${base}/admin/jobs`);
      await expect(page.getByRole('heading', { name: 'Jobs', level: 2 })).toBeTruthy();
      const table = page.getByRole('table', { name: 'Jobs, newest first' });
      await expect(table.getByRole('row').count()).resolves.toBeGreaterThanOrEqual(3);
      expect(await table.innerText()).toContain('success · sent 240 · empty 12 · resent 1');
      expect(await table.innerText()).toContain('error: arXiv API: HTTP 503 (retry later)');
      await page.screenshot({ path: path.join(RESULTS, `admin-jobs-${colorScheme}.png`), fullPage: true });

      await page.getByLabel('Job', { exact: true }).selectOption('digests');
      await page.getByRole('button', { name: 'Run now' }).click();
      await page.waitForURL(/\/admin\/jobs\?queued=\d+/);
      const notice = await page.getByRole('status').innerText();
      const id = Number(/Job (\d+) is queued/.exec(notice)?.[1]);
      expect((await new JobRepository(t.container.database).get(id))?.state).toBe('queued');
      expect(await page.locator(`#job-${id}`).innerText()).toContain('queued');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
