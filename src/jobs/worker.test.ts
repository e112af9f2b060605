// The worker loop over a real queue on both backends: runs and records jobs, retries with backoff
// until the attempts are used up, keeps its lease alive while a job runs, hands jobs back when
// stopped, runs at most `concurrency` at once, and shares the queue with other workers.
import { expect, it } from 'vitest';
import { describeBackends } from '../../test/helpers/backends.ts';
import { JobRepository } from '../db/repositories/job-repository.ts';
import type { JobReport } from './job.ts';
import { sleep } from './job.ts';
import type { JobLog } from './job-kinds.ts';
import type { JobHandler, JobKind } from './job-registry.ts';
import { JobRegistry, parseEmptyPayload } from './job-registry.ts';
import type { WorkerOptions } from './worker.ts';
import { Worker } from './worker.ts';

const quiet: JobLog = { debug() {}, info() {}, warn() {}, error() {} };

function handler(
  kind: JobKind,
  run: (signal: AbortSignal) => Promise<JobReport & Record<string, unknown>>,
): JobHandler<Record<string, never>, JobReport & Record<string, unknown>> {
  return { kind, parse: parseEmptyPayload, run: (_p, signal) => run(signal), summarize: (r) => r };
}

function worker(queue: JobRepository, registry: JobRegistry, options: Partial<WorkerOptions> = {}) {
  return new Worker(queue, registry, {
    owner: 'w1',
    concurrency: 1,
    leaseMs: 5000,
    pollMs: 10,
    retentionMs: 86_400_000,
    log: quiet,
    retryFor: () => ({ attempts: 3, baseDelayMs: 40, maxDelayMs: 80 }),
    ...options,
  });
}

async function until(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(5);
  }
}

