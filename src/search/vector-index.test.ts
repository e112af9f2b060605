// The same behaviour tests against every VectorIndex, and the ANN's recall against the exact scan.
import { describe, expect, it } from 'vitest';
import { normalize } from './embedding-provider.ts';
import { loadUsearch, UsearchIndex } from './usearch-index.ts';
import type { VectorIndex } from './vector-index.ts';
import { ExactVectorIndex, VectorDimensionError } from './vector-index.ts';

const usearch = await loadUsearch();

const implementations: [string, (dims: number) => VectorIndex][] = [
  ['exact', (dims) => new ExactVectorIndex(dims)],
  ['hnsw (usearch)', (dims) => new UsearchIndex(usearch!, dims)],
];

/** Deterministic pseudo-random unit vectors (mulberry32), so a failure can be reproduced. */
function randomVectors(count: number, dims: number, seed: number): Float32Array[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => normalize(Array.from({ length: dims }, () => random() * 2 - 1)));
}

const v = (...xs: number[]) => normalize(xs);

it('loads usearch on this machine (its npm package ships the native binary)', () => {
  expect(usearch).not.toBeNull();
});

describe.each(implementations)('%s vector index', (_name, create) => {
  it('finds the nearest vectors, nearest first, with cosine distances', () => {
    const index = create(3);
    index.add(['x', 'y', 'z', 'xy'], [v(1, 0, 0), v(0, 1, 0), v(0, 0, 1), v(1, 1, 0)]);
    expect(index.size).toBe(4);
    const hits = index.search(v(1, 0.1, 0), 3);
    expect(hits.map((h) => h.paperId)).toEqual(['x', 'xy', 'y']);
    expect(hits[0]!.distance).toBeCloseTo(1 - 1 / Math.sqrt(1.01), 4);
    expect(hits[2]!.distance).toBeGreaterThan(hits[1]!.distance);
    expect(index.search(v(0, 0, 1), 10).map((h) => h.paperId)).toHaveLength(4);
  });

  it('replaces a paper vector, removes papers and ignores unknown ones', () => {
    const index = create(2);
    index.add(['a', 'b'], [v(1, 0), v(0, 1)]);
    index.add(['a'], [v(-1, 0.1)]); // "a" was re-embedded
    expect(index.size).toBe(2);
    expect(index.search(v(1, 0), 2).map((h) => h.paperId)).toEqual(['b', 'a']);
    index.remove(['b', 'never-there']);
    expect(index.size).toBe(1);
    expect(index.has('b')).toBe(false);
    expect(index.has('a')).toBe(true);
    expect(index.search(v(1, 0), 5).map((h) => h.paperId)).toEqual(['a']);
    index.remove(['a']);
    expect(index.search(v(1, 0), 5)).toEqual([]);
  });

  it('refuses vectors of another size', () => {
    const index = create(3);
    expect(() => index.add(['a'], [v(1, 0)])).toThrow(VectorDimensionError);
    expect(() => index.search(v(1, 0), 1)).toThrow(VectorDimensionError);
  });
});

describe('HNSW recall', () => {
  it('finds at least 95% of the true 10 nearest neighbours among 4000 random vectors', () => {
    const dims = 64;
    const data = randomVectors(4000, dims, 7);
    const queries = randomVectors(100, dims, 8);
    const ids = data.map((_, i) => `p${i}`);
    const exact = new ExactVectorIndex(dims);
    const ann = new UsearchIndex(usearch!, dims);
    exact.add(ids, data);
    ann.add(ids, data);
    let found = 0;
    for (const q of queries) {
      const truth = new Set(exact.search(q, 10).map((h) => h.paperId));
      found += ann.search(q, 10).filter((h) => truth.has(h.paperId)).length;
    }
    const recall = found / (queries.length * 10);
    expect(recall, `recall@10 ${recall}`).toBeGreaterThanOrEqual(0.95);
  });
});
