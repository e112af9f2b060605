// What every background job shares: a typed report of how a run went, and retries with
// exponential backoff. Jobs are idempotent (a run only does what is still undone), so a crashed
// or stopped run is simply followed by the next one.

export type JobStatus = 'success' | 'skipped' | 'failed';

export interface JobReport {
  /** success: the work was done (some items may have been set aside, see the job's counts);
   *  skipped: nothing could be attempted (not configured, already running, stopped);
   *  failed: the run gave up. */
  status: JobStatus;
  /** Why it was skipped or failed, or what was set aside, in words for a log or a terminal. */
  reason?: string;
}

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try; doubled before each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 15_000 };

/** Delay before try number `attempt` (2, 3, …): base, 2·base, 4·base, … up to the cap. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 2));
}

/**
 * Runs `task` until it succeeds, `isRetryable` says an error is final, the tries run out or
 * `signal` aborts (then the abort reason is thrown). The last error is thrown.
 */
export async function retry<T>(
  task: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: {
    signal?: AbortSignal;
    isRetryable?: (err: unknown) => boolean;
    onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await task(attempt);
    } catch (err) {
      options.signal?.throwIfAborted();
      const retryable = options.isRetryable?.(err) ?? true;
      if (!retryable || attempt >= policy.attempts) throw err;
      const delay = backoffDelay(policy, attempt + 1);
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}

/** setTimeout as a promise that an AbortSignal cuts short (rejecting with its reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
