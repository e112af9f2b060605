import { describe, expect, it } from 'vitest';
import { ProgressBar, formatDuration, formatProgress } from './progress-bar.ts';

const MiB = 2 ** 20;

describe('formatProgress', () => {
  it('shows the share of bytes, records/s of this run and the ETA from the byte rate of this run', () => {
    // Resumed at 100 MiB of 1000; 200 MiB and 50,000 records in 10 s: 20 MiB/s, 700 MiB to go.
    const p = {
      bytesDone: 300 * MiB,
      bytesTotal: 1000 * MiB,
      bytesAtStart: 100 * MiB,
      records: 50_000,
      elapsedMs: 10_000,
    };
    expect(formatProgress('snapshot', p, 10)).toBe(
      'snapshot [###-------] 30.0% 50,000 records 5,000/s ETA 35s',
    );
    expect(formatProgress('snapshot', p, 0)).toBe('snapshot 30.0% 50,000 records 5,000/s ETA 35s');
    expect(formatProgress('x', { ...p, elapsedMs: 0 }, 0)).toBe('x 30.0% 50,000 records 0/s ETA ?');
  });

  it.each([
    [4.4, '4s'],
    [65, '1m05s'],
    [3599, '59m59s'],
    [7380, '2h03m'],
  ])('formatDuration(%d) = %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});

describe('ProgressBar', () => {
  const snapshot = (records: number) => ({
    bytesDone: records,
    bytesTotal: 100,
    bytesAtStart: 0,
    records,
    elapsedMs: 1000,
  });

  it('redraws one line in place on a terminal and clears it at the end', () => {
    let out = '';
    let now = 0;
    const bar = new ProgressBar(
      { write: (s: string) => (out += s) },
      { label: 'p', tty: true, width: 4, clock: () => now },
    );
    bar.update(snapshot(10));
    now = 50;
    bar.update(snapshot(20)); // too soon: skipped
    now = 300;
    bar.update(snapshot(30));
    bar.finish();
    expect(out.split('\r').filter(Boolean)).toEqual([
      'p [----] 10.0% 10 records 10/s ETA 9s\x1b[K',
      'p [#---] 30.0% 30 records 30/s ETA 2s\x1b[K',
      '\x1b[K',
    ]);
  });

  it('prints a line every few seconds elsewhere', () => {
    const lines: string[] = [];
    let now = 0;
    const bar = new ProgressBar(
      { write: (s: string) => lines.push(s) },
      { label: 'p', tty: false, clock: () => now },
    );
    for (let t = 0; t <= 12_000; t += 1000) {
      now = t;
      bar.update(snapshot(t / 1000));
    }
    bar.finish();
    expect(lines).toEqual([
      'p 0.0% 0 records 0/s ETA ?\n',
      'p 5.0% 5 records 5/s ETA 19s\n',
      'p 10.0% 10 records 10/s ETA 9s\n',
    ]);
  });
});
