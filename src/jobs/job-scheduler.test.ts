// Schedules on the shared queue, on both backends: nodes racing for one schedule enqueue one job
// per slot, the slot's dedupe key refuses a second copy, and intervals fall on the same boundaries
// on every node.
import { expect, it } from 'vitest';
import { describeBackends } from '../../test/helpers/backends.ts';
import { JobRepository } from '../db/repositories/job-repository.ts';
import type { JobLog } from './job-kinds.ts';
import { enqueueJob, intervalSchedule, JobScheduler } from './job-scheduler.ts';

const quiet: JobLog = { debug() {}, info() {}, warn() {}, error() {} };
const T0 = new Date('2026-11-27T08:03:20.000Z');
const MINUTE = 60_000;

describeBackends('job scheduler', (backend) => {
  it('fires each slot once when three nodes check at the same moments', async () => {
    const handle = await backend.open();
    let now = T0;
    const nodes = [1, 2, 3].map(
      () =>
        new JobScheduler(new JobRepository(handle), [intervalSchedule('digests', 'digests', 10 * MINUTE)], {
          checkMs: 1000,
          log: quiet,
          now: () => now,
        }),
    );
    const fired: string[] = [];
    // A new schedule is due at once, then on each ten-minute boundary; checks in between find nothing.
    for (const offset of [0, 1, 6, 7, 16, 17, 30, 31]) {
      now = new Date(T0.getTime() + offset * MINUTE);
      const results = await Promise.all(nodes.map((n) => n.check()));
      fired.push(...results.flat().map((f) => f.slot));
    }
    expect(fired).toEqual([
      '2026-11-27T08:03:20.000Z',
      '2026-11-27T08:10:00.000Z',
      '2026-11-27T08:20:00.000Z',
      '2026-11-27T08:30:00.000Z', // 08:33: the missed 08:30 slot fires once, not once per missed slot
    ]);
    const jobs = await new JobRepository(handle).recent({ limit: 10 });
    expect(jobs.map((j) => j.dedupeKey).reverse()).toEqual(fired.map((slot) => `digests@${slot}`));
    expect(jobs.every((j) => j.kind === 'digests' && j.singleton === 1 && j.maxAttempts === 5)).toBe(true);
  });

  it("refuses a slot's second job even when a node's schedule row is set back", async () => {
    const queue = new JobRepository(await backend.open());
    const first = await enqueueJob(queue, 'digests', { dedupeKey: 'digests@2026-11-27T08:10:00.000Z' }, T0);
    const again = await enqueueJob(queue, 'digests', { dedupeKey: 'digests@2026-11-27T08:10:00.000Z' }, T0);
    expect(again).toEqual({ id: first.id, created: false });
    const onEnqueued: number[] = [];
    const slot = new Date('2026-11-27T08:10:00.000Z');
    await queue.ensureSchedule('digests', slot, new Date('2026-11-27T08:20:00.000Z'));
    const node = new JobScheduler(queue, [intervalSchedule('digests', 'digests', 10 * MINUTE)], {
      checkMs: 1000,
      log: quiet,
      now: () => new Date('2026-11-27T08:12:00.000Z'),
      onEnqueued: (_kind, id) => onEnqueued.push(id),
    });
    // The row says 08:10 is due, but that slot's job exists: nothing new, nobody woken.
    expect(await node.check()).toEqual([]);
    expect(onEnqueued).toEqual([]);
    expect(await queue.recent({ limit: 10 })).toHaveLength(1);
  });
});
