// What the administrator's jobs page shows and does: recent jobs with their state and report, the
// schedules, and "run now" for the kinds this site has.
import type { JobRepository, JobRow } from '../db/repositories/job-repository.ts';
import type { JobKind } from '../jobs/job-registry.ts';
import { isJobKind } from '../jobs/job-registry.ts';
import { enqueueRunNow } from '../jobs/job-scheduler.ts';
import { InvalidInputError } from './errors.ts';

export interface JobView {
  id: number;
  kind: string;
  state: JobRow['state'];
  attempts: number;
  maxAttempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** A queued job waiting out its backoff: when it is tried again. */
  nextTryAt: string | null;
  /** The stored report's fields (status, reason, counts), or null before the job has one. */
  report: Record<string, unknown> | null;
  lastError: string | null;
}

export interface ScheduleView {
  name: string;
  nextRunAt: string;
  lastRunAt: string | null;
}

export class JobAdminService {
  constructor(
    private readonly jobs: JobRepository,
    /** Kinds that can be run by hand here (embeddings only when they are configured). */
    readonly runnableKinds: readonly JobKind[],
  ) {}

  async overview(limit = 50): Promise<{ jobs: JobView[]; schedules: ScheduleView[] }> {
    const [rows, schedules] = await Promise.all([this.jobs.recent({ limit }), this.jobs.schedules()]);
    return { jobs: rows.map(toView), schedules };
  }

  /** Enqueues one run of `kind` now; returns the job's id. */
  async runNow(kind: string): Promise<number> {
    if (!isJobKind(kind) || !this.runnableKinds.includes(kind)) {
      throw new InvalidInputError(
        `"${kind.slice(0, 40)}" is not a job that runs here; choose one of ${this.runnableKinds.join(', ')}.`,
        'kind',
      );
    }
    return (await enqueueRunNow(this.jobs, kind)).id;
  }
}

function toView(row: JobRow): JobView {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    nextTryAt: row.state === 'queued' && row.attempts > 0 ? row.runAt : null,
    report: parseReport(row.report),
    lastError: row.lastError,
  };
}

function parseReport(json: string | null): Record<string, unknown> | null {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null; // written by this program, so never; a page must not fail on it anyway
  }
}
