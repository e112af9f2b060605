import { describe, expect, it } from 'vitest';
import type { JobReport } from './job.ts';
import { backoffDelay, retry, sleep } from './job.ts';
import { PeriodicJob } from './scheduler.ts';

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(2);
  }
};

describe('periodic job', () => {
  it('runs at once, then every interval, never two runs at once', async () => {
    let running = 0;
    let overlapped = false;
    const reports: JobReport[] = [];
    const job = new PeriodicJob({
      name: 'test',
      intervalMs: 10,
      run: async () => {
        running += 1;
        overlapped ||= running > 1;
        await sleep(15);
        running -= 1;
        return { status: 'success' };
      },
      onReport: (r) => reports.push(r),
    });
    job.start();
    job.runSoon(); // while the first run is going: queued, not run alongside
    await until(() => reports.length >= 3);
    await job.stop();
    expect(overlapped).toBe(false);
  });

  it('runs again right after the current run when asked to run soon', async () => {
    let runs = 0;
    const job = new PeriodicJob({
      name: 'test',
      intervalMs: 60_000,
      run: async () => {
        runs += 1;
        await sleep(10);
        return { status: 'success' };
      },
    });
    job.start();
    await until(() => runs === 1);
    job.runSoon();
    await until(() => runs === 2);
    await job.idle();
    job.runSoon();
    await until(() => runs === 3);
    await job.stop();
    job.runSoon(); // stopped: ignored
    await sleep(20);
    expect(runs).toBe(3);
  });

  it('aborts the running job on stop and waits for it to end', async () => {
    let ended = false;
    const errors: unknown[] = [];
    const job = new PeriodicJob({
      name: 'test',
      intervalMs: 60_000,
      run: async (signal) => {
        try {
          await sleep(10_000, signal);
          return { status: 'success' };
        } finally {
          ended = true;
        }
      },
      onError: (err) => errors.push(err),
    });
    job.start();
    await sleep(10);
    await job.stop();
    expect(ended).toBe(true);
    expect(errors).toEqual([]); // an abort on stop is not an error to report
  });

  it('keeps its schedule after a run that throws', async () => {
    let runs = 0;
    const errors: unknown[] = [];
    const job = new PeriodicJob({
      name: 'test',
      intervalMs: 5,
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('database locked');
        return { status: 'success' };
      },
      onError: (err) => errors.push(err),
    });
    job.start();
    await until(() => runs >= 2);
    await job.stop();
    expect(String(errors[0])).toContain('database locked');
  });
});

describe('retry with backoff', () => {
  it('doubles the delay up to the cap', () => {
    const policy = { attempts: 6, baseDelayMs: 100, maxDelayMs: 500 };
    expect([2, 3, 4, 5, 6].map((a) => backoffDelay(policy, a))).toEqual([100, 200, 400, 500, 500]);
  });

  it('retries until success, stops on a final error and after the last attempt', async () => {
    const policy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
    let calls = 0;
    const delays: number[] = [];
    const value = await retry(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error(`fail ${calls}`);
        return 'ok';
      },
      policy,
      { onRetry: (_err, _attempt, delay) => delays.push(delay) },
    );
    expect(value).toBe('ok');
    expect(delays).toEqual([1, 2]);

    calls = 0;
    await expect(
      retry(async () => {
        calls += 1;
        throw new Error('always');
      }, policy),
    ).rejects.toThrow('always');
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      retry(
        async () => {
          calls += 1;
          throw new Error('bad request');
        },
        policy,
        { isRetryable: () => false },
      ),
    ).rejects.toThrow('bad request');
    expect(calls).toBe(1);
  });

  it('gives up waiting when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = retry(
      async () => {
        throw new Error('down');
      },
      { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('shutdown')), 10);
    await expect(pending).rejects.toThrow('shutdown');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
