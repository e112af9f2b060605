import { describe, expect, it } from 'vitest';
import {
  announcementOf,
  easternWallTime,
  latestAnnouncement,
  listingAnnouncement,
  listingDay,
  nextAnnouncement,
  pollTiming,
} from './arxiv-announcements.ts';

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();
const MIN = 60_000;

describe('US Eastern wall time', () => {
  it('follows daylight saving time both ways', () => {
    // 2024: EDT until Sunday 3 November, 02:00; 2025: EDT from Sunday 9 March, 02:00.
    expect(iso(easternWallTime({ year: 2024, month: 10, day: 20 }, 20))).toBe('2024-10-21T00:00:00.000Z');
    expect(iso(easternWallTime({ year: 2024, month: 11, day: 3 }, 20))).toBe('2024-11-04T01:00:00.000Z');
    expect(iso(easternWallTime({ year: 2025, month: 3, day: 6 }, 20))).toBe('2025-03-07T01:00:00.000Z');
    expect(iso(easternWallTime({ year: 2025, month: 3, day: 9 }, 20))).toBe('2025-03-10T00:00:00.000Z');
    expect(iso(easternWallTime({ year: 2025, month: 3, day: 9 }, 14))).toBe('2025-03-09T18:00:00.000Z');
  });
});

describe('announcements', () => {
  it('finds the latest announcement at or before a moment', () => {
    // Monday 21 Oct 2024, 08:00 EDT: Sunday's announcement.
    expect(iso(latestAnnouncement(at('2024-10-21T12:00:00Z')))).toBe('2024-10-21T00:00:00.000Z');
    // Exactly at 20:00 EDT counts; a second before, it is the previous one (Thursday).
    expect(iso(latestAnnouncement(at('2024-10-21T00:00:00Z')))).toBe('2024-10-21T00:00:00.000Z');
    expect(iso(latestAnnouncement(at('2024-10-20T23:59:59Z')))).toBe('2024-10-18T00:00:00.000Z');
    // Saturday: Thursday's. After DST ends: Sunday 3 Nov 20:00 EST.
    expect(iso(latestAnnouncement(at('2024-10-26T12:00:00Z')))).toBe('2024-10-25T00:00:00.000Z');
    expect(iso(latestAnnouncement(at('2024-11-04T12:00:00Z')))).toBe('2024-11-04T01:00:00.000Z');
  });

  it('finds the next announcement strictly after a moment', () => {
    expect(iso(nextAnnouncement(at('2024-10-25T12:00:00Z')))).toBe('2024-10-28T00:00:00.000Z');
    expect(iso(nextAnnouncement(at('2024-10-21T00:00:00Z')))).toBe('2024-10-22T00:00:00.000Z');
    // Thursday 6 March 2025 20:00 EST, then Sunday 9 March 20:00 EDT.
    expect(iso(nextAnnouncement(at('2025-03-07T00:30:00Z')))).toBe('2025-03-07T01:00:00.000Z');
    expect(iso(nextAnnouncement(at('2025-03-07T01:00:00Z')))).toBe('2025-03-10T00:00:00.000Z');
  });

  it('puts a submission into the announcement after the next weekday 14:00 deadline', () => {
    // Monday 21 Oct 2024: 13:59:59 EDT makes Monday evening, 14:00:00 Tuesday evening.
    expect(iso(announcementOf(at('2024-10-21T17:59:59Z')))).toBe('2024-10-22T00:00:00.000Z');
    expect(iso(announcementOf(at('2024-10-21T18:00:00Z')))).toBe('2024-10-23T00:00:00.000Z');
    // Friday before the deadline: Sunday evening; after it, or on Saturday: Monday evening.
    expect(iso(announcementOf(at('2024-10-25T17:00:00Z')))).toBe('2024-10-28T00:00:00.000Z');
    expect(iso(announcementOf(at('2024-10-25T19:00:00Z')))).toBe('2024-10-29T00:00:00.000Z');
    expect(iso(announcementOf(at('2024-10-26T12:00:00Z')))).toBe('2024-10-29T00:00:00.000Z');
    // Friday 7 March 2025 10:00 EST, announced Sunday 9 March 20:00 EDT (after the switch).
    expect(iso(announcementOf(at('2025-03-07T15:00:00Z')))).toBe('2025-03-10T00:00:00.000Z');
    // Friday 1 Nov 2024 13:00 EDT, announced Sunday 3 Nov 20:00 EST.
    expect(iso(announcementOf(at('2024-11-01T17:00:00Z')))).toBe('2024-11-04T01:00:00.000Z');
    // 2026-02-17 12:57 UTC is Tuesday 07:57 EST.
    expect(iso(announcementOf(at('2026-02-17T12:57:17Z')))).toBe('2026-02-18T01:00:00.000Z');
  });

  it('names a listing by the UTC day of its announcement', () => {
    expect(listingDay(at('2024-10-21T00:00:00.000Z'))).toBe('2024-10-21');
    expect(listingDay(at('2024-11-04T01:00:00.000Z'))).toBe('2024-11-04');
    expect(listingDay(announcementOf(at('2024-10-25T17:00:00Z')))).toBe('2024-10-28');
  });
});

