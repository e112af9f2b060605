import { describe, expect, it } from 'vitest';
import { absoluteTime, relativeTime } from './relative-time.ts';

const NOW = new Date('2026-11-27T12:00:00.000Z');

describe('relativeTime', () => {
  it.each([
    ['2026-11-27T11:59:30.000Z', 'just now'],
    ['2026-11-27T11:59:00.000Z', '1 minute ago'],
    ['2026-11-27T11:15:00.000Z', '45 minutes ago'],
    ['2026-11-27T09:00:00.000Z', '3 hours ago'],
    ['2026-11-26T12:00:00.000Z', 'yesterday'],
    ['2026-11-20T12:00:00.000Z', '7 days ago'],
    ['2026-08-27T12:00:00.000Z', '3 months ago'],
    ['2024-11-27T12:00:00.000Z', '2 years ago'],
  ])('%s is %s', (iso, expected) => {
    expect(relativeTime(iso, NOW)).toBe(expected);
  });

  it('gives an absolute UTC time for tooltips', () => {
    expect(absoluteTime('2026-11-27T14:03:00.000Z')).toBe('Nov 27, 2026, 2:03 PM UTC');
  });
});
