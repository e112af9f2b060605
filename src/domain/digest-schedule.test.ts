import { describe, expect, it } from 'vitest';
import {
  alertPeriodOfKey,
  alertSince,
  isTimeZone,
  latestDuePeriod,
  localTime,
  periodOfDay,
  shortDay,
  zonedInstant,
} from './digest-schedule.ts';

const at = (iso: string) => Date.parse(iso);

describe('digest schedule', () => {
  it('knows time zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('converts local wall-clock hours to instants, across daylight saving', () => {
    expect(new Date(zonedInstant('2026-11-27', 8, 'Europe/Berlin')).toISOString()).toBe(
      '2026-11-27T07:00:00.000Z',
    );
    expect(new Date(zonedInstant('2026-07-01', 8, 'Europe/Berlin')).toISOString()).toBe(
      '2026-07-01T06:00:00.000Z',
    );
    expect(new Date(zonedInstant('2026-11-27', 20, 'America/Los_Angeles')).toISOString()).toBe(
      '2026-11-28T04:00:00.000Z',
    );
    expect(localTime(at('2026-11-27T23:30:00Z'), 'Asia/Tokyo')).toEqual({
      day: '2026-11-28',
      hour: 8,
      minute: 30,
    });
  });

  it('makes the daily digest of yesterday due at the local hour', () => {
    // 07:59 in Berlin: yesterday's digest is not due yet, the day before's is the latest due.
    expect(latestDuePeriod('daily', at('2026-11-27T06:59:00Z'), 8, 'Europe/Berlin').key).toBe(
      'daily:2026-11-25',
    );
    const due = latestDuePeriod('daily', at('2026-11-27T07:00:00Z'), 8, 'Europe/Berlin');
    expect(due).toEqual({
      kind: 'daily',
      key: 'daily:2026-11-26',
      start: '2026-11-26',
      end: '2026-11-26',
      dueAt: '2026-11-27T07:00:00.000Z',
    });
    expect(latestDuePeriod('topic', at('2026-11-27T07:00:00Z'), 8, 'Europe/Berlin').key).toBe(
      'alert:2026-11-26',
    );
  });

  it('makes the weekly digest of the past ISO week due on Monday', () => {
    // Friday 2026-11-27: the latest Monday was 2026-11-23, so week 47 (16–22 Nov) is due.
    const due = latestDuePeriod('weekly', at('2026-11-27T12:00:00Z'), 8, 'UTC');
    expect(due).toMatchObject({ key: 'weekly:2026-W47', start: '2026-11-16', end: '2026-11-22' });
    // Monday 2026-11-23 07:00 UTC, before the hour: the week before is still the latest due.
    expect(latestDuePeriod('weekly', at('2026-11-23T07:00:00Z'), 8, 'UTC').key).toBe('weekly:2026-W46');
  });

  it('gives the period of a chosen day', () => {
    expect(periodOfDay('daily', '2026-11-26', 8, 'UTC').key).toBe('daily:2026-11-26');
    expect(periodOfDay('weekly', '2026-11-26', 8, 'UTC')).toMatchObject({
      key: 'weekly:2026-W48',
      start: '2026-11-23',
      end: '2026-11-29',
      dueAt: '2026-11-30T08:00:00.000Z',
    });
  });

  it('writes short days for subjects', () => {
    expect(shortDay('2026-11-26')).toBe('Thu 26 Nov');
  });

  it('makes a topic alert cover the days since the previous one, a week at most', () => {
    const due = periodOfDay('topic', '2026-11-26', 8, 'UTC');
    expect(alertSince(due, null)).toEqual(due);
    expect(alertSince(due, '2026-11-25')).toEqual(due);
    expect(alertSince(due, '2026-11-26')).toBeNull();
    expect(alertSince(due, '2026-11-27')).toBeNull();
    const gap = alertSince(due, '2026-11-23')!;
    expect(gap).toMatchObject({ key: 'alert:2026-11-26/2026-11-24', start: '2026-11-24', end: '2026-11-26' });
    expect(alertSince(due, '2026-10-01')).toMatchObject({ start: '2026-11-20', end: '2026-11-26' });
    expect(alertPeriodOfKey(gap.key, 8, 'UTC')).toEqual(gap);
    expect(alertPeriodOfKey('alert:2026-11-26', 8, 'UTC')).toEqual(due);
    expect(alertPeriodOfKey('alert:nonsense', 8, 'UTC')).toBeNull();
  });
});
