// Cross-site scripting, end to end in real Chromium. Every payload of test/fixtures/xss-payloads.json
// is stored wherever outside text reaches the pages (paper titles, abstracts, authors, metadata
// and links; organization names; display names; comments), then every page showing it is opened
// with a watch (test/helpers/xss-harness.ts) for any sign that a payload ran or reached the DOM as
// markup. Nothing may run, and the payload must read as the text it was.
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayNameProblem, normalizeDisplayName } from '../../src/domain/account-rules.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { signInAs } from '../helpers/session.ts';
import type { Session } from '../helpers/session.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { loadPayloads, XssWatch } from '../helpers/xss-harness.ts';
import type { Payload } from '../helpers/xss-harness.ts';

const payloads = loadPayloads();
/** Every stored title starts with this word, so one search finds them all. */
const WORD = 'zqxjv';
const DAY = '2026-11-27';
/** A harmless paper that the comments are posted on. */
const TARGET = '2611.99999';
/** How many comments go through the form in the browser; the rest are posted over HTTP. */
const THROUGH_THE_FORM = 6;
/** Tests that open a page per payload; a shared CI machine may take a while. */
const SLOW = 300_000;

let t: TestApp;
let base: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let watch: XssWatch;
let page: Page;
/** The account that writes the payloads, signed in in the browser too. */
let mallory: Session;

const paperId = (p: Payload) => `2611.${String(90000 + p.id)}`;
const orgName = (p: Payload) => `xss-${p.id}`;
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Text that the page shows unchanged: no TeX (rendered as math) and no backslashes (TeX delimiters). */
const plainText = (p: Payload) => !p.text.includes('$') && !p.text.includes('\\');

beforeAll(async () => {
  // One account posts every payload; the per-minute write limit is not what is tested here.
  t = await createTestApp({ seed: false, env: { RATE_LIMIT_WRITES: '100000' } });
  await t.container.sink.store(
    payloads.map((p) => ({
      record: {
        arxivId: paperId(p),
        title: `${WORD} ${p.text}`,
        abstract: `Abstract ${p.id}: ${p.text}`,
        authors: [p.text, `Author ${p.id}`],
        categories: ['cs.CR'],
        versions: [{ version: 1, submittedAt: `${DAY}T0${p.id % 10}:00:00.000Z`, size: null }],
        comments: p.text,
        journalRef: p.text,
        doi: p.text,
        reportNo: p.text,
        license: p.text,
      },
      extras: {
        source: 'arxiv',
        codeUrl: p.text,
        projectUrl: p.text,
        importedUpvotes: p.id,
        organization: { name: orgName(p), fullname: p.text, avatarUrl: p.text },
      },
      listing: { day: DAY, listedAt: `${DAY}T12:00:00.000Z` },
    })),
  );
  await t.container.sink.store([
    {
      record: {
        arxivId: TARGET,
        title: `${WORD} A paper to discuss`,
        abstract: 'Comments below.',
        authors: ['Ada Lovelace'],
        categories: ['cs.CR'],
        versions: [{ version: 1, submittedAt: `${DAY}T00:00:00.000Z`, size: null }],
        comments: null,
        journalRef: null,
        doi: null,
        reportNo: null,
        license: null,
      },
      extras: { source: 'arxiv' },
      listing: { day: DAY, listedAt: `${DAY}T12:00:00.000Z` },
    },
  ]);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  mallory = await signInAs(t, { email: 'mallory@example.test', handle: 'mallory' });
  browser = await launchBrowser();
  watch = await XssWatch.install(browser.context);
  // The browser carries mallory's session: the settings and comment forms are hers.
  await browser.context.addCookies(
    mallory.cookie.split('; ').map((pair) => {
      const eq = pair.indexOf('=');
      return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: base };
    }),
  );
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the corpus', () => {
  it('has at least 60 distinct payloads', () => {
    expect(payloads.length).toBeGreaterThanOrEqual(60);
    expect(new Set(payloads.map((p) => p.text)).size).toBe(payloads.length);
  });
});

