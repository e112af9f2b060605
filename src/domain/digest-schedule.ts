// When a subscription is due and which digest it is due for, in the subscriber's own time zone.
// Pure: only Intl (the time-zone database that ships with Node) and arithmetic.
//
// A daily digest (and a topic alert) for day D is due at the subscriber's hour on the local day
// after D; a weekly digest for ISO week W at the subscriber's hour on the Monday after W. Only the
// latest due period is ever sent: a server that was down for a week sends one digest, not seven.
import { addDays, isoWeekOf, parseIsoWeek } from './periods.ts';

export type SubscriptionKind = 'daily' | 'weekly' | 'topic';
export const SUBSCRIPTION_KINDS: readonly SubscriptionKind[] = ['daily', 'weekly', 'topic'];

export interface DuePeriod {
  kind: SubscriptionKind;
  /** daily:2026-11-26, weekly:2026-W48, alert:2026-11-26: unique per subscription. */
  key: string;
  /** First and last listing day the digest covers (inclusive). */
  start: string;
  end: string;
  /** The instant the digest became due (ISO-8601 UTC). */
  dueAt: string;
}

/** True for names the time-zone database knows ("Europe/Berlin", "UTC"). */
export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The local calendar day and hour of an instant in a zone. */
export function localTime(ms: number, zone: string): { day: string; hour: number; minute: number } {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
  };
}

/**
 * The UTC instant of `hour`:00 local time on `day` in `zone`. On a daylight-saving gap the hour
 * that does not exist becomes the next one that does (as clocks show it).
 */
export function zonedInstant(day: string, hour: number, zone: string): number {
  const wall = Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);
  let guess = wall;
  // Two corrections settle every real offset (including the day of a change).
  for (let i = 0; i < 3; i++) {
    const local = localTime(guess, zone);
    const shown = Date.parse(
      `${local.day}T${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}:00Z`,
    );
    const diff = shown - wall;
    if (diff === 0) return guess;
    guess -= diff;
  }
  return guess;
}

/** Monday of the ISO week that contains `day`. */
function mondayOf(day: string): string {
  return parseIsoWeek(isoWeekOf(day))!.start;
}

/** The latest period whose digest is due at `now` for a subscription with this hour and zone. */
export function latestDuePeriod(kind: SubscriptionKind, now: number, hour: number, zone: string): DuePeriod {
  const local = localTime(now, zone);
  if (kind === 'weekly') {
    const thisMonday = mondayOf(local.day);
    const dueToday = zonedInstant(thisMonday, hour, zone) <= now;
    const sendDay = dueToday ? thisMonday : addDays(thisMonday, -7);
    return periodFor('weekly', addDays(sendDay, -1), zonedInstant(sendDay, hour, zone));
  }
  const sendDay = zonedInstant(local.day, hour, zone) <= now ? local.day : addDays(local.day, -1);
  return periodFor(kind, addDays(sendDay, -1), zonedInstant(sendDay, hour, zone));
}

/** The period of a given digest day (for `--date`): that day, or the ISO week containing it. */
export function periodOfDay(kind: SubscriptionKind, day: string, hour: number, zone: string): DuePeriod {
  if (kind === 'weekly') {
    const week = parseIsoWeek(isoWeekOf(day))!;
    return periodFor('weekly', week.end, zonedInstant(addDays(week.end, 1), hour, zone));
  }
  return periodFor(kind, day, zonedInstant(addDays(day, 1), hour, zone));
}

function periodFor(kind: SubscriptionKind, lastDay: string, dueAt: number): DuePeriod {
  const dueIso = new Date(dueAt).toISOString();
  if (kind === 'weekly') {
    const week = isoWeekOf(lastDay);
    const range = parseIsoWeek(week)!;
    return { kind, key: `weekly:${week}`, start: range.start, end: range.end, dueAt: dueIso };
  }
  const prefix = kind === 'daily' ? 'daily' : 'alert';
  return { kind, key: `${prefix}:${lastDay}`, start: lastDay, end: lastDay, dueAt: dueIso };
}

/** Days a topic alert reaches back after missed runs (a server down for a while). */
export const MAX_ALERT_CATCH_UP_DAYS = 7;

/**
 * A topic alert covers the days since the previous alert (`lastEnd`, its last day), at most
 * MAX_ALERT_CATCH_UP_DAYS: "newly matching since the last alert". The key names the last day
 * first, so the newest alert of a subscription is its largest key: alert:2026-11-26, or
 * alert:2026-11-26/2026-11-24 for the 24th to the 26th. Null when the period is covered already.
 */
export function alertSince(period: DuePeriod, lastEnd: string | null): DuePeriod | null {
  if (lastEnd !== null && lastEnd >= period.end) return null;
  const earliest = addDays(period.end, 1 - MAX_ALERT_CATCH_UP_DAYS);
  const start =
    lastEnd === null ? period.end : addDays(lastEnd, 1) > earliest ? addDays(lastEnd, 1) : earliest;
  if (start === period.end) return period;
  return { ...period, start, key: `alert:${period.end}/${start}` };
}

/** The period a stored alert key names (see alertSince). */
export function alertPeriodOfKey(key: string, hour: number, zone: string): DuePeriod | null {
  const m = /^alert:(\d{4}-\d{2}-\d{2})(?:\/(\d{4}-\d{2}-\d{2}))?$/.exec(key);
  if (!m) return null;
  const period = periodOfDay('topic', m[1]!, hour, zone);
  return m[2] ? { ...period, start: m[2], key } : period;
}

/** "Thu 26 Nov" for subject lines. */
export function shortDay(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  const weekday = date.toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'UTC' });
  const rest = date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return `${weekday} ${rest}`;
}
