// The kinds of background job and what runs them. A kind's spec (singleton, attempts, backoff) is
// static, so `paperboy jobs run` can enqueue without building what the handler needs; the handler
// (payload → report) is bound to this process's services when a worker starts.
import type { JobReport, RetryPolicy } from './job.ts';

export const JOB_KINDS = ['arxiv-poll', 'embed-papers', 'digests'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export function isJobKind(value: string): value is JobKind {
  return (JOB_KINDS as readonly string[]).includes(value);
}

export interface JobSpec {
  /** Never two running at once in the whole cluster (the job holds a lease of its own, or must). */
  singleton: boolean;
  /** Claims in all, the first included, before the job is 'failed'. */
  maxAttempts: number;
  /** Delay before a failed job is claimed again: base, 2·base, … up to the cap. */
  retry: RetryPolicy;
}

export const JOB_SPECS: Record<JobKind, JobSpec> = {
  // A failed poll (arXiv away) is tried again for about an hour; the next announcement's poll
  // covers what it missed anyway (it looks back from the last successful poll).
  'arxiv-poll': {
    singleton: true,
    maxAttempts: 6,
    retry: { attempts: 6, baseDelayMs: 2 * 60_000, maxDelayMs: 30 * 60_000 },
  },
  'embed-papers': {
    singleton: true,
    maxAttempts: 3,
    retry: { attempts: 3, baseDelayMs: 60_000, maxDelayMs: 10 * 60_000 },
  },
  // Each message is retried within the run and deferred rows by later runs (digest-job.ts); a
  // failed run (database away, or the digest lease still held by a run killed on another host,
  // stale after 5 minutes) is tried again after 30 s, 1, 2 and 4 minutes.
  digests: {
    singleton: true,
    maxAttempts: 5,
    retry: { attempts: 5, baseDelayMs: 30_000, maxDelayMs: 5 * 60_000 },
  },
};

export interface JobHandler<P = unknown, R extends JobReport = JobReport> {
  kind: JobKind;
  /** Checks the stored payload; throws with a readable message when it is not valid. */
  parse(payload: unknown): P;
  /** Does the work; stops soon after `signal` aborts. A thrown error counts as a failed attempt. */
  run(payload: P, signal: AbortSignal): Promise<R>;
  /** The report as stored and logged: counts, without bulky details (the digest's recipients). */
  summarize(report: R): JobReport & Record<string, unknown>;
  /** Logs a finished run in the kind's own words. */
  log?(report: R, elapsedMs: number): void;
}

/** A handler whose payload type is erased, as the worker holds them. */
export type AnyJobHandler = JobHandler<unknown, JobReport>;

export class JobRegistry {
  private readonly handlers = new Map<JobKind, AnyJobHandler>();

  register<P, R extends JobReport>(handler: JobHandler<P, R>): this {
    this.handlers.set(handler.kind, handler as unknown as AnyJobHandler);
    return this;
  }

  get(kind: string): AnyJobHandler | null {
    return isJobKind(kind) ? (this.handlers.get(kind) ?? null) : null;
  }

  kinds(): JobKind[] {
    return [...this.handlers.keys()];
  }
}

/** Payloads that carry nothing: anything but a plain object is refused. */
export function parseEmptyPayload(payload: unknown): Record<string, never> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    throw new Error(`payload must be a JSON object, not ${JSON.stringify(payload)}`);
  return {};
}
