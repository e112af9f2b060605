import { afterEach, describe, expect, it } from 'vitest';
import { categorySearchAs, startArxivApiServer } from '../../test/helpers/arxiv-api-server.ts';
import type { ArxivApiServer, Handler } from '../../test/helpers/arxiv-api-server.ts';
import { createTestApp } from '../../test/helpers/test-app.ts';
import type { TestApp } from '../../test/helpers/test-app.ts';
import { ArxivApiClient } from './arxiv-api-client.ts';
import type { ArxivPollerOptions, PollReport, PollState } from './arxiv-poller.ts';
import { ArxivPoller, POLL_CHECKPOINT, scheduleArxivPolling } from './arxiv-poller.ts';

let t: TestApp | undefined;
let server: ArxivApiServer | undefined;
afterEach(async () => {
  await t?.close();
  await server?.close();
  t = server = undefined;
});

// Tuesday 17 Feb 2026, 21:00 EST: an hour after that evening's announcement (2026-02-18T01:00Z).
const TUESDAY_NIGHT = new Date('2026-02-18T02:00:00Z');

async function setup(handler: Handler, options: Partial<ArxivPollerOptions> = {}) {
  t = await createTestApp({ seed: false });
  server = await startArxivApiServer(handler);
  const client = new ArxivApiClient({
    baseUrl: server.url,
    userAgent: 'test',
    minIntervalMs: 0,
    backoffMs: 1,
    maxAttempts: 2,
  });
  let now = TUESDAY_NIGHT;
  const poller = new ArxivPoller(client, t.container.sink, {
    categories: ['cs.SE', 'cs.LG'],
    pageSize: 10,
    now: () => now,
    ...options,
  });
  return { poller, server, sink: t.container.sink, setNow: (d: Date) => (now = d) };
}

describe('ArxivPoller', () => {
  it('polls the categories since shortly before the announcement, stores and lists the new papers', async () => {
    const { poller, server, sink } = await setup(categorySearchAs(60));
    const report = await poller.pollOnce();
    expect(report).toMatchObject({
      status: 'success',
      pages: 6,
      entries: 60,
      inserted: 60,
      updated: 0,
      listed: 1,
      skipped: 0,
      from: '2026-02-14T02:00:00.000Z', // first poll: four days back
      to: '2026-02-18T02:00:00.000Z',
      announcement: '2026-02-18T01:00:00.000Z',
    });
    const first = server.requests[0]!.params;
    expect(Object.fromEntries(first)).toEqual({
      search_query: '(cat:cs.SE OR cat:cs.LG) AND lastUpdatedDate:[202602140200 TO 202602180200]',
      id_list: '',
      start: '0',
      max_results: '10',
      sortBy: 'lastUpdatedDate',
      sortOrder: 'ascending',
    });
    // Only 2602.15552 was first submitted in the window (Tuesday 17 Feb, 07:57 EST): it enters
    // that evening's listing, UTC day 18 Feb. The others are older papers: stored, not listed.
    const day = await t!.container.feeds.day('2026-02-18');
    expect(day.papers.items.map((p) => p.id)).toEqual(['2602.15552']);
    expect(await t!.container.papersRepo.count()).toBe(60);
    expect(await sink.checkpoint<PollState>(POLL_CHECKPOINT)).toEqual({
      lastPollAt: '2026-02-18T02:00:00.000Z',
      from: '2026-02-14T02:00:00.000Z',
      to: '2026-02-18T02:00:00.000Z',
      announcement: '2026-02-18T01:00:00.000Z',
      categories: ['cs.SE', 'cs.LG'],
    });
  });

  it('skips until the next announcement, then looks back from the previous poll', async () => {
    const { poller, server, setNow } = await setup(categorySearchAs(10));
    expect((await poller.runIfDue()).status).toBe('success');
    setNow(new Date('2026-02-18T20:00:00Z'));
    expect(await poller.runIfDue()).toMatchObject({
      status: 'skipped',
      reason: 'next poll due at 2026-02-19T01:30:00.000Z',
    });
    expect(server.requests).toHaveLength(1);
    setNow(new Date('2026-02-19T01:30:00Z'));
    const second = await poller.runIfDue();
    expect(second).toMatchObject({ status: 'success', from: '2026-02-15T02:00:00.000Z', updated: 10 });
    expect(server.requests).toHaveLength(2);
  });

  it('reports a failure with what it stored, keeps those pages, and stays due', async () => {
    const replay = categorySearchAs(60);
    const { poller, sink } = await setup((req) =>
      req.params.get('start') === '20' ? { status: 502, body: 'bad gateway' } : replay(req),
    );
    const report = await poller.pollOnce();
    expect(report.status).toBe('failed');
    expect(report.reason).toMatch(/^arXiv API: HTTP 502: bad gateway \(http:.*start=20.*\); stored 20 new, /);
    expect(report).toMatchObject({ pages: 2, inserted: 20 });
    expect(await t!.container.papersRepo.count()).toBe(20);
    expect(await sink.checkpoint(POLL_CHECKPOINT)).toBeNull();
    expect((await poller.runIfDue()).status).not.toBe('skipped');
  });

  it('stops between pages when aborted, without writing its checkpoint', async () => {
    const replay = categorySearchAs(60);
    const controller = new AbortController();
    const { poller, sink } = await setup((req) => {
      if (req.params.get('start') === '10') controller.abort(new Error('stopping'));
      return { ...replay(req)!, delayMs: req.params.get('start') === '10' ? 2000 : 0 };
    });
    const started = Date.now();
    const report = await poller.pollOnce(controller.signal);
    expect(Date.now() - started).toBeLessThan(1500); // did not wait for the slow page
    expect(report).toMatchObject({ status: 'skipped', reason: 'stopped', pages: 1, inserted: 10 });
    expect(await sink.checkpoint(POLL_CHECKPOINT)).toBeNull();
  });
});

describe('scheduleArxivPolling', () => {
  it('catches up at once on start, then only checks until the next announcement, and stops', async () => {
    const { poller, server } = await setup(categorySearchAs(10));
    const logged: { level: string; message: string; details: object }[] = [];
    const at = (level: string) => (details: object, message: string) =>
      logged.push({ level, message, details });
    const job = scheduleArxivPolling(
      poller,
      { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
      20,
    );
    job.start();
    const deadline = Date.now() + 5000;
    while (logged.filter((l) => l.level === 'debug').length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await job.stop();
    expect(server.requests).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'info',
      message: 'arXiv poll: 10 new, 0 updated, 0 unchanged, 0 listed, 0 skipped',
    });
    expect((logged[0]!.details as PollReport).status).toBe('success');
    expect(logged.slice(1, 3).map((l) => l.message)).toEqual([
      'arXiv poll skipped: next poll due at 2026-02-19T01:30:00.000Z',
      'arXiv poll skipped: next poll due at 2026-02-19T01:30:00.000Z',
    ]);
    expect(logged.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
  });
});
