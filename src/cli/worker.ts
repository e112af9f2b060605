// Background jobs in a process: the handlers bound to this process's services, the once-per-cluster
// schedules and the worker loop (src/jobs). `paperboy worker` runs only this; `paperboy serve` runs
// it beside the web server unless --no-jobs.
import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { startChangeListener } from '../db/change-listener.ts';
import { supports } from '../db/dialect.ts';
import { JOBS_CHANNEL, JobRepository } from '../db/repositories/job-repository.ts';
import {
  arxivPollHandler,
  digestsHandler,
  EMBED_INTERVAL_MS,
  embedPapersHandler,
} from '../jobs/job-kinds.ts';
import { JOB_SPECS, JobRegistry } from '../jobs/job-registry.ts';
import type { JobKind } from '../jobs/job-registry.ts';
import type { Schedule } from '../jobs/job-scheduler.ts';
import { arxivPollSchedule, intervalSchedule, JobScheduler } from '../jobs/job-scheduler.ts';
import { Worker } from '../jobs/worker.ts';
import { createContainer } from '../main/container.ts';
import type { Container } from '../main/container.ts';
import { createArxivPoller } from './ingest-arxiv.ts';
import { stopOnSignals } from './shutdown.ts';

/** Due schedules are looked for this often; each fires on its own boundaries. */
const SCHEDULE_CHECK_MS = 5000;

export interface JobRuntime {
  worker: Worker;
  scheduler: JobScheduler;
  /** Stops the schedules and the worker; running jobs go back to the queue. */
  stop(): Promise<void>;
}

/** The schedules this configuration asks for. */
export function schedulesFor(config: Config, container: Container, arxivDelayMs: number): Schedule[] {
  const schedules: Schedule[] = [];
  if (config.arxiv.poll) schedules.push(arxivPollSchedule(arxivDelayMs));
  if (container.semantic) schedules.push(intervalSchedule('embed-papers', 'embed-papers', EMBED_INTERVAL_MS));
  const minutes = config.mail.digestCheckMinutes;
  if (minutes > 0) schedules.push(intervalSchedule('digests', 'digests', minutes * 60_000));
  return schedules;
}

export async function startJobs(container: Container, logger: Logger): Promise<JobRuntime> {
  const { config } = container;
  const poller = createArxivPoller(config, container.sink);
  const embedding =
    container.semantic && container.embedJob
      ? { semantic: container.semantic, job: container.embedJob }
      : null;
  const registry = new JobRegistry()
    .register(arxivPollHandler(poller, logger))
    .register(embedPapersHandler(embedding, logger))
    .register(digestsHandler(container.email.digestJob, logger));
  const queue = new JobRepository(container.database);
  const worker = new Worker(queue, registry, {
    owner: `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`,
    concurrency: config.jobs.concurrency,
    leaseMs: config.jobs.leaseMs,
    pollMs: config.jobs.pollMs,
    retentionMs: config.jobs.retentionMs,
    log: logger,
  });
  const schedules = schedulesFor(config, container, poller.delayMs);
  const scheduler = new JobScheduler(queue, schedules, {
    checkMs: SCHEDULE_CHECK_MS,
    log: logger,
    onEnqueued: () => worker.wake(),
  });
  // On PostgreSQL a job enqueued anywhere (`paperboy jobs run`, another node) wakes this worker.
  const listener =
    config.database.kind === 'postgres' && supports(container.database.dialect, 'notify')
      ? await startChangeListener({
          url: config.database.url,
          channel: JOBS_CHANNEL,
          onNotification: () => worker.wake(),
          onError: (err) => logger.warn({ err }, 'job queue listener lost its connection; polling meanwhile'),
        })
      : null;
  worker.start();
  scheduler.start();
  logger.info(
    {
      worker: worker.owner,
      concurrency: config.jobs.concurrency,
      schedules: schedules.map((s) => s.name),
      ...(config.arxiv.poll ? { categories: config.arxiv.categories } : {}),
    },
    'running background jobs',
  );
  return {
    worker,
    scheduler,
    async stop() {
      await scheduler.stop();
      await worker.stop();
      await listener?.close();
    },
  };
}

/**
 * New papers were indexed here (a submission, a poll): embed them soon. Any node may ask; the
 * job waits in the queue for whichever worker is free.
 */
export function embedWhenPapersArrive(container: Container, logger: Logger, onEnqueued?: () => void): void {
  if (!container.semantic) return;
  const queue = new JobRepository(container.database);
  const kind: JobKind = 'embed-papers';
  container.search.onPapersIndexed(() => {
    queue
      .enqueueUnlessQueued(
        { kind, singleton: JOB_SPECS[kind].singleton, maxAttempts: JOB_SPECS[kind].maxAttempts },
        new Date(),
      )
      .then((job) => {
        if (job) onEnqueued?.();
      })
      .catch((err: unknown) => logger.warn({ err }, 'could not enqueue embedding of new papers'));
  });
}

/** `paperboy worker`: migrations, then schedules and jobs until SIGTERM/SIGINT; no web server. */
export async function runWorker(config: Config, logger: Logger): Promise<void> {
  const container = await createContainer(config, { logger });
  const indexed = await container.search.ensureIndexed(await container.papersRepo.count());
  if (indexed !== null) logger.info({ papers: indexed }, 'built the search index');
  const runtime = await startJobs(container, logger);
  embedWhenPapersArrive(container, logger, () => runtime.worker.wake());
  // The worker's timers do not hold the process open (they are unref'd): this does, until stopped.
  const keepAlive = setInterval(() => {}, 1 << 30);
  stopOnSignals(logger, {
    message: 'shutting down: handing running jobs back to the queue',
    timeoutMessage: 'shutdown took longer than 10 s; exiting (leases expire, other workers take over)',
    steps: async () => {
      try {
        await runtime.stop();
        await container.close();
      } finally {
        clearInterval(keepAlive);
      }
    },
  });
}
