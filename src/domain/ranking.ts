// Ranking formulas. Pure functions, pinned by exact-value tests (ranking.test.ts) and documented in
// the README. Following lobsters' "hotness", the trending score depends on when a paper was listed,
// never on "now": it is stored, indexed and recomputed only when the paper's upvotes change.

/** Seconds of listing age that weigh as much as a tenfold difference in upvotes (two days). */
export const TRENDING_DECADE_SECONDS = 172_800;

/** Scores are measured from this instant to keep the stored numbers small. */
export const TRENDING_EPOCH_SECONDS = Date.UTC(2020, 0, 1) / 1000;

/**
 * trending = log10(upvotes + 1) + (listedAt − 2020-01-01) / 172,800 s, rounded to 7 decimals.
 *
 * A paper listed two days later needs ten times fewer upvotes to rank level with an older one,
 * so yesterday's 200-upvote paper still beats today's 5-upvote paper, but not today's 50-upvote one.
 */
export function trendingScore(upvotes: number, listedAt: string | Date): number {
  const listedMs = typeof listedAt === 'string' ? Date.parse(listedAt) : listedAt.getTime();
  if (!Number.isFinite(listedMs)) throw new RangeError(`invalid listing time: ${String(listedAt)}`);
  const votes = Math.max(0, Math.floor(upvotes));
  const age = (listedMs / 1000 - TRENDING_EPOCH_SECONDS) / TRENDING_DECADE_SECONDS;
  return round7(Math.log10(votes + 1) + age);
}

function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}
