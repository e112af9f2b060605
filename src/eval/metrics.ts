// Ranking metrics as trec_eval computes them, for one query at a time and averaged over a run.
// Pure functions. A ranking is doc ids best first; grades map doc id -> gain, and only a grade
// above 0 counts as relevant. Documents missing from the grades are not relevant.

export type Grades = ReadonlyMap<string, number>;

/**
 * nDCG@k with graded gains and a log2 discount (trec_eval `ndcg_cut.k`): the document at rank r
 * adds gain / log2(r + 1), and the ideal ranking is every judged document sorted by gain, cut
 * at k. 0 when the query has no relevant document.
 */
export function ndcgAt(ranking: readonly string[], grades: Grades, k = 10): number {
  const ideal = dcg(
    [...grades.values()].filter((g) => g > 0).sort((a, b) => b - a),
    k,
  );
  if (ideal === 0) return 0;
  return (
    dcg(
      ranking.map((id) => gainOf(grades, id)),
      k,
    ) / ideal
  );
}

/**
 * Average precision (trec_eval `map` per query): the mean, over every relevant document in the
 * qrels, of the precision at the rank where it was retrieved; relevant documents never retrieved
 * contribute 0, which is why the denominator is the qrels' count and not the retrieved count.
 */
export function averagePrecision(ranking: readonly string[], grades: Grades): number {
  const relevant = countRelevant(grades);
  if (relevant === 0) return 0;
  let found = 0;
  let sum = 0;
  for (const [i, id] of ranking.entries()) {
    if (gainOf(grades, id) > 0) {
      found += 1;
      sum += found / (i + 1);
    }
  }
  return sum / relevant;
}

/** Recall@k (trec_eval `recall.k`): the share of the relevant documents found in the top k. */
export function recallAt(ranking: readonly string[], grades: Grades, k = 100): number {
  const relevant = countRelevant(grades);
  if (relevant === 0) return 0;
  const found = ranking.slice(0, k).filter((id) => gainOf(grades, id) > 0).length;
  return found / relevant;
}

export interface RunScores {
  /** Queries scored: those with judgements. */
  queries: number;
  ndcg10: number;
  map: number;
  recall100: number;
}

/**
 * Means over the judged queries (those in `qrels`), as `trec_eval -c`: a judged query the run has
 * no ranking for scores 0 on every metric; rankings for unjudged queries are ignored.
 */
export function scoreRun(
  run: ReadonlyMap<string, readonly string[]>,
  qrels: ReadonlyMap<string, Grades>,
): RunScores {
  const judged = [...qrels.entries()].filter(([, grades]) => grades.size > 0);
  const perQuery = judged.map(([queryId, grades]) => {
    // trec_eval refuses a run that lists a document twice; here the first listing counts.
    const ranking = [...new Set(run.get(queryId) ?? [])];
    return [ndcgAt(ranking, grades, 10), averagePrecision(ranking, grades), recallAt(ranking, grades, 100)];
  });
  const mean = (i: number) =>
    perQuery.length === 0 ? 0 : perQuery.reduce((sum, scores) => sum + scores[i]!, 0) / perQuery.length;
  return { queries: judged.length, ndcg10: mean(0), map: mean(1), recall100: mean(2) };
}

function dcg(gains: readonly number[], k: number): number {
  let sum = 0;
  for (let i = 0; i < Math.min(k, gains.length); i++) sum += gains[i]! / Math.log2(i + 2);
  return sum;
}

function gainOf(grades: Grades, id: string): number {
  return Math.max(0, grades.get(id) ?? 0);
}

function countRelevant(grades: Grades): number {
  let n = 0;
  for (const g of grades.values()) if (g > 0) n += 1;
  return n;
}
