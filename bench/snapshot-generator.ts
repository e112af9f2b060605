// Synthetic arXiv metadata snapshots (Kaggle "Cornell-University/arxiv" JSON lines) for the import
// benchmark and the crash test: deterministic for a count and seed, streamed (nothing but the current
// record is held), and of exactly the real file's shape, byte for byte in its conventions:
// - the 14 keys in the real order, compact JSON, non-ASCII written as \uXXXX (as the real file does);
// - titles wrapped at 80 columns with "\n  " continuations; abstracts indented by two spaces,
//   wrapped with "\n" and ending in "\n"; accented letters written as TeX accents (`Gr\"obner`) in
//   `authors`, `title` and `abstract`, as Unicode in `authors_parsed`;
// - `authors` as typed ("A. One, B. Two and C. Three"), `authors_parsed` as [last, first, suffix],
//   with arXiv's "C. -P." for hyphenated initials;
// - versions with RFC-2822 dates and the real distribution of version counts (1: 56%, 2: 30%,
//   3: 10%, 4: 2.5%, 5: 1.5%, from the 200 real records); update_date the day of the last one;
// - comments, journal-ref, doi, report-no and license drawn from the real records with their real
//   null rates; about 8% old-style ids (hep-th/9901001) with dates before 2007, as in the real file.
// Text, names, categories and dates come from bench/corpus-generator.ts (real words of fixtures/demo).
import fs from 'node:fs';
import { once } from 'node:events';
import { seededRandom } from '../src/domain/demo-plan.ts';
import { loadDemoPapers } from '../src/main/container.ts';
import { buildCorpusModel, generatePapers } from './corpus-generator.ts';
import type { CorpusModel, GeneratedPaper } from './corpus-generator.ts';

const OLD_STYLE_SHARE = 0.08;
const OLD_ARCHIVES = ['hep-th', 'hep-ph', 'astro-ph', 'cond-mat', 'gr-qc', 'quant-ph', 'math', 'nucl-th'];
const VERSION_COUNTS: [number, number][] = [
  [1, 0.565],
  [2, 0.295],
  [3, 0.1],
  [4, 0.025],
  [5, 0.015],
];
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// Combining mark → TeX accent command (symbol accents bare, letter accents with braces).
const TEX_ACCENTS: Readonly<Record<string, string>> = {
  '\u0301': "\\'",
  '\u0300': '\\`',
  '\u0302': '\\^',
  '\u0308': '\\"',
  '\u0303': '\\~',
  '\u0304': '\\=',
  '\u0307': '\\.',
  '\u0306': '\\u',
  '\u030C': '\\v',
  '\u030B': '\\H',
  '\u030A': '\\r',
  '\u0327': '\\c',
  '\u0328': '\\k',
};

/** Real values of the optional fields, null included as often as in the real records. */
interface FieldPools {
  comments: (string | null)[];
  journalRef: (string | null)[];
  doi: (string | null)[];
  reportNo: (string | null)[];
  license: (string | null)[];
}

export interface SnapshotModel {
  corpus: CorpusModel;
  pools: FieldPools;
}

export function buildSnapshotModel(): SnapshotModel {
  const records = loadDemoPapers()
    .filter((p) => p.extras.source === 'arxiv')
    .map((p) => p.record);
  return {
    corpus: buildCorpusModel(),
    pools: {
      comments: records.map((r) => r.comments),
      journalRef: records.map((r) => r.journalRef),
      doi: records.map((r) => r.doi),
      reportNo: records.map((r) => r.reportNo),
      // The .abs records of 2007 predate most licences; the 200 snapshot records have 10% set.
      license: records.map((r, i) => (i % 10 === 0 ? (r.license ?? LICENSE) : null)),
    },
  };
}

const LICENSE = 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/';

