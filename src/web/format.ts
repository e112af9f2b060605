// Display helpers shared by views. Dates are shown in UTC, the time zone the feeds are cut in.
import { segmentSource, splitMath } from '../domain/math-text.ts';

const dayFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
});
const longDayFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});
const monthFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'long' });

/** "Oct 25, 2024" from a timestamp or a YYYY-MM-DD day. */
export function shortDate(value: string): string {
  return dayFormat.format(new Date(value.length === 10 ? `${value}T00:00:00Z` : value));
}

/** "Friday, October 25, 2024". */
export function longDay(day: string): string {
  return longDayFormat.format(new Date(`${day}T00:00:00Z`));
}

/** "October 2024". */
export function monthName(month: string): string {
  return monthFormat.format(new Date(`${month}-01T00:00:00Z`));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** "1.2k" for large counts, as on HF cards. */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0).replace(/\.0$/, '')}k`;
}

/**
 * The start of a text, cut at a word boundary near `max` characters, never inside a math segment
 * so that the preview still renders. Returns the text unchanged when it is short enough.
 */
export function preview(text: string, max = 300): string {
  if (text.length <= max) return text;
  let out = '';
  for (const seg of splitMath(text)) {
    const raw = segmentSource(seg);
    if (out.length + raw.length <= max) {
      out += raw;
      continue;
    }
    if (seg.kind === 'text') {
      const room = seg.value.slice(0, max - out.length);
      const cut = room.lastIndexOf(' ');
      out += cut > 0 ? room.slice(0, cut) : room;
    }
    break;
  }
  return `${out.trimEnd().replace(/[,;:.]$/, '')}…`;
}

/** "github.com/owner/repo" from a repository URL, for link text. */
export function shortUrl(url: string): string {
  return url.replace(/^https?:\/\/(www\.)?/, '').replace(/\/+$/, '');
}

/** The URL when it is an absolute http(s) URL, else null: imported links never become javascript: hrefs. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}
