// The worker loop: claims jobs from the queue (job-repository.ts) and runs them, up to
// `concurrency` at a time. Every second or so (sooner when woken: a job was enqueued here, or a
// run ended) it hands expired leases back to the queue and claims what is due. While a job runs,
// its lease is renewed every third of the lease; a worker that cannot renew (the job was reclaimed
// after a long stall) aborts the run and lets the job's new owner finish it. A run that throws or
// reports 'failed' is retried with exponential backoff until its attempts are used up.
// stop() (SIGTERM) claims nothing more, aborts the runs and hands their jobs back to the queue:
// every job is idempotent, so whoever claims it next simply does what is still undone.
import type { JobRepository, JobRow } from '../db/repositories/job-repository.ts';
import type { JobReport, RetryPolicy } from './job.ts';
import { backoffDelay } from './job.ts';
import type { JobLog } from './job-kinds.ts';
import type { AnyJobHandler, JobRegistry } from './job-registry.ts';
import { JOB_SPECS, isJobKind } from './job-registry.ts';

export interface WorkerOptions {
  /** Who holds the leases: unique per worker process (host, pid and a random part). */
  owner: string;
  /** Jobs run at the same time. */
  concurrency: number;
  leaseMs: number;
  /** How often the queue is looked at when nothing wakes the worker. */
  pollMs: number;
  /** Finished jobs are deleted after this long (checked about hourly). */
  retentionMs: number;
  log: JobLog;
  /** Backoff between attempts of a kind (tests shorten it); default the kind's JOB_SPECS entry. */
  retryFor?: (kind: string) => RetryPolicy;
  now?: () => Date;
}

const PRUNE_EVERY_MS = 3_600_000;

/** How a run ended: a report, or an error (final: not worth another attempt). */
type Outcome = { report: JobReport; final: false } | { error: string; final: boolean };

