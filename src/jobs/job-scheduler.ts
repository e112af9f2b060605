// Schedules that fire once per cluster. Every node that runs jobs checks its schedules every few
// seconds; a due schedule is fired by a conditional UPDATE of its job_schedules row (compare and
// set on next_run_at, JobRepository.fireSchedule), so of all the nodes checking at that moment
// exactly one wins and enqueues the job. The job's dedupe key names the slot that fired
// (`digests@2026-11-27T10:00:00.000Z`), a second guard: the same slot can never be enqueued twice.
import type { Enqueued, JobRepository } from '../db/repositories/job-repository.ts';
import { pollTiming } from '../domain/arxiv-announcements.ts';
import type { JobLog } from './job-kinds.ts';
import type { JobKind } from './job-registry.ts';
import { JOB_SPECS } from './job-registry.ts';

export interface Schedule {
  /** Row name in job_schedules; also the dedupe key's prefix. */
  name: string;
  kind: JobKind;
  payload?: object;
  /** When the schedule fires next, seen from `now` (strictly after it). */
  next(now: Date): Date;
}

/** Every `intervalMs`, on boundaries of the interval since the epoch (the same on every node). */
export function intervalSchedule(name: string, kind: JobKind, intervalMs: number): Schedule {
  if (intervalMs <= 0) throw new Error(`schedule ${name}: the interval must be positive`);
  return {
    name,
    kind,
    next: (now) => new Date((Math.floor(now.getTime() / intervalMs) + 1) * intervalMs),
  };
}

/**
 * arXiv's rhythm: shortly after each announcement (Sunday to Thursday, 20:00 US Eastern, plus
 * `delayMs`). The job polls only when a poll is due (ArxivPoller.runIfDue), so the first firing on
 * a new installation catches up at once and later ones find each new announcement.
 */
export function arxivPollSchedule(delayMs: number): Schedule {
  return {
    name: 'arxiv-poll',
    kind: 'arxiv-poll',
    next: (now) => pollTiming(null, now, delayMs).nextDueAt,
  };
}

/** Enqueues one run of `kind` with its spec's singleton flag and attempts. */
export function enqueueJob(
  queue: JobRepository,
  kind: JobKind,
  options: { payload?: object; dedupeKey?: string } = {},
  now = new Date(),
): Promise<Enqueued> {
  const spec = JOB_SPECS[kind];
  return queue.enqueue({ kind, ...options, singleton: spec.singleton, maxAttempts: spec.maxAttempts }, now);
}

/**
 * One run of `kind` now, asked for by an operator (`paperboy jobs run`, /admin/jobs). A poll run by
 * hand polls whatever the time, as `paperboy ingest arxiv --poll-once` does.
 */
export function enqueueRunNow(queue: JobRepository, kind: JobKind, now = new Date()): Promise<Enqueued> {
  return enqueueJob(queue, kind, { payload: kind === 'arxiv-poll' ? { force: true } : {} }, now);
}

export interface JobSchedulerOptions {
  /** How often due schedules are looked for. */
  checkMs: number;
  log: JobLog;
  /** Called after this node enqueued a job (to wake its worker). */
  onEnqueued?: (kind: JobKind, id: number) => void;
  now?: () => Date;
}

export class JobScheduler {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private ensured = false;
  private stopped = false;
  private readonly now: () => Date;

  constructor(
    private readonly queue: JobRepository,
    private readonly schedules: readonly Schedule[],
    private readonly options: JobSchedulerOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.schedules.length === 0) return;
    this.arm(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  /**
   * Fires the schedules that are due; returns the jobs this node enqueued. A new schedule is due
   * at once; a schedule whose stored next run lies beyond its interval from now (the interval was
   * shortened) is brought forward.
   */
  async check(): Promise<{ kind: JobKind; id: number; slot: string }[]> {
    const now = this.now();
    if (!this.ensured) {
      for (const s of this.schedules) await this.queue.ensureSchedule(s.name, now, s.next(now));
      this.ensured = true;
    }
    const fired: { kind: JobKind; id: number; slot: string }[] = [];
    for (const s of this.schedules) {
      const slot = await this.queue.fireSchedule(s.name, now, s.next(now));
      if (!slot) continue;
      const dedupeKey = `${s.name}@${slot.toISOString()}`;
      const job = await enqueueJob(this.queue, s.kind, { payload: s.payload, dedupeKey }, now);
      if (!job.created) continue;
      fired.push({ kind: s.kind, id: job.id, slot: slot.toISOString() });
      this.options.log.debug({ job: job.id, kind: s.kind, slot }, `schedule ${s.name} fired`);
      this.options.onEnqueued?.(s.kind, job.id);
    }
    return fired;
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.inFlight = this.check()
        .then(() => undefined)
        .catch((err: unknown) =>
          this.options.log.error({ err }, 'could not check the job schedules; trying again shortly'),
        )
        .finally(() => {
          this.inFlight = null;
          this.arm(this.options.checkMs);
        });
    }, ms);
    this.timer.unref();
  }
}