describe('the watch', () => {
  it('notices a script that runs, and the CSP forbids inline scripts', async () => {
    const res = await page.goto(`${base}/papers/${paperId(payloads[0]!)}`);
    const csp = res?.headers()['content-security-policy'] ?? '';
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'));
    expect(scriptSrc?.trim()).toBe("script-src 'self'");
    // A script the page itself injects is refused by the CSP, and reported.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = '__xss(-1)';
      document.body.append(s);
    });
    await expect.poll(() => watch.findings.length).toBeGreaterThan(0);
    const blocked = watch.take();
    expect(blocked.map((f) => f.kind)).toEqual(['csp']);
    // Script that does run (here: the test's own) is recorded with its marker.
    await page.evaluate(() => (window as unknown as { __xss(id: number): void }).__xss(-2));
    await expect.poll(() => watch.findings.length).toBeGreaterThan(0);
    expect(watch.take()).toEqual([expect.objectContaining({ kind: 'marker', detail: '__xss(-2)' })]);
    // Markup that would run on interaction is found too.
    await page.reload();
    await page.evaluate(() => {
      const a = document.createElement('a');
      a.setAttribute('href', ' JaVa\tScRiPt:void(0)');
      document.body.append(a);
    });
    await watch.inspect(page);
    expect(watch.take().map((f) => f.kind)).toEqual(['markup']);
  });
});

describe('papers with hostile metadata', () => {
  it(
    'shows every paper page with its payloads as text',
    async () => {
      for (const p of payloads) {
        await watch.visit(page, `${base}/papers/${paperId(p)}`);
        if (plainText(p)) {
          expect(collapse((await page.locator('h1#paper-title').textContent()) ?? '')).toBe(
            collapse(`${WORD} ${p.text}`),
          );
          expect(collapse((await page.locator('.paper-authors').textContent()) ?? '')).toContain(
            collapse(p.text),
          );
        }
      }
      expect(watch.take()).toEqual([]);
    },
    SLOW,
  );

  it(
    'shows the day list, trending and the organizations pages',
    async () => {
      for (let n = 0; n * 30 < payloads.length; n++) {
        await watch.visit(page, `${base}/papers/date/${DAY}?p=${n}`);
        await watch.visit(page, `${base}/papers/trending?p=${n}`);
        await watch.visit(page, `${base}/orgs?p=${n}`);
      }
      expect(await page.locator('.org-row-name').first().isVisible()).toBe(true);
      for (const p of payloads) {
        await watch.visit(page, `${base}/org/${orgName(p)}`);
        if (plainText(p)) {
          expect(collapse((await page.locator('h1#org-heading').textContent()) ?? '')).toBe(collapse(p.text));
        }
      }
      expect(watch.take()).toEqual([]);
    },
    SLOW,
  );

  it('shows search results, highlighted, on the page and as you type', async () => {
    for (let n = 0; n * 30 < payloads.length; n++) {
      await watch.visit(page, `${base}/search?q=${WORD}&p=${n}`);
    }
    // Search as you type swaps server-rendered results into the page.
    await watch.visit(page, `${base}/search`);
    const box = page.locator('#search-results');
    await page.locator('form[data-search-form] input[name="q"]').fill(`${WORD} script`);
    // The page opened without a query, so any card is one the script swapped in.
    await box.locator('.paper-card').first().waitFor();
    expect(page.url()).toContain('script');
    await watch.inspect(page);
    expect(watch.take()).toEqual([]);
  });

  it('serves feeds whose XML has no markup from the payloads', async () => {
    await watch.visit(page, `${base}/`);
    for (const feed of ['/feeds/daily.rss', '/feeds/daily.atom', `/feeds/org/${orgName(payloads[0]!)}.rss`]) {
      expect(await feedProblems(page, feed)).toEqual([]);
    }
    const json = await page.evaluate(async () => (await fetch('/feeds/daily.json')).json());
    expect((json as { items: unknown[] }).items.length).toBe(payloads.length + 1);
    expect(watch.take()).toEqual([]);
  });
});

/** Fetches a feed in the page and lists what is wrong with it: not well-formed, or HTML elements. */
function feedProblems(on: Page, url: string): Promise<string[]> {
  return on.evaluate(async (feedUrl) => {
    const text = await (await fetch(feedUrl)).text();
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const out: string[] = [];
    if (doc.getElementsByTagName('parsererror').length > 0) out.push(`${feedUrl} is not well-formed`);
    for (const el of Array.from(doc.getElementsByTagName('*'))) {
      if (
        /^(script|img|svg|iframe|object|embed|style|a|body|html|math|base|meta|form)$/i.test(el.localName)
      ) {
        out.push(`${feedUrl} has a <${el.localName}> element`);
      }
    }
    return out;
  }, url);
}

