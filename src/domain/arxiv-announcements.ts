// arXiv's announcement rhythm (https://info.arxiv.org/help/availability.html): new submissions are
// announced Sunday to Thursday at 20:00 US Eastern. A submission made before the 14:00 Eastern
// deadline of a weekday (Monday to Friday) is announced that evening; Friday's on Sunday evening.
// Everything is US Eastern wall-clock time, so the UTC instants move by an hour with daylight saving
// time; the zone rules come from the runtime's time-zone data (Intl). arXiv's holidays are not
// modelled: on a holiday a poll finds nothing new and the listing day of a paper may be one early.
// Pure: instants in, instants out; no clock is read.

const ZONE = 'America/New_York';
const ANNOUNCE_HOUR = 20;
const DEADLINE_HOUR = 14;
const DAY_MS = 86_400_000;

/** A calendar date; month is 1-12. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const easternFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** The US Eastern wall clock at `instant`, as if that wall time were UTC (ms). */
function easternWallMs(instant: Date): number {
  const parts = Object.fromEntries(
    easternFormat.formatToParts(instant).map((p) => [p.type, Number(p.value)] as const),
  );
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The date the US Eastern wall calendar shows at `instant`. */
export function easternDate(instant: Date): CalendarDate {
  const wall = new Date(easternWallMs(instant));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/** The instant at which the US Eastern wall clock shows `hour`:00 on `date`. */
export function easternWallTime(date: CalendarDate, hour: number): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour);
  // Start from EST (UTC-5) and correct by the offset found there; the second pass settles the hour
  // on which the offset changes. 14:00 and 20:00 are never inside a DST gap or overlap (02:00).
  let guess = wall + 5 * 3_600_000;
  for (let i = 0; i < 2; i++) guess = wall - (easternWallMs(new Date(guess)) - guess);
  return new Date(guess);
}

function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday ... 6 = Saturday. */
function weekday(date: CalendarDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

const isAnnouncementDay = (date: CalendarDate) => weekday(date) <= 4; // Sunday to Thursday
const isDeadlineDay = (date: CalendarDate) => weekday(date) >= 1 && weekday(date) <= 5; // Monday to Friday

/** The most recent announcement at or before `now`. */
export function latestAnnouncement(now: Date): Date {
  const today = easternDate(now);
  for (let back = 0; ; back++) {
    const day = addDays(today, -back);
    if (!isAnnouncementDay(day)) continue;
    const at = easternWallTime(day, ANNOUNCE_HOUR);
    if (at.getTime() <= now.getTime()) return at;
  }
}

/** The first announcement strictly after `now`. */
export function nextAnnouncement(now: Date): Date {
  const today = easternDate(now);
  for (let ahead = 0; ; ahead++) {
    const day = addDays(today, ahead);
    if (!isAnnouncementDay(day)) continue;
    const at = easternWallTime(day, ANNOUNCE_HOUR);
    if (at.getTime() > now.getTime()) return at;
  }
}

/**
 * The announcement a submission made at `submittedAt` goes out in: the evening of the first weekday
 * deadline after it (a submission at 14:00:00 sharp has missed that deadline); Friday's is on Sunday.
 */
export function announcementOf(submittedAt: Date): Date {
  const start = easternDate(submittedAt);
  for (let ahead = 0; ; ahead++) {
    const day = addDays(start, ahead);
    if (!isDeadlineDay(day)) continue;
    if (easternWallTime(day, DEADLINE_HOUR).getTime() <= submittedAt.getTime()) continue;
    return easternWallTime(weekday(day) === 5 ? addDays(day, 2) : day, ANNOUNCE_HOUR);
  }
}

/** The daily listing an announcement fills: its UTC day ("2024-10-21" for Sunday 20 Oct, 20:00 EDT). */
export function listingDay(announcement: Date): string {
  return announcement.toISOString().slice(0, 10);
}

export interface PollTiming {
  /** Whether a poll should run now. */
  due: boolean;
  /** The announcement the poll (due now, or the last one) is after. */
  announcement: Date;
  /** When the next poll falls due if this one is not due, or has run. */
  nextDueAt: Date;
}

/**
 * Whether to poll: arXiv's API shows an announcement some minutes after 20:00, so a poll is due
 * `delayMs` after each announcement, and at once (catching up) whenever the last poll is older than
 * that moment for the latest announcement, e.g. after the server was down over an announcement.
 */
export function pollTiming(lastPollAt: Date | null, now: Date, delayMs: number): PollTiming {
  const shifted = new Date(now.getTime() - delayMs);
  const announcement = latestAnnouncement(shifted);
  const dueAt = announcement.getTime() + delayMs;
  const nextDueAt = new Date(nextAnnouncement(shifted).getTime() + delayMs);
  return { due: lastPollAt === null || lastPollAt.getTime() < dueAt, announcement, nextDueAt };
}

/**
 * The listing a newly found paper joins: the announcement its v1 submission went out in, never before
 * `earliest` (the first announcement after the previous poll, which did not see it: papers held for
 * moderation come out later than their submission says) and never after `latest` (the announcement
 * being polled: the paper is visible, so it has been announced).
 */
export function listingAnnouncement(submittedAt: Date, earliest: Date | null, latest: Date): Date {
  const own = announcementOf(submittedAt).getTime();
  const floor = earliest === null ? own : Math.max(own, earliest.getTime());
  return new Date(Math.min(floor, latest.getTime()));
}
