// Term selection for "similar papers" when no embeddings exist: the paper's own words, title
// words first, then the abstract's most frequent content words. BM25 then favours the rare ones.

const STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between
  both but by can could did do does doing down during each few for from further had has have having he her here
  hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
  on once only or other our ours ourselves out over own same she should so some such than that the their theirs
  them themselves then there these they this those through to too under until up very was we were what when where
  which while who whom why will with would you your yours yourself yourselves paper propose proposed show shows
  shown using use used based results result approach method methods new also well however two one first present
  study work via within without among whose thus hence therefore may might must can't cannot`.split(/\s+/),
);

export const MAX_TERMS = 24;

export function moreLikeThisTerms(title: string, abstract: string): string[] {
  const counts = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
      if (word.length < 3 || STOPWORDS.has(word) || /^\d+$/.test(word)) continue;
      counts.set(word, (counts.get(word) ?? 0) + weight);
    }
  };
  add(stripMath(title), 3);
  add(stripMath(abstract), 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_TERMS)
    .map(([w]) => w);
}

/** LaTeX commands would only add noise such as "frac" or "mathcal". */
function stripMath(text: string): string {
  return text.replace(/\$[^$]*\$/g, ' ').replace(/\\[a-zA-Z]+/g, ' ');
}