describe('display names set through the settings form', () => {
  const names = payloads
    .map((p) => ({ ...p, name: normalizeDisplayName(p.text) }))
    .filter((p) => displayNameProblem(p.name) === null);

  it('covers most of the corpus', () => {
    expect(names.length).toBeGreaterThanOrEqual(60);
  });

  it(
    'shows each name as text on the settings page, the profile and in the header',
    async () => {
      const settings = await browser.context.newPage();
      await watch.visit(settings, `${base}/settings`);
      for (const p of names) {
        // Each save lands back on the settings form, which shows the name just saved.
        const field = settings.locator('#settings-display-name');
        await field.fill(p.name);
        await Promise.all([
          settings.waitForResponse((r) => r.url().endsWith('/settings?saved=profile') && r.ok()),
          settings.locator('form[action="/settings/profile"] button[type="submit"]').click(),
        ]);
        await settings.waitForLoadState('load');
        await watch.inspect(settings);
        expect(await field.inputValue()).toBe(p.name);
        await watch.visit(page, `${base}/u/mallory`);
        expect(await page.locator('h1#profile-heading').textContent()).toBe(p.name);
      }
      await settings.close();
      expect(watch.take()).toEqual([]);
    },
    SLOW,
  );
});

describe('comments', () => {
  it(
    'posts payloads through the comment form and over HTTP, and shows them as text',
    async () => {
      const viaForm = payloads.slice(0, THROUGH_THE_FORM);
      for (const p of viaForm) {
        await watch.visit(page, `${base}/papers/${TARGET}`);
        await page.locator('#new-comment').fill(p.text);
        await Promise.all([
          page.waitForURL(/#comment-\d+$/),
          page.locator('form.comment-new button[type="submit"]').click(),
        ]);
        await watch.inspect(page);
      }
      for (const p of payloads.slice(THROUGH_THE_FORM)) {
        const res = await mallory.inject({
          method: 'POST',
          url: `/papers/${TARGET}/comments`,
          payload: { comment: p.text },
        });
        expect(res.statusCode, p.name).toBe(303);
      }
      // As the author (with edit forms holding the source in textareas) and as anyone else.
      await watch.visit(page, `${base}/papers/${TARGET}`);
      expect(await page.locator('#comments li[id^="comment-"]').count()).toBe(payloads.length);
      const discussion = (await page.locator('#comments').textContent()) ?? '';
      for (const p of payloads.filter((x) => x.text.startsWith('<script>'))) {
        expect(discussion).toContain(p.text);
      }
      for (let n = 0; n * 30 < payloads.length; n++) {
        await watch.visit(page, `${base}/u/mallory?tab=comments&p=${n}`);
      }
      expect(watch.take()).toEqual([]);

      // Signed out, the same pages come from the shared page cache.
      await browser.context.clearCookies();
      await watch.visit(page, `${base}/papers/${TARGET}`);
      expect(await page.locator('#comments li[id^="comment-"]').count()).toBe(payloads.length);
      for (let n = 0; n * 30 < payloads.length; n++) {
        await watch.visit(page, `${base}/u/mallory?tab=comments&p=${n}`);
      }
      expect(watch.take()).toEqual([]);
    },
    SLOW,
  );
});

describe('a profile full of hostile papers', () => {
  it(
    'lists them as submitted and upvoted, and serves them in the user feed',
    async () => {
      const db = t.container.database.db;
      const ids = payloads.map(paperId);
      await db
        .updateTable('listings')
        .set({ submittedBy: mallory.userId })
        .where('paperId', 'in', ids)
        .execute();
      await db
        .insertInto('votes')
        .values(
          ids.map((id, i) => ({
            userId: mallory.userId,
            paperId: id,
            createdAt: `${DAY}T13:${String(i % 60).padStart(2, '0')}:00.000Z`,
          })),
        )
        .execute();
      t.container.database.noteWrite();
      for (const tab of ['submitted', 'upvoted']) {
        for (let n = 0; n * 30 < payloads.length; n++) {
          await watch.visit(page, `${base}/u/mallory?tab=${tab}&p=${n}`);
          expect(await page.locator('.paper-card').count()).toBeGreaterThan(0);
        }
      }
      for (const feed of ['/feeds/user/mallory.rss', '/feeds/user/mallory.atom']) {
        expect(await feedProblems(page, feed)).toEqual([]);
      }
      expect(watch.take()).toEqual([]);
    },
    SLOW,
  );
});
