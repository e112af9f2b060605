// A tiny in-process scheduler: runs one job now and then every interval, never two runs at once
// (the next run is timed from the end of the previous one), can be asked to run again soon (new
// papers arrived), and stops cleanly: stop() aborts the running job and waits for it to end.
import type { JobReport } from './job.ts';

export interface PeriodicJobOptions<R extends JobReport> {
  name: string;
  intervalMs: number;
  run(signal: AbortSignal): Promise<R>;
  onReport?(report: R, elapsedMs: number): void;
  /** A run that threw instead of reporting (a bug or a database problem); the schedule goes on. */
  onError?(err: unknown): void;
}

export class PeriodicJob<R extends JobReport> {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly controller = new AbortController();

  constructor(private readonly options: PeriodicJobOptions<R>) {}

  get name(): string {
    return this.options.name;
  }

  /** First run right away, then every interval. */
  start(): void {
    this.schedule(0);
  }

  /** Runs as soon as possible: now when idle, right after the current run otherwise. */
  runSoon(): void {
    if (this.stopped) return;
    if (this.inFlight) this.again = true;
    else this.schedule(0);
  }

  /** Resolves once no run is in progress and none will start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.controller.abort(new Error(`${this.options.name} stopped`));
    await this.inFlight;
  }

  /** Resolves when the run in progress (if any) has ended: for tests and tools. */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref(); // a pending run never keeps the process alive
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (this.inFlight || this.stopped) return;
    this.inFlight = this.runOnce();
    await this.inFlight;
    this.inFlight = null;
    if (this.again) {
      this.again = false;
      this.schedule(0);
    } else {
      this.schedule(this.options.intervalMs);
    }
  }

  private async runOnce(): Promise<void> {
    const started = performance.now();
    try {
      const report = await this.options.run(this.controller.signal);
      this.options.onReport?.(report, performance.now() - started);
    } catch (err) {
      if (!this.stopped) this.options.onError?.(err);
    }
  }
}
