// JobRepository on every backend: idempotent enqueue, claims by concurrent workers (each job
// exactly once), leases that expire and are reclaimed, retries, singleton kinds, and schedules
// that fire once per slot however many nodes race for them.
import { expect, it } from 'vitest';
import { describeBackends } from '../../../test/helpers/backends.ts';
import type { JobRow } from './job-repository.ts';
import { JobRepository } from './job-repository.ts';

const T0 = new Date('2026-11-27T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const LEASE = 30_000;

describeBackends('job repository', (backend) => {
  it('enqueues idempotently by dedupe key, and without a key every time', async () => {
    const jobs = new JobRepository(await backend.open());
    const first = await jobs.enqueue({ kind: 'digests', dedupeKey: 'digests@slot-1', maxAttempts: 3 }, T0);
    const again = await jobs.enqueue({ kind: 'digests', dedupeKey: 'digests@slot-1', maxAttempts: 3 }, T0);
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    const a = await jobs.enqueue({ kind: 'digests', maxAttempts: 3 }, T0);
    const b = await jobs.enqueue({ kind: 'digests', maxAttempts: 3 }, T0);
    expect(new Set([first.id, a.id, b.id]).size).toBe(3);
    expect(await jobs.get(first.id)).toMatchObject({
      kind: 'digests',
      state: 'queued',
      attempts: 0,
      maxAttempts: 3,
      payload: '{}',
      runAt: T0.toISOString(),
      createdAt: T0.toISOString(),
    });
  });

  it('enqueues a wake-up only when no job of the kind is waiting', async () => {
    const jobs = new JobRepository(await backend.open());
    const first = await jobs.enqueueUnlessQueued({ kind: 'embed-papers', maxAttempts: 3 }, T0);
    expect(first?.created).toBe(true);
    expect(await jobs.enqueueUnlessQueued({ kind: 'embed-papers', maxAttempts: 3 }, T0)).toBeNull();
    await jobs.claim('w1', ['embed-papers'], LEASE, T0);
    // Running is not waiting: papers indexed now need a run after this one.
    expect(await jobs.enqueueUnlessQueued({ kind: 'embed-papers', maxAttempts: 3 }, T0)).not.toBeNull();
  });

  it('claims the earliest due job of the kinds asked for, leased to the claimer', async () => {
    const jobs = new JobRepository(await backend.open());
    const later = await jobs.enqueue({ kind: 'digests', maxAttempts: 3, runAt: at(60_000) }, T0);
    const poll = await jobs.enqueue({ kind: 'arxiv-poll', maxAttempts: 3, payload: { force: true } }, T0);
    const digest = await jobs.enqueue({ kind: 'digests', maxAttempts: 3, runAt: at(-1000) }, T0);

    const claimed = await jobs.claim('w1', ['digests', 'arxiv-poll'], LEASE, T0);
    expect(claimed).toMatchObject({
      id: digest.id,
      state: 'running',
      attempts: 1,
      leaseOwner: 'w1',
      leaseExpiresAt: at(LEASE).toISOString(),
      startedAt: T0.toISOString(),
    });
    expect(await jobs.claim('w2', ['digests'], LEASE, T0)).toBeNull(); // the other is not due yet
    const next = await jobs.claim('w2', ['digests', 'arxiv-poll'], LEASE, T0);
    expect(next).toMatchObject({ id: poll.id, payload: '{"force":true}' });
    expect((await jobs.claim('w2', ['digests'], LEASE, at(60_000)))?.id).toBe(later.id);
    expect(await jobs.claim('w2', [], LEASE, at(60_000))).toBeNull();
  });

  it('completes with a report, and refuses a worker that no longer holds the lease', async () => {
    const jobs = new JobRepository(await backend.open());
    const { id } = await jobs.enqueue({ kind: 'digests', maxAttempts: 3 }, T0);
    await jobs.claim('w1', ['digests'], LEASE, T0);
    expect(await jobs.complete(id, 'w2', { status: 'success' }, at(1000))).toBe(false);
    expect(await jobs.renewLease(id, 'w1', LEASE, at(10_000))).toBe(true);
    expect((await jobs.get(id))?.leaseExpiresAt).toBe(at(10_000 + LEASE).toISOString());
    expect(await jobs.complete(id, 'w1', { status: 'success', sent: 3 }, at(20_000))).toBe(true);
    expect(await jobs.get(id)).toMatchObject({
      state: 'done',
      report: '{"status":"success","sent":3}',
      finishedAt: at(20_000).toISOString(),
      leaseOwner: null,
      leaseExpiresAt: null,
    });
    expect(await jobs.renewLease(id, 'w1', LEASE, at(21_000))).toBe(false);
  });

  it("reclaims a dead worker's job when its lease expires; another worker finishes it", async () => {
    const jobs = new JobRepository(await backend.open());
    const { id } = await jobs.enqueue({ kind: 'digests', maxAttempts: 3 }, T0);
    await jobs.claim('killed', ['digests'], 1000, T0);
    expect(await jobs.reclaimExpired(at(999))).toEqual([]); // still alive as far as anyone knows
    expect(await jobs.claim('w2', ['digests'], LEASE, at(999))).toBeNull();

    const reclaimed = await jobs.reclaimExpired(at(1001));
    expect(reclaimed.map((j) => [j.id, j.state])).toEqual([[id, 'queued']]);
    expect(reclaimed[0]!.lastError).toMatch(/lease expired/);
    const again = await jobs.claim('w2', ['digests'], LEASE, at(1001));
    expect(again).toMatchObject({ id, attempts: 2, leaseOwner: 'w2' });
    expect(await jobs.complete(id, 'killed', { status: 'success' }, at(1002))).toBe(false);
    expect(await jobs.complete(id, 'w2', { status: 'success' }, at(1003))).toBe(true);
    expect((await jobs.get(id))?.state).toBe('done');
  });

  it('fails a job whose worker died on its last attempt instead of requeueing it forever', async () => {
    const jobs = new JobRepository(await backend.open());
    const { id } = await jobs.enqueue({ kind: 'digests', maxAttempts: 1 }, T0);
    await jobs.claim('killed', ['digests'], 1000, T0);
    expect((await jobs.reclaimExpired(at(2000))).map((j) => j.state)).toEqual(['failed']);
    expect(await jobs.get(id)).toMatchObject({ state: 'failed', finishedAt: at(2000).toISOString() });
  });

  it('retries a failed job after its backoff, then fails it for good', async () => {
    const jobs = new JobRepository(await backend.open());
    const { id } = await jobs.enqueue({ kind: 'arxiv-poll', maxAttempts: 2 }, T0);
    await jobs.claim('w1', ['arxiv-poll'], LEASE, T0);
    expect(await jobs.fail(id, 'w1', { error: 'arXiv: HTTP 503', retryAt: at(5000) }, at(100))).toBe(true);
    expect(await jobs.get(id)).toMatchObject({
      state: 'queued',
      attempts: 1,
      runAt: at(5000).toISOString(),
      lastError: 'arXiv: HTTP 503',
      leaseOwner: null,
    });
    expect(await jobs.claim('w1', ['arxiv-poll'], LEASE, at(4999))).toBeNull();
    expect((await jobs.claim('w1', ['arxiv-poll'], LEASE, at(5000)))?.attempts).toBe(2);
    const report = { status: 'failed', reason: 'still down' };
    await jobs.fail(id, 'w1', { error: 'still down', report, retryAt: null }, at(6000));
    expect(await jobs.get(id)).toMatchObject({
      state: 'failed',
      lastError: 'still down',
      report: JSON.stringify(report),
      finishedAt: at(6000).toISOString(),
    });
    expect(await jobs.claim('w1', ['arxiv-poll'], LEASE, at(99_000))).toBeNull();
  });

  it('takes a released job back without counting the attempt', async () => {
    const jobs = new JobRepository(await backend.open());
    const { id } = await jobs.enqueue({ kind: 'digests', maxAttempts: 3 }, T0);
    await jobs.claim('w1', ['digests'], LEASE, T0);
    expect(await jobs.release(id, 'w1')).toBe(true);
    expect(await jobs.get(id)).toMatchObject({ state: 'queued', attempts: 0, leaseOwner: null });
  });

  it('has N concurrent claimers run each of 200 jobs exactly once', async () => {
    const jobs = new JobRepository(await backend.open());
    for (let i = 0; i < 200; i++) await jobs.enqueue({ kind: 'embed-papers', maxAttempts: 3 }, T0);
    const runs = new Map<number, string[]>();
    const claimer = async (name: string) => {
      for (;;) {
        const job = await jobs.claim(name, ['embed-papers'], LEASE, T0);
        if (!job) return;
        runs.set(job.id, [...(runs.get(job.id) ?? []), name]);
        await new Promise((r) => setImmediate(r));
        expect(await jobs.complete(job.id, name, { status: 'success' }, T0)).toBe(true);
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => claimer(`w${i}`)));
    expect(runs.size).toBe(200);
    expect([...runs.values()].filter((by) => by.length !== 1)).toEqual([]);
    const done = await jobs.recent({ limit: 500, state: 'done' });
    expect(done).toHaveLength(200);
    // The work was shared (on PostgreSQL through SKIP LOCKED, not by waiting in line).
    expect(new Set([...runs.values()].flat()).size).toBeGreaterThan(1);
  });

  it('never runs two jobs of a singleton kind at once, even when claimers race', async () => {
    const jobs = new JobRepository(await backend.open());
    for (let i = 0; i < 6; i++) await jobs.enqueue({ kind: 'digests', singleton: true, maxAttempts: 3 }, T0);
    for (let i = 0; i < 6; i++) await jobs.enqueue({ kind: 'embed-papers', maxAttempts: 3 }, T0);
    let runningDigests = 0;
    let most = 0;
    const finished: JobRow[] = [];
    const claimer = async (name: string) => {
      for (let idle = 0; idle < 50;) {
        const job = await jobs.claim(name, ['digests', 'embed-papers'], LEASE, T0);
        if (!job) {
          idle++;
          await new Promise((r) => setTimeout(r, 2));
          continue;
        }
        if (job.kind === 'digests') most = Math.max(most, ++runningDigests);
        await new Promise((r) => setTimeout(r, 5));
        if (job.kind === 'digests') runningDigests--;
        await jobs.complete(job.id, name, { status: 'success' }, T0);
        finished.push(job);
      }
    };
    await Promise.all(Array.from({ length: 6 }, (_, i) => claimer(`w${i}`)));
    expect(most).toBe(1);
    expect(finished.filter((j) => j.kind === 'digests')).toHaveLength(6);
    expect(finished).toHaveLength(12);
  });

  it('lets a claim skip a singleton kind that is running and take other work', async () => {
    const jobs = new JobRepository(await backend.open());
    await jobs.enqueue({ kind: 'digests', singleton: true, maxAttempts: 3 }, T0);
    await jobs.enqueue({ kind: 'digests', singleton: true, maxAttempts: 3 }, T0);
    const other = await jobs.enqueue({ kind: 'arxiv-poll', singleton: true, maxAttempts: 3 }, at(1));
    expect((await jobs.claim('w1', ['digests', 'arxiv-poll'], LEASE, at(2)))?.kind).toBe('digests');
    expect((await jobs.claim('w2', ['digests', 'arxiv-poll'], LEASE, at(2)))?.id).toBe(other.id);
    expect(await jobs.claim('w3', ['digests', 'arxiv-poll'], LEASE, at(2))).toBeNull();
  });

  it('fires a schedule once per slot when three schedulers race for it', async () => {
    const jobs = new JobRepository(await backend.open());
    await jobs.ensureSchedule('digests', T0, at(600_000));
    const fired: Date[] = [];
    for (let slot = 0; slot < 5; slot++) {
      const now = at(slot * 600_000);
      const next = at((slot + 1) * 600_000);
      const results = await Promise.all([1, 2, 3].map(() => jobs.fireSchedule('digests', now, next)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      fired.push(results.find((r) => r !== null)!);
      // Not due again within the slot.
      expect(await jobs.fireSchedule('digests', at(slot * 600_000 + 1000), next)).toBeNull();
    }
    expect(fired.map((d) => d.getTime() - T0.getTime())).toEqual([0, 1, 2, 3, 4].map((i) => i * 600_000));
    expect(await jobs.schedules()).toEqual([
      { name: 'digests', nextRunAt: at(3_000_000).toISOString(), lastRunAt: at(2_400_000).toISOString() },
    ]);
  });

  it('keeps an existing schedule, but brings a next run beyond the new interval forward', async () => {
    const jobs = new JobRepository(await backend.open());
    await jobs.ensureSchedule('digests', T0, at(600_000));
    await jobs.fireSchedule('digests', T0, at(600_000));
    await jobs.ensureSchedule('digests', at(1000), at(600_000)); // a restart: unchanged
    expect((await jobs.schedules())[0]?.nextRunAt).toBe(at(600_000).toISOString());
    await jobs.ensureSchedule('digests', at(2000), at(60_000)); // DIGEST_CHECK_MINUTES lowered
    expect((await jobs.schedules())[0]?.nextRunAt).toBe(at(60_000).toISOString());
    expect(await jobs.fireSchedule('missing', T0, at(1))).toBeNull();
  });

  it('lists recent jobs newest first and prunes old finished ones', async () => {
    const jobs = new JobRepository(await backend.open());
    const old = await jobs.enqueue({ kind: 'digests', maxAttempts: 3 }, T0);
    const fresh = await jobs.enqueue({ kind: 'digests', maxAttempts: 3 }, T0);
    const waiting = await jobs.enqueue({ kind: 'embed-papers', maxAttempts: 3 }, T0);
    await jobs.claim('w', ['digests'], LEASE, T0);
    await jobs.complete(old.id, 'w', { status: 'success' }, T0);
    await jobs.claim('w', ['digests'], LEASE, at(1000));
    await jobs.complete(fresh.id, 'w', { status: 'success' }, at(86_400_000));
    expect((await jobs.recent({ limit: 2 })).map((j) => j.id)).toEqual([waiting.id, fresh.id]);
    expect((await jobs.recent({ limit: 9, kind: 'embed-papers' })).map((j) => j.id)).toEqual([waiting.id]);
    expect(await jobs.prune(at(3_600_000))).toBe(1);
    expect((await jobs.recent({ limit: 9 })).map((j) => j.id)).toEqual([waiting.id, fresh.id]);
  });
});
