import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addWeeks,
  dayOf,
  isoWeekOf,
  parseDay,
  parseIsoWeek,
  parseMonth,
} from './periods.ts';

describe('days', () => {
  it('accepts only real calendar dates', () => {
    expect(parseDay('2024-02-29')).toBe('2024-02-29');
    expect(parseDay('2023-02-29')).toBeNull();
    expect(parseDay('2024-2-1')).toBeNull();
    expect(parseDay('2024-13-01')).toBeNull();
    expect(parseDay('../../etc')).toBeNull();
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('takes the UTC day of a timestamp', () => {
    expect(dayOf('2024-10-25T23:30:00-02:00')).toBe('2024-10-26');
  });
});

describe('ISO weeks', () => {
  it('follows ISO-8601 at year boundaries', () => {
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
    expect(isoWeekOf('2024-10-25')).toBe('2024-W43');
    expect(isoWeekOf('2026-11-27')).toBe('2026-W48');
  });

  it('parses a week into Monday..Sunday', () => {
    expect(parseIsoWeek('2024-W43')).toEqual({ start: '2024-10-21', end: '2024-10-27' });
    expect(parseIsoWeek('2020-W53')).toEqual({ start: '2020-12-28', end: '2021-01-03' });
    expect(parseIsoWeek('2025-W01')).toEqual({ start: '2024-12-30', end: '2025-01-05' });
  });

  it('rejects weeks that do not exist', () => {
    expect(parseIsoWeek('2024-W53')).toBeNull();
    expect(parseIsoWeek('2024-W00')).toBeNull();
    expect(parseIsoWeek('2024-43')).toBeNull();
  });

  it('steps between weeks', () => {
    expect(addWeeks('2024-W52', 1)).toBe('2025-W01');
    expect(addWeeks('2025-W01', -1)).toBe('2024-W52');
  });
});

describe('months', () => {
  it('parses a month into its first and last day', () => {
    expect(parseMonth('2024-02')).toEqual({ start: '2024-02-01', end: '2024-02-29' });
    expect(parseMonth('2024-13')).toBeNull();
  });

  it('steps between months', () => {
    expect(addMonths('2024-12', 1)).toBe('2025-01');
    expect(addMonths('2024-01', -1)).toBe('2023-12');
  });
});