describeBackends('job worker', (backend) => {
  it("runs queued jobs and stores each one's summarized report", async () => {
    const queue = new JobRepository(await backend.open());
    const registry = new JobRegistry().register({
      ...handler('digests', async () => ({ status: 'success', sent: 2, planned: ['a', 'b'] })),
      summarize: ({ planned: _planned, ...counts }) => counts,
    });
    const { id } = await queue.enqueue({ kind: 'digests', maxAttempts: 3 }, new Date());
    const w = worker(queue, registry);
    w.start();
    await until(async () => (await queue.get(id))?.state === 'done');
    await w.stop();
    expect(await queue.get(id)).toMatchObject({
      attempts: 1,
      report: '{"status":"success","sent":2}',
      leaseOwner: null,
    });
  });

  it('retries a failing job with growing delays, then marks it failed', async () => {
    const queue = new JobRepository(await backend.open());
    const tries: number[] = [];
    const registry = new JobRegistry().register(
      handler('arxiv-poll', async () => {
        tries.push(Date.now());
        if (tries.length === 2) return { status: 'failed', reason: 'arXiv answered 503' };
        throw new Error(`boom ${tries.length}`);
      }),
    );
    const { id } = await queue.enqueue({ kind: 'arxiv-poll', maxAttempts: 3 }, new Date());
    const w = worker(queue, registry);
    w.start();
    await until(async () => (await queue.get(id))?.state === 'failed');
    await w.stop();
    expect(tries).toHaveLength(3);
    // backoffDelay: 40 ms before the second try, 80 ms before the third.
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(40);
    expect(tries[2]! - tries[1]!).toBeGreaterThanOrEqual(80);
    expect(await queue.get(id)).toMatchObject({ attempts: 3, lastError: 'boom 3' });
  });

  it('records a failed report as a failed attempt, and succeeds on the next', async () => {
    const queue = new JobRepository(await backend.open());
    let runs = 0;
    const registry = new JobRegistry().register(
      handler('arxiv-poll', async () =>
        ++runs === 1
          ? { status: 'failed', reason: 'arXiv answered 503' }
          : { status: 'success', inserted: 4 },
      ),
    );
    const { id } = await queue.enqueue({ kind: 'arxiv-poll', maxAttempts: 3 }, new Date());
    const w = worker(queue, registry);
    w.start();
    await until(async () => (await queue.get(id))?.state === 'done');
    await w.stop();
    expect(await queue.get(id)).toMatchObject({
      attempts: 2,
      lastError: 'arXiv answered 503',
      report: '{"status":"success","inserted":4}',
    });
  });

  it('fails a job whose payload its handler refuses at once, without running it', async () => {
    const queue = new JobRepository(await backend.open());
    let ran = false;
    const registry = new JobRegistry().register(
      handler('digests', async () => {
        ran = true;
        return { status: 'success' };
      }),
    );
    const { id } = await queue.enqueue({ kind: 'digests', maxAttempts: 3, payload: [1, 2] }, new Date());
    const w = worker(queue, registry);
    w.start();
    await until(async () => (await queue.get(id))?.state === 'failed');
    await w.stop();
    expect(ran).toBe(false);
    // Not retried: the same payload would be refused again.
    expect(await queue.get(id)).toMatchObject({
      attempts: 1,
      lastError: 'payload must be a JSON object, not [1,2]',
    });
  });

  it('renews its lease while a long job runs, so nobody reclaims it', async () => {
    const queue = new JobRepository(await backend.open());
    let runs = 0;
    const registry = new JobRegistry().register(
      handler('embed-papers', async () => {
        runs++;
        await sleep(600);
        return { status: 'success' };
      }),
    );
    const { id } = await queue.enqueue({ kind: 'embed-papers', maxAttempts: 3 }, new Date());
    const w = worker(queue, registry, { leaseMs: 150 });
    w.start();
    const reclaimed: number[] = [];
    await until(async () => {
      reclaimed.push(...(await queue.reclaimExpired(new Date())).map((j) => j.id));
      return (await queue.get(id))?.state === 'done';
    });
    await w.stop();
    expect(reclaimed).toEqual([]);
    expect(runs).toBe(1);
  });

  it('aborts its jobs when stopped and hands them back; another worker finishes them', async () => {
    const queue = new JobRepository(await backend.open());
    let started = 0;
    const slow = new JobRegistry().register(
      handler('digests', async (signal) => {
        started++;
        await sleep(60_000, signal).catch(() => {});
        return { status: 'skipped', reason: 'stopped' };
      }),
    );
    const { id } = await queue.enqueue({ kind: 'digests', maxAttempts: 3 }, new Date());
    const first = worker(queue, slow);
    first.start();
    await until(() => started === 1);
    const stopAt = Date.now();
    await first.stop();
    expect(Date.now() - stopAt).toBeLessThan(1000);
    expect(await queue.get(id)).toMatchObject({ state: 'queued', attempts: 0, leaseOwner: null });

    const fast = new JobRegistry().register(handler('digests', async () => ({ status: 'success' })));
    const second = worker(queue, fast, { owner: 'w2' });
    second.start();
    await until(async () => (await queue.get(id))?.state === 'done');
    await second.stop();
    expect((await queue.get(id))?.attempts).toBe(1);
  });

  it('records a run that still succeeds after the stop instead of handing it back', async () => {
    const queue = new JobRepository(await backend.open());
    const registry = new JobRegistry().register(
      handler('digests', async (signal) => {
        // Its last step cannot be cut short: it finishes, then reports.
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return { status: 'success', sent: 1 };
      }),
    );
    const { id } = await queue.enqueue({ kind: 'digests', maxAttempts: 3 }, new Date());
    const w = worker(queue, registry);
    w.start();
    await until(async () => (await queue.get(id))?.state === 'running');
    await w.stop();
    expect(await queue.get(id)).toMatchObject({
      state: 'done',
      attempts: 1,
      report: '{"status":"success","sent":1}',
    });
  });

  it('runs up to its concurrency at once, and three workers share 60 jobs, each run once', async () => {
    const queue = new JobRepository(await backend.open());
    let inFlight = 0;
    let most = 0;
    const runsBy = new Map<string, number>();
    const registryFor = (owner: string) =>
      new JobRegistry().register(
        handler('embed-papers', async () => {
          most = Math.max(most, ++inFlight);
          runsBy.set(owner, (runsBy.get(owner) ?? 0) + 1);
          await sleep(10);
          inFlight--;
          return { status: 'success' };
        }),
      );
    const now = new Date();
    for (let i = 0; i < 60; i++) await queue.enqueue({ kind: 'embed-papers', maxAttempts: 3 }, now);
    const workers = ['a', 'b', 'c'].map((owner) =>
      worker(queue, registryFor(owner), { owner, concurrency: 2 }),
    );
    for (const w of workers) w.start();
    await until(async () => (await queue.recent({ limit: 100, state: 'done' })).length === 60);
    await Promise.all(workers.map((w) => w.stop()));
    expect([...runsBy.values()].reduce((a, b) => a + b, 0)).toBe(60);
    expect(most).toBeLessThanOrEqual(6);
    expect(most).toBeGreaterThan(1);
  });
});