describe('pollTiming', () => {
  const delay = 30 * MIN;

  it('is due at once when there never was a poll', () => {
    const t = pollTiming(null, at('2024-10-23T15:00:00Z'), delay);
    expect(t.due).toBe(true);
    expect(iso(t.announcement)).toBe('2024-10-23T00:00:00.000Z');
  });

  it('waits for the delay after 20:00 Eastern, then falls due', () => {
    const last = at('2024-10-21T00:30:00Z'); // just after Sunday's announcement
    const early = pollTiming(last, at('2024-10-22T00:10:00Z'), delay); // Monday 20:10 EDT
    expect(early).toEqual({
      due: false,
      announcement: at('2024-10-21T00:00:00Z'),
      nextDueAt: at('2024-10-22T00:30:00Z'),
    });
    expect(pollTiming(last, at('2024-10-22T00:30:00Z'), delay).due).toBe(true);
  });

  it('catches up on start when the last poll is older than the latest announcement', () => {
    // Last poll Thursday night; the server was off over Sunday's and Monday's announcements.
    const t = pollTiming(at('2024-10-25T00:40:00Z'), at('2024-10-29T12:00:00Z'), delay);
    expect(t.due).toBe(true);
    expect(iso(t.announcement)).toBe('2024-10-29T00:00:00.000Z');
    // Polled since: nothing due until Tuesday's announcement (Friday and Saturday have none).
    const after = pollTiming(at('2024-10-25T00:40:00Z'), at('2024-10-26T18:00:00Z'), delay);
    expect(after).toEqual({
      due: false,
      announcement: at('2024-10-25T00:00:00Z'),
      nextDueAt: at('2024-10-28T00:30:00Z'),
    });
  });
});

describe('listingAnnouncement', () => {
  const latest = at('2024-10-23T00:00:00Z'); // Tuesday 22 Oct, 20:00 EDT

  it('uses the announcement the submission went out in', () => {
    expect(iso(listingAnnouncement(at('2024-10-21T15:00:00Z'), null, latest))).toBe(
      '2024-10-22T00:00:00.000Z',
    );
  });

  it('never lists before the first announcement after the previous poll (held papers)', () => {
    const earliest = at('2024-10-23T00:00:00Z');
    expect(iso(listingAnnouncement(at('2024-10-17T15:00:00Z'), earliest, latest))).toBe(
      '2024-10-23T00:00:00.000Z',
    );
  });

  it('never lists after the announcement being polled', () => {
    expect(iso(listingAnnouncement(at('2024-10-22T19:00:00Z'), null, latest))).toBe(
      '2024-10-23T00:00:00.000Z',
    );
    expect(iso(listingAnnouncement(at('2024-10-23T15:00:00Z'), null, latest))).toBe(
      '2024-10-23T00:00:00.000Z',
    );
  });
});
