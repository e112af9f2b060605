import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion, RRF_K } from './rank-fusion.ts';

describe('weighted reciprocal rank fusion', () => {
  it('scores each paper by the sum of its weighted reciprocal ranks', () => {
    const fused = reciprocalRankFusion([
      { ids: ['a', 'b', 'c'], weight: 1 },
      { ids: ['c', 'd'], weight: 1 },
    ]);
    expect(fused.map((h) => h.id)).toEqual(['c', 'a', 'b', 'd']);
    expect(fused[0]!.score).toBeCloseTo(1 / (RRF_K + 3) + 1 / (RRF_K + 1), 12);
    expect(fused[1]!.score).toBeCloseTo(1 / (RRF_K + 1), 12);
  });

  it('lets the weights decide between the lists, and breaks ties by first appearance', () => {
    const lists = (semantic: number) => [
      { ids: ['lex1', 'lex2'], weight: 1 },
      { ids: ['sem1', 'sem2'], weight: semantic },
    ];
    expect(reciprocalRankFusion(lists(1)).map((h) => h.id)).toEqual(['lex1', 'sem1', 'lex2', 'sem2']);
    expect(reciprocalRankFusion(lists(2)).map((h) => h.id)).toEqual(['sem1', 'sem2', 'lex1', 'lex2']);
    expect(reciprocalRankFusion(lists(0)).map((h) => h.id)).toEqual(['lex1', 'lex2', 'sem1', 'sem2']);
  });

  it('counts a paper once per list and rejects nonsense weights', () => {
    const fused = reciprocalRankFusion([{ ids: ['a', 'a', 'b'], weight: 1 }]);
    expect(fused.map((h) => h.id)).toEqual(['a', 'b']);
    expect(fused[1]!.score).toBeCloseTo(1 / (RRF_K + 3), 12);
    expect(() => reciprocalRankFusion([{ ids: ['a'], weight: Number.NaN }])).toThrow(RangeError);
    expect(() => reciprocalRankFusion([{ ids: ['a'], weight: -1 }])).toThrow(RangeError);
    expect(reciprocalRankFusion([])).toEqual([]);
  });
});
