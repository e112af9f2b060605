import { describe, expect, it } from 'vitest';
import { averagePrecision, ndcgAt, recallAt, scoreRun } from './metrics.ts';

// One query, worked by hand. Judged: d1 non-relevant (0), d2 gain 2, d4 gain 1, d9 gain 3 (never
// retrieved). Ranking: d1 d2 d3 d4 d5, so relevant documents sit at ranks 2 and 4.
const grades = new Map([
  ['d1', 0],
  ['d2', 2],
  ['d4', 1],
  ['d9', 3],
]);
const ranking = ['d1', 'd2', 'd3', 'd4', 'd5'];

describe('ndcgAt', () => {
  it('discounts graded gains by log2(rank + 1) against the ideal ordering of the qrels', () => {
    // DCG  = 2/log2(3) + 1/log2(5)            = 1.26186 + 0.43068 = 1.69254
    // IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.26186 + 0.5 = 4.76186
    expect(ndcgAt(ranking, grades, 10)).toBeCloseTo(0.355436, 6);
  });

  it('cuts both the ranking and the ideal at k', () => {
    // DCG@2 = 2/log2(3) = 1.26186; IDCG@2 = 3 + 2/log2(3) = 4.26186
    expect(ndcgAt(ranking, grades, 2)).toBeCloseTo(0.296082, 6);
    const late = [...Array.from({ length: 10 }, (_, i) => `x${i}`), 'd9'];
    expect(ndcgAt(late, grades, 10)).toBe(0);
  });

  it('is 1 for the ideal ranking and 0 without relevant documents', () => {
    expect(ndcgAt(['d9', 'd2', 'd4'], grades, 10)).toBeCloseTo(1, 12);
    expect(ndcgAt(ranking, new Map([['d1', 0]]), 10)).toBe(0);
    expect(ndcgAt([], grades, 10)).toBe(0);
  });

  it('treats negative grades as no gain', () => {
    expect(
      ndcgAt(
        ['d1', 'd2'],
        new Map([
          ['d1', -1],
          ['d2', 1],
        ]),
        10,
      ),
    ).toBeCloseTo(1 / Math.log2(3), 12);
  });
});

describe('averagePrecision', () => {
  it('divides by every relevant document in the qrels, found or not', () => {
    // precision 1/2 at rank 2 and 2/4 at rank 4; d9 is never found: (0.5 + 0.5) / 3
    expect(averagePrecision(ranking, grades)).toBeCloseTo(1 / 3, 12);
  });

  it('counts only grades above 0 as relevant', () => {
    expect(
      averagePrecision(
        ['d1', 'x', 'd2'],
        new Map([
          ['d1', 0],
          ['d2', 1],
        ]),
      ),
    ).toBeCloseTo(1 / 3, 12);
    expect(averagePrecision(['d1'], new Map([['d1', 0]]))).toBe(0);
  });

  it('is 1 when all relevant documents come first', () => {
    expect(averagePrecision(['d9', 'd2', 'd4', 'd1'], grades)).toBe(1);
  });
});

describe('recallAt', () => {
  it('is the share of relevant documents in the top k', () => {
    expect(recallAt(ranking, grades, 100)).toBeCloseTo(2 / 3, 12);
    expect(recallAt(ranking, grades, 3)).toBeCloseTo(1 / 3, 12);
    expect(recallAt(ranking, new Map([['d1', 0]]), 100)).toBe(0);
  });
});

describe('scoreRun', () => {
  const qrels = new Map([
    ['q1', grades],
    ['q2', new Map([['a', 1]])],
    ['q3', new Map<string, number>()],
  ]);

  it('averages over judged queries; a judged query without a ranking scores 0', () => {
    const run = new Map([
      ['q1', ranking],
      ['q9', ['a']], // not judged: ignored
    ]);
    const scores = scoreRun(run, qrels);
    expect(scores.queries).toBe(2);
    expect(scores.ndcg10).toBeCloseTo(0.355436 / 2, 6);
    expect(scores.map).toBeCloseTo(1 / 6, 12);
    expect(scores.recall100).toBeCloseTo(1 / 3, 12);
  });

  it('counts a document listed twice once', () => {
    const scores = scoreRun(new Map([['q2', ['x', 'a', 'a']]]), new Map([['q2', new Map([['a', 1]])]]));
    expect(scores.map).toBeCloseTo(0.5, 12);
  });

  it('scores an empty qrels as zero queries', () => {
    expect(scoreRun(new Map(), new Map())).toEqual({ queries: 0, ndcg10: 0, map: 0, recall100: 0 });
  });
});
