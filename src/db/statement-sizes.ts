// Row counts for multi-row statements whose SQL is compiled once per count and cached: full chunks
// of `max`, then the rest in powers of two. A batch of any size then needs at most ~log2(max)
// distinct statements, so the cache stays small however the batch sizes vary.

/** Splits `total` rows into statement sizes: `max` while it fits, then descending powers of two. */
export function statementSizes(total: number, max: number): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`bad row count ${total}`);
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`bad statement size ${max}`);
  const sizes: number[] = [];
  let left = total;
  while (left >= max) {
    sizes.push(max);
    left -= max;
  }
  for (let p = 2 ** Math.floor(Math.log2(Math.max(left, 1))); left > 0; p /= 2) {
    if (p <= left) {
      sizes.push(p);
      left -= p;
    }
  }
  return sizes;
}
