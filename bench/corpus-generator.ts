// Synthetic papers for the search benchmark, generated deterministically from the real demo records
// (fixtures/demo: 1,001 arXiv records of 0704, 29 HF Daily Papers, 25 HF search cards).
//
// What is real and what is made up:
// - Words, their frequencies and their order come from the real titles and abstracts. Each text is a
//   walk over the real word-to-next-word transitions (bigrams) of one group of records, mixed with
//   draws from the words of one real "seed" record (so a paper stays on one topic) and from the whole
//   word stream. Drawing a position of the real token stream is drawing a word with its real
//   frequency, so the Zipf-like shape of the source carries over: "the", "of", "model" are common,
//   rare words rare. LaTeX spans (`$\alpha$`) are kept whole as single tokens, as in the source.
// - A real archive keeps meeting new words (Heaps' law): a fixed 1,055-record vocabulary would make
//   every word appear in hundreds of papers at 1M. So 25% of papers get a method name ("PebGra",
//   built from prefixes of two real title words, written as the source's "PoNet: …" titles are),
//   which gives the long tail of terms that only a handful of papers contain.
// - Authors: real names from the records, half as they are, half a real given name with a real
//   surname, so surname frequencies follow the source. Author counts follow the real ones (1–12).
// - Categories: those of the seed record (arXiv records). The HF records carry no categories; papers
//   seeded by them get cs.LG / cs.CL / cs.CV / cs.AI (where HF Daily Papers are filed on arXiv).
// - Seeds: arXiv records (physics and maths of 2007) or HF records (today's ML); the ML share grows
//   from 5% in 2007 to 50% in 2026 (about 30% overall), so that "learning" and "model" are as common
//   as in today's arXiv.
// - Dates: 2007-04 to 2026-11, more papers per month in later years (as arXiv grows). Ids are the
//   month's YYMM and a sequence number, in arXiv's style: 4 digits before 2015, 5 from 2015.
// - ~10% have a code URL; upvotes are heavy-tailed (demo-plan's plausibleUpvotes).
import { loadDemoPapers } from '../src/main/container.ts';
import type { PaperRecord } from '../src/domain/paper.ts';
import type { PaperExtras } from '../src/db/repositories/paper-repository.ts';
import { plausibleUpvotes, seededRandom } from '../src/domain/demo-plan.ts';

export interface GeneratedPaper {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  submittedAt: string;
  codeUrl: string | null;
  upvotes: number;
  /** Set when the paper got a method name: a rare term, for rare-term queries. */
  methodName: string | null;
}

/** Bigram walk material for one group of texts (titles or abstracts of arXiv or HF records). */
interface TextModel {
  /** All tokens of the group, in order: drawing a position draws a token with its frequency. */
  stream: Int32Array;
  /** Per record: [start, end) in `stream`. */
  docStart: Int32Array;
  docEnd: Int32Array;
  /** CSR successor lists: successors of token t are succ[succOffset[t] .. succOffset[t + 1]). */
  succOffset: Int32Array;
  succ: Int32Array;
  /** Tokens that begin a text or follow a sentence end. */
  starts: Int32Array;
}

interface Group {
  titles: TextModel;
  abstracts: TextModel;
  /** Per record of the group: its categories (may be empty). */
  categories: string[][];
}

export interface CorpusModel {
  /** Token id → text. */
  tokens: string[];
  arxiv: Group;
  ml: Group;
  /** Every token of every group, for the occasional off-topic word. */
  all: Int32Array;
  fullNames: string[];
  givenNames: string[];
  surnames: string[];
  /** Real author counts (1..12), one per record with authors. */
  authorCounts: number[];
  /** Real category occurrences (with repetition). */
  categoryPool: string[];
  /** Lower-cased title words (with repetition), for method names. */
  titleWords: string[];
  vocabulary: Vocabulary;
}

/** What the query log is built from: the real words and names. */
export interface Vocabulary {
  /** Lower-cased words (letters only, ≥ 3 chars) with their counts in the real titles + abstracts, most frequent first. */
  words: [string, number][];
  /** Real consecutive word pairs / triples of the abstracts and titles (lower-cased), most frequent first. */
  bigrams: [string, number][];
  trigrams: [string, number][];
  /** Real surnames, most frequent first. */
  surnames: [string, number][];
  /** Real categories, most frequent first, plus the ML ones. */
  categories: string[];
}

