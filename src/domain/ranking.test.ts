import { describe, expect, it } from 'vitest';
import { trendingScore } from './ranking.ts';

describe('trendingScore', () => {
  it('is pinned to exact values', () => {
    expect(trendingScore(0, '2020-01-01T00:00:00.000Z')).toBe(0);
    expect(trendingScore(9, '2020-01-01T00:00:00.000Z')).toBe(1);
    expect(trendingScore(99, '2020-01-03T00:00:00.000Z')).toBe(3);
    expect(trendingScore(64, '2024-10-25T00:57:09.392Z')).toBe(881.3327594);
    expect(trendingScore(1, '2026-11-27T12:00:00.000Z')).toBe(1261.55103);
  });

  it('weighs two days of age like a tenfold difference in upvotes', () => {
    const older = trendingScore(199, '2026-11-25T00:00:00.000Z');
    const newer = trendingScore(19, '2026-11-27T00:00:00.000Z');
    expect(older).toBeCloseTo(newer, 6);
  });

  it('ranks a fresher paper higher at equal upvotes and a more upvoted one higher at equal age', () => {
    expect(trendingScore(10, '2026-11-27T00:00:00Z')).toBeGreaterThan(
      trendingScore(10, '2026-11-26T00:00:00Z'),
    );
    expect(trendingScore(11, '2026-11-27T00:00:00Z')).toBeGreaterThan(
      trendingScore(10, '2026-11-27T00:00:00Z'),
    );
  });

  it('treats negative or fractional counts as whole non-negative votes', () => {
    expect(trendingScore(-5, '2020-01-01T00:00:00Z')).toBe(0);
    expect(trendingScore(9.7, '2020-01-01T00:00:00Z')).toBe(1);
  });

  it('rejects an invalid timestamp', () => {
    expect(() => trendingScore(1, 'yesterday')).toThrow(RangeError);
  });
});
