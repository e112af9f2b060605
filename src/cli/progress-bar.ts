// A small progress display for long imports, on stderr so stdout stays a clean summary. On a
// terminal it redraws one line in place; otherwise (a log file, CI) it prints a line every few
// seconds. Rate and ETA come from what this run did: a resumed run does not count earlier runs.

export interface ProgressSnapshot {
  /** Bytes of input done, of `bytesTotal`. */
  bytesDone: number;
  bytesTotal: number;
  /** Where this run started, in bytes. */
  bytesAtStart: number;
  /** Records done by this run. */
  records: number;
  elapsedMs: number;
}

export interface ProgressOptions {
  label: string;
  /** Redraw in place (a terminal) or print lines. */
  tty: boolean;
  /** Minimum time between lines when not a terminal. */
  lineIntervalMs?: number;
  /** Minimum time between redraws on a terminal. */
  redrawIntervalMs?: number;
  width?: number;
  clock?: () => number;
}

export class ProgressBar {
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly out: { write(s: string): unknown },
    private readonly o: ProgressOptions,
  ) {}

  update(p: ProgressSnapshot): void {
    const now = (this.o.clock ?? Date.now)();
    const interval = this.o.tty ? (this.o.redrawIntervalMs ?? 200) : (this.o.lineIntervalMs ?? 5000);
    if (now - this.lastDraw < interval) return;
    this.lastDraw = now;
    const line = formatProgress(this.o.label, p, this.o.tty ? (this.o.width ?? 24) : 0);
    if (this.o.tty) {
      this.out.write(`\r${line}\x1b[K`);
      this.drawn = true;
    } else {
      this.out.write(`${line}\n`);
    }
  }

  /** Clears the in-place line, so what follows starts on a clean line. */
  finish(): void {
    if (this.o.tty && this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** "label [#####-----] 42.0% 1,234 records 10,870/s ETA 1m05s"; no bar when `width` is 0. */
export function formatProgress(label: string, p: ProgressSnapshot, width: number): string {
  const fraction = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 1;
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.records / seconds : 0;
  const byteRate = seconds > 0 ? (p.bytesDone - p.bytesAtStart) / seconds : 0;
  const eta = byteRate > 0 ? (p.bytesTotal - p.bytesDone) / byteRate : null;
  const filled = Math.round(fraction * width);
  const bar = width > 0 ? ` [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]` : '';
  return (
    `${label}${bar} ${(fraction * 100).toFixed(1)}% ${p.records.toLocaleString('en-US')} records ` +
    `${Math.round(rate).toLocaleString('en-US')}/s ETA ${eta === null ? '?' : formatDuration(eta)}`
  );
}

/** 5s, 1m05s, 2h03m. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