const ML_CATEGORIES: [string, number][] = [
  ['cs.LG', 0.35],
  ['cs.CL', 0.25],
  ['cs.CV', 0.25],
  ['cs.AI', 0.15],
];
const METHOD_NAME_SHARE = 0.25;
const CODE_SHARE = 0.1;
const FIRST_MONTH = { year: 2007, month: 4 };
const LAST_MONTH = { year: 2026, month: 11, lastDay: 25 };
const NAME_SUFFIXES = new Set(['jr', 'jr.', 'sr', 'sr.', 'ii', 'iii', 'iv']);

/** Whitespace tokens, but `$…$` spans (which may contain spaces) stay whole. */
function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.match(/\S*\$[^$]*\$\S*|\S+/g) ?? []) {
    const dollars = raw.split('$').length - 1;
    const token = dollars % 2 === 1 ? raw.replace(/\$/g, '') : raw;
    if (token !== '') out.push(token);
  }
  return out;
}

class TokenTable {
  readonly tokens: string[] = [];
  private readonly ids = new Map<string, number>();
  id(token: string): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.tokens.length;
      this.tokens.push(token);
      this.ids.set(token, id);
    }
    return id;
  }
}

function buildTextModel(table: TokenTable, texts: string[]): TextModel {
  const stream: number[] = [];
  const docStart: number[] = [];
  const docEnd: number[] = [];
  const starts: number[] = [];
  const pairs: [number, number][] = [];
  for (const text of texts) {
    const ids = tokenize(text).map((t) => table.id(t));
    docStart.push(stream.length);
    for (let i = 0; i < ids.length; i++) {
      if (i === 0 || /[.!?]$/.test(table.tokens[ids[i - 1]!]!)) starts.push(ids[i]!);
      if (i > 0) pairs.push([ids[i - 1]!, ids[i]!]);
      stream.push(ids[i]!);
    }
    docEnd.push(stream.length);
  }
  // Successor lists are indexed by token id over the whole table (other groups' tokens have none).
  const n = table.tokens.length;
  const counts = new Int32Array(n + 1);
  for (const [a] of pairs) counts[a + 1]! += 1;
  const succOffset = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) succOffset[i + 1] = succOffset[i]! + counts[i + 1]!;
  const fill = succOffset.slice(0, n);
  const succ = new Int32Array(pairs.length);
  for (const [a, b] of pairs) succ[fill[a]!++] = b;
  return {
    stream: Int32Array.from(stream),
    docStart: Int32Array.from(docStart),
    docEnd: Int32Array.from(docEnd),
    succOffset,
    succ,
    starts: Int32Array.from(starts),
  };
}

function countTop<T>(items: Iterable<T>): [T, number][] {
  const m = new Map<T, number>();
  for (const x of items) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : 1));
}

function words(text: string): string[] {
  return (
    text
      .replace(/\$[^$]*\$/g, ' ')
      .toLowerCase()
      .match(/\p{L}+/gu) ?? []
  ).filter((w) => w.length >= 3);
}

function splitName(name: string): { given: string; surname: string } | null {
  if (/collaboration|et al|group|team|consortium/i.test(name)) return null;
  const parts = name.split(/\s+/).filter(Boolean);
  while (parts.length > 1 && NAME_SUFFIXES.has(parts[parts.length - 1]!.toLowerCase())) parts.pop();
  if (parts.length < 2) return null;
  const surname = parts.pop()!;
  if (!/^\p{L}/u.test(surname) || surname.length < 2) return null;
  return { given: parts.join(' '), surname };
}