export class Worker {
  private readonly running = new Map<number, { controller: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private again = false;
  private stopping = false;
  private started = false;
  private lastPrune = 0;
  private readonly now: () => Date;

  constructor(
    private readonly queue: JobRepository,
    private readonly registry: JobRegistry,
    private readonly options: WorkerOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  get owner(): string {
    return this.options.owner;
  }

  /** Jobs this worker is running now. */
  get busy(): number {
    return this.running.size;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /** Looks at the queue now (a job was just enqueued, or a slot freed). */
  wake(): void {
    if (!this.started || this.stopping) return;
    if (this.ticking) this.again = true;
    else this.schedule(0);
  }

  /** Claims nothing more, aborts the runs in progress and hands their jobs back to the queue. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    const runs = [...this.running.values()];
    for (const run of runs) run.controller.abort(new Error('the worker is stopping'));
    await Promise.all(runs.map((r) => r.done));
  }

  private schedule(ms: number): void {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (this.ticking || this.stopping) return;
    this.ticking = this.claimAndStart().catch((err: unknown) =>
      this.options.log.error({ err }, 'the job queue could not be read; trying again shortly'),
    );
    await this.ticking;
    this.ticking = null;
    if (this.again) {
      this.again = false;
      this.schedule(0);
    } else {
      this.schedule(this.options.pollMs);
    }
  }

  private async claimAndStart(): Promise<void> {
    const now = this.now();
    for (const job of await this.queue.reclaimExpired(now)) {
      this.options.log.warn(
        { job: job.id, kind: job.kind, attempts: job.attempts, state: job.state },
        `job ${job.id} (${job.kind}) lost its worker: ${job.lastError}`,
      );
    }
    if (now.getTime() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now.getTime();
      const pruned = await this.queue.prune(new Date(now.getTime() - this.options.retentionMs));
      if (pruned > 0) this.options.log.debug({ pruned }, 'deleted old finished jobs');
    }
    const kinds = this.registry.kinds();
    while (!this.stopping && this.running.size < this.options.concurrency) {
      const job = await this.queue.claim(this.options.owner, kinds, this.options.leaseMs, this.now());
      if (!job) break;
      if (this.stopping) {
        await this.queue.release(job.id, this.options.owner);
        break;
      }
      const controller = new AbortController();
      const done = this.execute(job, controller).finally(() => {
        this.running.delete(job.id);
        this.wake();
      });
      this.running.set(job.id, { controller, done });
    }
  }

  private async execute(job: JobRow, controller: AbortController): Promise<void> {
    const handler = this.registry.get(job.kind)!;
    const owner = this.options.owner;
    let leaseLost = false;
    const heartbeat = setInterval(
      () => {
        this.queue.renewLease(job.id, owner, this.options.leaseMs, this.now()).then(
          (ours) => {
            if (ours || leaseLost) return;
            leaseLost = true;
            controller.abort(new Error('the job was reclaimed by another worker'));
          },
          (err: unknown) => this.options.log.warn({ err, job: job.id }, 'could not renew a job lease'),
        );
      },
      Math.max(10, Math.floor(this.options.leaseMs / 3)),
    );
    heartbeat.unref();
    const started = performance.now();
    this.options.log.debug({ job: job.id, kind: job.kind, attempt: job.attempts }, `running ${job.kind}`);
    let outcome: Outcome;
    try {
      const payload = this.parsePayload(handler, job);
      outcome =
        'error' in payload
          ? payload
          : { report: await handler.run(payload.value, controller.signal), final: false };
      if ('report' in outcome) handler.log?.(outcome.report, performance.now() - started);
    } catch (err) {
      outcome = { error: err instanceof Error ? err.message : String(err), final: false };
    } finally {
      clearInterval(heartbeat);
    }
    const interrupted = controller.signal.aborted;
    try {
      await this.settle(job, handler, outcome, interrupted, leaseLost);
    } catch (err) {
      // The lease runs out and another worker picks the job up: nothing is lost.
      this.options.log.error({ err, job: job.id }, 'could not record the end of a job');
    }
  }

  /** A payload the handler refuses fails the job at once: running it again would not help. */
  private parsePayload(
    handler: AnyJobHandler,
    job: JobRow,
  ): { value: unknown } | { error: string; final: true } {
    try {
      return { value: handler.parse(JSON.parse(job.payload)) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err), final: true };
    }
  }

  private async settle(
    job: JobRow,
    handler: AnyJobHandler,
    outcome: Outcome,
    interrupted: boolean,
    leaseLost: boolean,
  ): Promise<void> {
    const owner = this.options.owner;
    if (leaseLost) {
      this.options.log.warn({ job: job.id, kind: job.kind }, 'job reclaimed by another worker; run dropped');
      return;
    }
    // Stopped mid-run (the run says 'skipped' or throws the abort): hand it back. A run that still
    // reports success did its work, and is recorded as done.
    const succeeded = 'report' in outcome && outcome.report.status === 'success';
    if (this.stopping && interrupted && !succeeded) {
      await this.queue.release(job.id, owner);
      this.options.log.info({ job: job.id, kind: job.kind }, 'stopping: job handed back to the queue');
      return;
    }
    const now = this.now();
    if ('report' in outcome && outcome.report.status !== 'failed') {
      await this.queue.complete(job.id, owner, handler.summarize(outcome.report), now);
      return;
    }
    const error = 'report' in outcome ? (outcome.report.reason ?? 'failed') : outcome.error;
    const report = 'report' in outcome ? handler.summarize(outcome.report) : undefined;
    const policy =
      this.options.retryFor?.(job.kind) ?? (isJobKind(job.kind) ? JOB_SPECS[job.kind].retry : null);
    const retryAt =
      policy && !outcome.final && job.attempts < job.maxAttempts
        ? new Date(now.getTime() + backoffDelay(policy, job.attempts + 1))
        : null;
    await this.queue.fail(job.id, owner, { error, report, retryAt }, now);
    const details = { job: job.id, kind: job.kind, attempt: job.attempts, err: error };
    if (retryAt) this.options.log.warn({ ...details, retryAt }, `${job.kind} failed; tried again later`);
    else this.options.log.error(details, `${job.kind} failed; given up after attempt ${job.attempts}`);
  }
}
