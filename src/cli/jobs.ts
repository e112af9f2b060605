// `paperboy jobs list [--limit N] [--kind K] [--state S]` and `paperboy jobs run KIND [--wait]`: the
// operator's view of the job queue. Both need only the database, not the search index or mail.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Config } from '../config/config.ts';
import { openDatabase } from '../db/database.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { JobRepository } from '../db/repositories/job-repository.ts';
import type { JobRow, JobState } from '../db/repositories/job-repository.ts';
import { isJobKind, JOB_KINDS } from '../jobs/job-registry.ts';
import type { JobKind } from '../jobs/job-registry.ts';
import { enqueueRunNow } from '../jobs/job-scheduler.ts';
import { sleep } from '../jobs/job.ts';

const STATES: readonly JobState[] = ['queued', 'running', 'done', 'failed'];

function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return n;
  };
}

function oneOf<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value))
      throw new InvalidArgumentError(`must be one of ${values.join(', ')}`);
    return value as T;
  };
}

async function withQueue<T>(config: Config, body: (queue: JobRepository) => Promise<T>): Promise<T> {
  const database: DatabaseHandle = await openDatabase(config.database);
  try {
    return await body(new JobRepository(database));
  } finally {
    await database.close();
  }
}

export function registerJobsCommand(program: Command, config: () => Config): void {
  const jobs = program
    .command('jobs')
    .description('the background job queue: list recent jobs, enqueue a run now');

  jobs
    .command('list')
    .description(
      'recent jobs, newest first (kind, state, attempts, times, report or error), and the schedules',
    )
    .option('--limit <n>', 'how many jobs', positiveInt(10_000), 20)
    .option('--kind <kind>', `only this kind (${JOB_KINDS.join(', ')})`, oneOf(JOB_KINDS))
    .option('--state <state>', `only this state (${STATES.join(', ')})`, oneOf(STATES))
    .action(async (options: { limit: number; kind?: JobKind; state?: JobState }) => {
      await withQueue(config(), async (queue) => {
        const rows = await queue.recent(options);
        if (rows.length === 0) console.log('No jobs.');
        for (const line of formatJobs(rows)) console.log(line);
        const schedules = await queue.schedules();
        if (schedules.length > 0) {
          console.log('\nSchedules:');
          for (const s of schedules)
            console.log(`  ${s.name.padEnd(14)} next ${s.nextRunAt}  last ${s.lastRunAt ?? '-'}`);
        }
      });
    });

  jobs
    .command('run')
    .description(`enqueue one run of KIND now (${JOB_KINDS.join(', ')}) for a worker; prints the job id`)
    .argument('<kind>', 'the job to run', (value: string) => {
      if (!isJobKind(value))
        throw new InvalidArgumentError(`unknown job kind; the kinds are ${JOB_KINDS.join(', ')}`);
      return value;
    })
    .option('--wait', 'wait until a worker has finished it and print its report (exit 1 unless done)')
    .action(async (kind: JobKind, options: { wait?: boolean }) => {
      const cfg = config();
      if (kind === 'embed-papers' && cfg.embeddings.kind === 'off')
        throw new Error('embeddings are off (EMBEDDINGS=off), so there is nothing to embed; see --help');
      await withQueue(cfg, async (queue) => {
        const { id } = await enqueueRunNow(queue, kind);
        console.log(String(id));
        if (!options.wait) return;
        const job = await waitForJob(queue, id);
        for (const line of formatJobs([job])) console.log(line);
        if (job.state !== 'done') process.exitCode = 1;
      });
    });
}

async function waitForJob(queue: JobRepository, id: number): Promise<JobRow> {
  for (;;) {
    const job = await queue.get(id);
    if (!job) throw new Error(`job ${id} disappeared from the queue`);
    if (job.state === 'done' || job.state === 'failed') return job;
    await sleep(250);
  }
}

/** One line per job: id, kind, state, attempts, times, then the report's counts or the error. */
export function formatJobs(rows: readonly JobRow[]): string[] {
  return rows.map((job) => {
    const times = [
      `created ${job.createdAt}`,
      job.startedAt ? `started ${job.startedAt}` : null,
      job.finishedAt ? `finished ${job.finishedAt}` : null,
      job.state === 'queued' && job.runAt > job.createdAt ? `next try ${job.runAt}` : null,
    ].filter((t) => t !== null);
    const outcome = [
      job.report ? `report ${job.report}` : null,
      job.lastError ? `error: ${job.lastError}` : null,
    ]
      .filter((t) => t !== null)
      .join('  ');
    return [
      `#${job.id}`.padEnd(6),
      job.kind.padEnd(13),
      job.state.padEnd(8),
      `${job.attempts}/${job.maxAttempts}`.padEnd(5),
      times.join(', '),
      outcome,
    ]
      .join(' ')
      .trimEnd();
  });
}
