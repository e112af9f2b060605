// A plain BM25 over one flat field, the yardstick paperboy's search is compared against. It is
// deliberately the textbook model, close to Anserini's defaults, so that a gap between the two
// points at paperboy's query handling or field weighting rather than at the baseline.
//
//   tokens   lowercase runs of letters and digits; Lucene's 33 English stop words removed;
//            Harman's "S" stemmer (plural stripping) since Porter is not available here
//   fields   title, text and authors concatenated into one field
//   scoring  Lucene's BM25: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), per query token (a word
//            the query repeats counts again, as in a Lucene bag-of-words query)
import type { EvalDoc } from './collections.ts';

export interface Bm25Params {
  k1: number;
  b: number;
}

/** Anserini's defaults. */
export const ANSERINI_BM25: Bm25Params = { k1: 0.9, b: 0.4 };
/** The classic Robertson et al. setting. */
export const CLASSIC_BM25: Bm25Params = { k1: 1.2, b: 0.75 };

// Lucene's EnglishAnalyzer default stop set, which Anserini uses.
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by for if in into is it no not of on or such that the their then ' +
    'there these they this to was will with'
  ).split(' '),
);

export function tokenize(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((w) => !STOP_WORDS.has(w)).map(sStem);
}

/**
 * Harman's S stemmer ("How effective is suffixing?", JASIS 42(1), 1991): only the first rule
 * that applies fires. Words of three letters or fewer are left alone ("gas", "its").
 */
export function sStem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies'))
    return `${word.slice(0, -3)}y`;
  if (word.endsWith('es') && !/[aeo]es$/.test(word)) return word.slice(0, -1);
  if (word.endsWith('s') && !word.endsWith('us') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

export class ReferenceBm25 {
  private readonly ids: string[];
  private readonly lengths: Float64Array;
  private readonly averageLength: number;
  /** term -> [doc index, term frequency] pairs, flattened. */
  private readonly postings = new Map<string, number[]>();

  constructor(
    docs: readonly EvalDoc[],
    private readonly params: Bm25Params = ANSERINI_BM25,
  ) {
    this.ids = docs.map((d) => d.id);
    this.lengths = new Float64Array(docs.length);
    for (const [i, doc] of docs.entries()) {
      const tokens = tokenize([doc.title, doc.text, ...doc.authors].join(' '));
      this.lengths[i] = tokens.length;
      for (const [term, tf] of countTerms(tokens)) {
        const list = this.postings.get(term) ?? [];
        list.push(i, tf);
        this.postings.set(term, list);
      }
    }
    const total = this.lengths.reduce((sum, n) => sum + n, 0);
    this.averageLength = docs.length === 0 ? 0 : total / docs.length;
  }

  /** Ids of the documents that share a term with the query, best first; ties in collection order. */
  rank(query: string, limit = 1000): string[] {
    const scores = new Float64Array(this.ids.length);
    const matched = new Set<number>();
    const { k1, b } = this.params;
    const n = this.ids.length;
    for (const term of tokenize(query)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const df = list.length / 2;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let p = 0; p < list.length; p += 2) {
        const doc = list[p]!;
        const tf = list[p + 1]!;
        const norm = k1 * (1 - b + (b * this.lengths[doc]!) / this.averageLength);
        scores[doc]! += (idf * tf * (k1 + 1)) / (tf + norm);
        matched.add(doc);
      }
    }
    return [...matched]
      .sort((x, y) => scores[y]! - scores[x]! || x - y)
      .slice(0, limit)
      .map((i) => this.ids[i]!);
  }
}

function countTerms(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}
