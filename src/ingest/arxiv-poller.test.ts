import { afterEach, describe, expect, it } from 'vitest';
import { categorySearchAs, startArxivApiServer } from '../../test/helpers/arxiv-api-server.ts';
import type { ArxivApiServer, Handler } from '../../test/helpers/arxiv-api-server.ts';
import { createTestApp } from '../../test/helpers/test-app.ts';
import type { TestApp } from '../../test/helpers/test-app.ts';
import { ArxivApiClient } from './arxiv-api-client.ts';
import type { ArxivPollerOptions, PollState } from './arxiv-poller.ts';
import { ArxivPoller, POLL_CHECKPOINT } from './arxiv-poller.ts';
import { JobRepository } from '../db/repositories/job-repository.ts';
import { arxivPollHandler } from '../jobs/job-kinds.ts';
import { JobRegistry } from '../jobs/job-registry.ts';
import { arxivPollSchedule, JobScheduler } from '../jobs/job-scheduler.ts';
import { Worker } from '../jobs/worker.ts';

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

describe('arXiv poll schedule on the job queue', () => {
  it('catches up at once on a new installation, then fires only after the next announcement', async () => {
    const { poller, server, setNow } = await setup(categorySearchAs(10));
    const queue = new JobRepository(t!.container.database);
    let now = TUESDAY_NIGHT;
    const clock = () => now;
    const logged: { level: string; message: string; details: object }[] = [];
    const at = (level: string) => (details: object, message: string) =>
      logged.push({ level, message, details });
    const log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const scheduler = new JobScheduler(queue, [arxivPollSchedule(poller.delayMs)], {
      checkMs: 10,
      log,
      now: clock,
    });
    const registry = new JobRegistry().register(arxivPollHandler(poller, log));
    const worker = new Worker(queue, registry, {
      owner: 'test',
      concurrency: 1,
      leaseMs: 5000,
      pollMs: 10,
      retentionMs: 86_400_000,
      log,
      now: clock,
    });
    const runOne = async () => {
      const [fired] = await scheduler.check();
      expect(fired).toBeDefined();
      worker.wake();
      for (let i = 0; i < 500 && (await queue.get(fired!.id))?.state !== 'done'; i++)
        await new Promise((r) => setTimeout(r, 10));
      return (await queue.get(fired!.id))!;
    };
    worker.start();
    try {
      const first = await runOne();
      expect(first.dedupeKey).toBe(`arxiv-poll@${TUESDAY_NIGHT.toISOString()}`);
      expect(JSON.parse(first.report!)).toMatchObject({ status: 'success', inserted: 10 });
      expect(server.requests).toHaveLength(1);
      const polled = logged.find((l) => l.level === 'info' && l.message.startsWith('arXiv poll'));
      expect(polled?.message).toBe('arXiv poll: 10 new, 0 updated, 0 unchanged, 0 listed, 0 skipped');

      // Nothing more until half an hour after Wednesday's announcement (20:00 EST = 01:00Z).
      now = new Date('2026-02-19T01:29:59Z');
      expect(await scheduler.check()).toEqual([]);
      expect((await queue.schedules())[0]?.nextRunAt).toBe('2026-02-19T01:30:00.000Z');
      now = new Date('2026-02-19T01:30:00Z');
      setNow(now);
      const second = await runOne();
      expect(second.dedupeKey).toBe('arxiv-poll@2026-02-19T01:30:00.000Z');
      expect(server.requests).toHaveLength(2);
      expect(logged.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    } finally {
      await worker.stop();
    }
  });
});
