// Weighted reciprocal rank fusion (Cormack et al., 2009): score(d) = Σ wᵢ / (k + rankᵢ(d)), rank
// from 1, summed over the lists that contain d. It uses ranks only, so BM25 scores and cosine
// distances, which live on unrelated scales, never have to be calibrated against each other.

export interface RankedList {
  ids: string[];
  weight: number;
}

/** k = 60 as in the paper: damps the head so one list's top hit cannot outvote agreement. */
export const RRF_K = 60;

export interface FusedHit {
  id: string;
  score: number;
}

/** Fused order, best first; ties keep the order of first appearance (earlier lists first). */
export function reciprocalRankFusion(lists: RankedList[], k = RRF_K): FusedHit[] {
  if (!(k >= 0)) throw new RangeError(`invalid RRF k ${k}`);
  const scores = new Map<string, number>();
  for (const { ids, weight } of lists) {
    if (!(weight >= 0)) throw new RangeError(`invalid fusion weight ${weight}`);
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) return; // a list counts each paper once, at its best rank
      seen.add(id);
      scores.set(id, (scores.get(id) ?? 0) + weight / (k + i + 1));
    });
  }
  // Map keeps insertion order and sort is stable, so equal scores stay in first-appearance order.
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