/** The model behind generatePapers, from the real demo records (fixtures/demo). */
export function buildCorpusModel(): CorpusModel {
  const demo = loadDemoPapers();
  const arxivRecords = demo.filter((p) => p.extras.source === 'arxiv').map((p) => p.record);
  const mlRecords = demo.filter((p) => p.extras.source !== 'arxiv').map((p) => p.record);
  const table = new TokenTable();
  const group = (records: PaperRecord[]): Group => ({
    titles: buildTextModel(
      table,
      records.map((r) => r.title),
    ),
    abstracts: buildTextModel(
      table,
      records.map((r) => r.abstract),
    ),
    categories: records.map((r) => r.categories),
  });
  const arxiv = group(arxivRecords);
  const ml = group(mlRecords);
  const all = new Int32Array(
    arxiv.abstracts.stream.length +
      ml.abstracts.stream.length +
      arxiv.titles.stream.length +
      ml.titles.stream.length,
  );
  all.set(arxiv.abstracts.stream, 0);
  all.set(ml.abstracts.stream, arxiv.abstracts.stream.length);
  all.set(arxiv.titles.stream, arxiv.abstracts.stream.length + ml.abstracts.stream.length);
  all.set(ml.titles.stream, all.length - ml.titles.stream.length);

  const records = [...arxivRecords, ...mlRecords];
  const fullNames = records.flatMap((r) => r.authors);
  const split = fullNames.map(splitName).filter((x) => x !== null);
  const authorCounts = demo
    .map((p) => p.record.authors.length || p.extras.authorCount || 0)
    .filter((n) => n > 0)
    .map((n) => Math.min(12, n));
  const categoryPool = records.flatMap((r) => r.categories);
  const titleWords = records.flatMap((r) => words(r.title)).filter((w) => w.length >= 4);

  const texts = records.flatMap((r) => [r.title, r.abstract]);
  const ngrams = (n: number) =>
    texts.flatMap((t) => {
      // Within one sentence-ish run of plain words only.
      const out: string[] = [];
      for (const run of t
        .replace(/\$[^$]*\$/g, '.')
        .toLowerCase()
        .split(/[.,;:()!?"]/)) {
        const w = run.match(/\p{L}+/gu) ?? [];
        for (let i = 0; i + n <= w.length; i++) out.push(w.slice(i, i + n).join(' '));
      }
      return out;
    });
  const vocabulary: Vocabulary = {
    words: countTop(texts.flatMap(words)),
    bigrams: countTop(ngrams(2)),
    trigrams: countTop(ngrams(3)),
    surnames: countTop(split.map((s) => s.surname)),
    categories: [...countTop(categoryPool).map(([c]) => c), ...ML_CATEGORIES.map(([c]) => c)],
  };
  return {
    tokens: table.tokens,
    arxiv,
    ml,
    all,
    fullNames,
    givenNames: split.map((s) => s.given),
    surnames: split.map((s) => s.surname),
    authorCounts,
    categoryPool,
    titleWords,
    vocabulary,
  };
}

/** Number of papers per month, growing over the years, summing to `count`. */
function monthPlan(count: number): { year: number; month: number; papers: number }[] {
  const months: { year: number; month: number; weight: number }[] = [];
  for (
    let y = FIRST_MONTH.year, m = FIRST_MONTH.month;
    y < LAST_MONTH.year || (y === LAST_MONTH.year && m <= LAST_MONTH.month);
  ) {
    months.push({ year: y, month: m, weight: 0 });
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  months.forEach((mo, i) => (mo.weight = 1 + (3 * i) / (months.length - 1)));
  const total = months.reduce((s, m) => s + m.weight, 0);
  const exact = months.map((m) => (count * m.weight) / total);
  const papers = exact.map(Math.floor);
  let left = count - papers.reduce((s, n) => s + n, 0);
  const byRemainder = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    papers[i]! += 1;
  }
  return months.map((m, i) => {
    const cap = m.year >= 2015 ? 99_999 : 9_999;
    if (papers[i]! > cap)
      throw new RangeError(`${count} papers do not fit arXiv ids of ${m.year}-${m.month}`);
    return { year: m.year, month: m.month, papers: papers[i]! };
  });
}

function pick<T>(xs: ArrayLike<T>, random: () => number): T {
  return xs[Math.floor(random() * xs.length)]!;
}

function capitalize(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/**
 * `count` papers, always the same for the same count and seed, in submission order (as an archive
 * is built). Streams: at 1M nothing but the current paper is held.
 */
export function* generatePapers(model: CorpusModel, count: number, seed = 42): Generator<GeneratedPaper> {
  const random = seededRandom(seed);
  const tokens = model.tokens;

  const walk = (text: TextModel, doc: number, length: number): string[] => {
    const start = text.docStart[doc]!;
    const span = text.docEnd[doc]! - start;
    const out: string[] = [];
    let prev = random() < 0.5 && span > 0 ? text.stream[start]! : pick(text.starts, random);
    out.push(tokens[prev]!);
    while (out.length < length) {
      const r = random();
      const lo = text.succOffset[prev]!;
      const hi = text.succOffset[prev + 1]!;
      let next: number;
      if (r < 0.65 && hi > lo) next = text.succ[lo + Math.floor(random() * (hi - lo))]!;
      else if (r < 0.92 && span > 0) next = text.stream[start + Math.floor(random() * span)]!;
      else next = pick(model.all, random);
      out.push(tokens[next]!);
      prev = next;
    }
    return out;
  };

  const author = (): string => {
    if (random() < 0.5) return pick(model.fullNames, random);
    return `${pick(model.givenNames, random)} ${pick(model.surnames, random)}`;
  };

  const mlCategory = (): string => {
    let r = random();
    for (const [c, w] of ML_CATEGORIES) {
      if ((r -= w) < 0) return c;
    }
    return ML_CATEGORIES[0]![0];
  };

  for (const month of monthPlan(count)) {
    const yymm = `${String(month.year % 100).padStart(2, '0')}${String(month.month).padStart(2, '0')}`;
    const digits = month.year >= 2015 ? 5 : 4;
    const monthStart = Date.UTC(month.year, month.month - 1, 1);
    const monthEnd =
      month.year === LAST_MONTH.year && month.month === LAST_MONTH.month
        ? Date.UTC(month.year, month.month - 1, LAST_MONTH.lastDay)
        : Date.UTC(month.year, month.month, 1);
    const mlShare = 0.05 + (0.45 * (month.year - FIRST_MONTH.year)) / (LAST_MONTH.year - FIRST_MONTH.year);
    const times = Array.from(
      { length: month.papers },
      () => monthStart + Math.floor(random() * (monthEnd - monthStart)),
    );
    times.sort((a, b) => a - b);
    for (let k = 0; k < month.papers; k++) {
      const isMl = random() < mlShare;
      const g = isMl ? model.ml : model.arxiv;
      const doc = Math.floor(random() * g.categories.length);

      let methodName: string | null = null;
      if (random() < METHOD_NAME_SHARE) {
        const a = pick(model.titleWords, random);
        const b = pick(model.titleWords, random);
        methodName =
          capitalize(a.slice(0, 3 + Math.floor(random() * 3))) +
          capitalize(b.slice(0, 2 + Math.floor(random() * 3)));
      }

      const titleWords = walk(g.titles, doc, 8 + Math.floor(random() * 8));
      let title = titleWords.join(' ').replace(/[.,;:]$/, '');
      if (methodName) title = `${methodName}: ${title}`;

      const abstractWords = walk(g.abstracts, doc, 120 + Math.floor(random() * 131));
      if (methodName) {
        abstractWords[Math.floor(random() * abstractWords.length)] = methodName;
        if (random() < 0.5) abstractWords[Math.floor(random() * abstractWords.length)] = `${methodName},`;
      }
      let abstract = abstractWords.join(' ');
      if (!/[.!?]$/.test(abstract)) abstract = `${abstract.replace(/[,;:]$/, '')}.`;
      abstract = capitalize(abstract);

      const authorCount = pick(model.authorCounts, random);
      const authors: string[] = [];
      for (let tries = 0; authors.length < authorCount && tries < authorCount * 3; tries++) {
        const name = author();
        if (!authors.includes(name)) authors.push(name);
      }

      const categoryCount = 1 + Math.floor(random() * random() * 3);
      const categories: string[] = [];
      const own = g.categories[doc]!;
      for (let tries = 0; categories.length < categoryCount && tries < 10; tries++) {
        const c = isMl
          ? mlCategory()
          : tries === 0 && own.length > 0
            ? own[0]!
            : own.length > tries && random() < 0.7
              ? own[tries]!
              : pick(model.categoryPool, random);
        if (!categories.includes(c)) categories.push(c);
      }

      const codeUrl =
        random() < CODE_SHARE
          ? `https://github.com/${
              (authors[0] ?? 'lab')
                .split(/\s+/)
                .pop()!
                .toLowerCase()
                .replace(/[^a-z0-9]/g, '') || 'lab'
            }/${(methodName ?? pick(model.titleWords, random)).toLowerCase()}`
          : null;

      yield {
        id: `${yymm}.${String(k + 1).padStart(digits, '0')}`,
        title,
        abstract,
        authors,
        categories,
        submittedAt: new Date(times[k]!).toISOString(),
        codeUrl,
        upvotes: plausibleUpvotes(random),
        methodName,
      };
    }
  }
}

/** The shape PaperRepository.upsertMany takes: the product's own write path. */
export function toRecord(p: GeneratedPaper): { record: PaperRecord; extras: PaperExtras } {
  return {
    record: {
      arxivId: p.id,
      title: p.title,
      abstract: p.abstract,
      authors: p.authors,
      categories: p.categories,
      versions: [{ version: 1, submittedAt: p.submittedAt, size: null }],
      comments: null,
      journalRef: null,
      doi: null,
      reportNo: null,
      license: null,
    },
    extras: { source: 'arxiv', codeUrl: p.codeUrl, importedUpvotes: p.upvotes },
  };
}
