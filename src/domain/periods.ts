// Calendar periods used by the feeds: UTC days (YYYY-MM-DD), ISO-8601 weeks (YYYY-Www) and
// months (YYYY-MM). Pure: everything is computed from the strings, never from "now".

export interface DayRange {
  /** First day, inclusive. */
  start: string;
  /** Last day, inclusive. */
  end: string;
}

const DAY_MS = 86_400_000;

/** Parses a strict YYYY-MM-DD calendar date; returns null for anything else (2024-02-30 too). */
export function parseDay(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return formatDay(ms) === value ? value : null;
}

export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function dayToMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export function addDays(day: string, n: number): string {
  return formatDay(dayToMs(day) + n * DAY_MS);
}

/** The UTC day of an ISO timestamp. */
export function dayOf(timestamp: string): string {
  return formatDay(Date.parse(timestamp));
}

/** ISO-8601 week of a day, e.g. 2024-12-30 → "2025-W01". */
export function isoWeekOf(day: string): string {
  const ms = dayToMs(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday = 0
  const thursday = ms + (3 - weekday) * DAY_MS; // the week belongs to the year of its Thursday
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday..Sunday of an ISO week "YYYY-Www"; null when malformed or the year has no such week. */
export function parseIsoWeek(value: string): DayRange | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (week < 1 || week > 53) return null;
  const jan4 = Date.UTC(year, 0, 4);
  const week1Monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  const start = formatDay(week1Monday + (week - 1) * 7 * DAY_MS);
  if (isoWeekOf(start) !== value) return null; // week 53 in a 52-week year
  return { start, end: addDays(start, 6) };
}

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** First..last day of "YYYY-MM"; null when malformed. */
export function parseMonth(value: string): DayRange | null {
  const m = /^(\d{4})-(\d{2})$/.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return { start: formatDay(Date.UTC(year, month - 1, 1)), end: formatDay(Date.UTC(year, month, 0)) };
}

export function addWeeks(week: string, n: number): string {
  const range = parseIsoWeek(week);
  if (!range) throw new RangeError(`invalid ISO week: ${week}`);
  return isoWeekOf(addDays(range.start, 7 * n));
}

export function addMonths(month: string, n: number): string {
  const range = parseMonth(month);
  if (!range) throw new RangeError(`invalid month: ${month}`);
  const d = new Date(dayToMs(range.start));
  return formatDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1)).slice(0, 7);
}
