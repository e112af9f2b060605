import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statementSizes } from './statement-sizes.ts';

describe('statementSizes', () => {
  it('fills full statements, then powers of two', () => {
    expect(statementSizes(0, 100)).toEqual([]);
    expect(statementSizes(250, 100)).toEqual([100, 100, 32, 16, 2]);
    expect(statementSizes(7, 100)).toEqual([4, 2, 1]);
    expect(statementSizes(64, 100)).toEqual([64]);
  });

  it('covers every row with few distinct sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 6000 }), (total, max) => {
        const sizes = statementSizes(total, max);
        const distinct = new Set(sizes);
        return (
          sizes.reduce((a, b) => a + b, 0) === total &&
          sizes.every((s) => s >= 1 && s <= max) &&
          distinct.size <= Math.ceil(Math.log2(max)) + 2
        );
      }),
    );
  });
});
