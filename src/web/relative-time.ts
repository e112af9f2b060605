// "3 hours ago" for comment times. The server renders it at render time; assets/comments.js
// recomputes it in the browser from the <time datetime>, since an anonymous page may be served from
// the page cache long after it was rendered. The same thresholds are used in both places.

const UNITS: [limitSeconds: number, unitSeconds: number, unit: Intl.RelativeTimeFormatUnit][] = [
  [60, 1, 'second'],
  [3600, 60, 'minute'],
  [86_400, 3600, 'hour'],
  [30 * 86_400, 86_400, 'day'],
  [365 * 86_400, 30 * 86_400, 'month'],
  [Infinity, 365 * 86_400, 'year'],
];

const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export function relativeTime(iso: string, now: Date): string {
  const seconds = Math.round((Date.parse(iso) - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  for (const [limit, size, unit] of UNITS) {
    if (abs < limit) return format.format(Math.round(seconds / size), unit);
  }
  return iso;
}

const absolute = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** "Nov 27, 2026, 2:03 PM UTC", for tooltips. */
export function absoluteTime(iso: string): string {
  return `${absolute.format(new Date(iso))} UTC`;
}