/** `count` snapshot lines (without the newline), always the same for the same count and seed. */
export function* snapshotLines(model: SnapshotModel, count: number, seed = 42): Generator<string> {
  const random = seededRandom(seed ^ 0x5eed);
  const oldCount = Math.floor(count * OLD_STYLE_SHARE);
  // New-style ids first, then old-style ones, as the real file is ordered.
  for (const p of generatePapers(model.corpus, count - oldCount, seed)) {
    yield line(p, p.id, Date.parse(p.submittedAt), model, random);
  }
  const perArchive = new Map<string, number>();
  let k = 0;
  for (const p of generatePapers(model.corpus, oldCount, seed + 1)) {
    // 1992-01 .. 2007-03, spread evenly over the old records in order.
    const monthIndex = Math.floor((k++ * 183) / Math.max(1, oldCount));
    const year = 1992 + Math.floor(monthIndex / 12);
    const month = (monthIndex % 12) + 1;
    const archive = OLD_ARCHIVES[Math.floor(random() * OLD_ARCHIVES.length)]!;
    const key = `${archive}/${year}-${month}`;
    const seq = (perArchive.get(key) ?? 0) + 1;
    perArchive.set(key, seq);
    const yymm = `${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}`;
    const id = `${archive}/${yymm}${String(seq).padStart(3, '0')}`;
    const at = Date.UTC(year, month - 1, 1) + Math.floor(random() * 27 * 86_400_000);
    yield line(p, id, at, model, random);
  }
}

function line(p: GeneratedPaper, id: string, v1: number, model: SnapshotModel, random: () => number): string {
  const versions = [rfc2822(v1)];
  let r = random();
  let n = 1;
  for (const [count, share] of VERSION_COUNTS) {
    n = count;
    if ((r -= share) < 0) break;
  }
  let at = v1;
  for (let v = 2; v <= n; v++) {
    at += Math.floor((1 + random() * 200) * 86_400_000);
    versions.push(rfc2822(at));
  }
  const pools = model.pools;
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const record = {
    id,
    submitter: p.authors[0] ?? 'Anonymous',
    authors: toTex(authorLine(p.authors)),
    title: toTex(wrap(p.title, 80, '\n  ')),
    comments: pick(pools.comments),
    'journal-ref': pick(pools.journalRef),
    doi: pick(pools.doi),
    'report-no': pick(pools.reportNo),
    categories: p.categories.join(' '),
    license: pick(pools.license),
    abstract: `  ${toTex(wrap(p.abstract, 80, '\n'))}\n`,
    versions: versions.map((created, i) => ({ version: `v${i + 1}`, created })),
    update_date: new Date(at).toISOString().slice(0, 10),
    authors_parsed: p.authors.map(parsedName),
  };
  return asciiJson(record);
}

/** JSON with every non-ASCII character escaped, as the real file is written. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function authorLine(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
}

/** [last, first, suffix] as arXiv splits names; groups ("… Collaboration") are all last name. */
function parsedName(name: string): [string, string, string] {
  const parts = name.split(/\s+/);
  if (parts.length < 2 || /collaboration|team|group/i.test(name)) return [name, '', ''];
  const suffix = /^(?:Jr\.?|Sr\.?|II|III|IV)$/.test(parts[parts.length - 1]!) ? parts.pop()! : '';
  const last = parts.pop()!;
  return [last, parts.join(' ').replace(/\.-/g, '. -'), suffix];
}

/** Greedy word wrap at `width` columns, joining lines with `joiner`. */
function wrap(text: string, width: number, joiner: string): string {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  if (current !== '') lines.push(current);
  return lines.join(joiner);
}

/** Accented letters as TeX accents (`é` → `\'e`, `č` → `\v{c}`), as authors type them. */
function toTex(text: string): string {
  if (!/[\u0080-\uffff]/.test(text)) return text;
  return text
    .normalize('NFD')
    .replace(/([A-Za-z])([\u0300-\u036f])/g, (whole, base: string, mark: string) => {
      const tex = TEX_ACCENTS[mark];
      if (tex === undefined) return whole;
      return /[a-z]$/.test(tex) ? `${tex}{${base}}` : `${tex}${base}`;
    })
    .normalize('NFC');
}

function rfc2822(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAY_NAMES[d.getUTCDay()]!}, ${d.getUTCDate()} ${MONTH_NAMES[d.getUTCMonth()]!} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`
  );
}

/** Writes `count` records to `file` (JSON lines, "\n" after each); returns the size in bytes. */
export async function writeSnapshotFile(
  file: string,
  count: number,
  seed = 42,
  model: SnapshotModel = buildSnapshotModel(),
): Promise<number> {
  const out = fs.createWriteStream(file);
  let bytes = 0;
  let chunk: string[] = [];
  const flush = async () => {
    const text = chunk.join('');
    chunk = [];
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  for (const l of snapshotLines(model, count, seed)) {
    chunk.push(`${l}\n`);
    if (chunk.length === 1000) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return bytes;
}
