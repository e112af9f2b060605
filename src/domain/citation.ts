// Citations in the formats reference managers import: BibTeX and RIS. Pure string work on a small
// record, so the exact output can be tested on real papers.
import { arxivAbsUrl } from './arxiv-id.ts';
import { segmentSource, splitMath } from './math-text.ts';

export interface CitablePaper {
  /** arXiv base id, or a local id for papers that are not on arXiv. */
  id: string;
  title: string;
  /** Display names in order ("C. Balázs"); may be empty when only a count is known. */
  authors: readonly string[];
  abstract: string;
  /** v1 submission time (ISO-8601): the paper's date. */
  submittedAt: string;
  primaryCategory: string | null;
  categories: readonly string[];
  /** arXiv's free-form journal reference ("Phys.Rev.D76:013009,2007"). */
  journalRef: string | null;
  /** One DOI, or several separated by spaces as arXiv sometimes stores them. */
  doi: string | null;
  /** False for papers with no arXiv id: they get no eprint fields. */
  onArxiv: boolean;
  /** The paper's page, used as its URL when it is not on arXiv. */
  pageUrl: string;
}

/** The landing page a citation points to: arXiv's abstract page when there is one. */
export function citationUrl(paper: CitablePaper): string {
  return paper.onArxiv ? arxivAbsUrl(paper.id) : paper.pageUrl;
}

/** The first of the paper's DOIs, or null. */
export function firstDoi(doi: string | null): string | null {
  return doi?.split(/\s+/).find(Boolean) ?? null;
}

/** "2007/04/02": the date form Highwire tags and RIS use. */
export function slashDate(iso: string): string {
  return iso.slice(0, 10).replaceAll('-', '/');
}

/**
 * The journal's name from a journal reference: the text before the first digit ("Phys.Rev.D" from
 * "Phys.Rev.D76:013009,2007"). arXiv stores no separate name, and the leading words are the name in
 * nearly every reference; null when that leaves too little to be one.
 */
export function journalTitle(journalRef: string | null): string | null {
  const head = clean(journalRef ?? '')
    .split(/[\d(]/, 1)[0]!
    .replace(/[\s,:;]+$/, '');
  return (head.match(/\p{L}/gu)?.length ?? 0) >= 3 ? head : null;
}

// ---------------------------------------------------------------------------------------------
// Names and keys

const NAME_SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv']);
const KEY_STOPWORDS = new Set(
  'a an the on of in for to and with from by at is are via towards toward do does can how what why'.split(
    ' ',
  ),
);

function isSuffix(word: string): boolean {
  return NAME_SUFFIXES.has(word.toLowerCase().replace(/\.$/, ''));
}

/** Splits "C.-P. Yuan", "Yuan, C.-P." and "John Smith Jr." into family and given names. */
export function splitName(name: string): { family: string; given: string } {
  const parts = clean(name)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length > 1 && !isSuffix(parts[1]!)) {
    return { family: parts[0]!, given: parts.slice(1).join(', ') };
  }
  const words = (parts[0] ?? '').split(' ').filter((w) => w && !isSuffix(w));
  return { family: words[words.length - 1] ?? '', given: words.slice(0, -1).join(' ') };
}

/** Lower-case ASCII letters and digits only: "Balázs" → "balazs". Keys must survive every BibTeX. */
function asciiWord(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** First-author family name, year and first significant title word: "balazs2007calculation". */
export function citationKey(paper: Pick<CitablePaper, 'authors' | 'submittedAt' | 'title'>): string {
  const family = paper.authors[0] ? asciiWord(splitName(paper.authors[0]).family) : '';
  const text = splitMath(paper.title)
    .map((s) => (s.kind === 'text' ? s.value : ' '))
    .join(' ');
  const words = text
    .split(/[\s\-–—/:]+/)
    .map(asciiWord)
    .filter(Boolean);
  const word = words.find((w) => !KEY_STOPWORDS.has(w)) ?? words[0] ?? 'paper';
  return `${family || 'anon'}${paper.submittedAt.slice(0, 4)}${word}`;
}

/** Keys for a list: repeats get "b", "c" … in list order, so every entry of one file can be cited. */
export function uniqueCitationKeys(papers: readonly CitablePaper[]): string[] {
  const used = new Set<string>();
  return papers.map((paper) => {
    const base = citationKey(paper);
    let key = base;
    for (let n = 1; used.has(key); n++) key = `${base}${letters(n)}`;
    used.add(key);
    return key;
  });
}

/** 1 → "b" … 25 → "z", 26 → "ba" …: base 26 in letters, never running out. */
function letters(n: number): string {
  let out = '';
  for (let k = n; k > 0; k = Math.floor(k / 26)) out = String.fromCharCode(97 + (k % 26)) + out;
  return out;
}

// ---------------------------------------------------------------------------------------------
// BibTeX

const TEXT_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  '%': '\\%',
  '&': '\\&',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};
/** A backslash before one of these is already a TeX escape ("\$5", "AT\&T") and is kept as written. */
const ESCAPED_ALREADY = new Set(['$', '%', '&', '#', '_', '{', '}']);

/**
 * Escapes text for a BibTeX field. Math runs ($…$, \(…\)) are kept as TeX since BibTeX and LaTeX
 * read them; only characters that break them even in math (% & #) are escaped, and their braces
 * too when unbalanced, because one stray brace would swallow the rest of the file.
 */
export function escapeBibtex(text: string): string {
  return splitMath(clean(text))
    .map((seg) =>
      seg.kind === 'text'
        ? escapeBibtexText(seg.value)
        : segmentSource({ ...seg, value: escapeMath(seg.value) }),
    )
    .join('');
}

function escapeBibtexText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '\\' && next !== undefined && ESCAPED_ALREADY.has(next)) {
      out += ch + next;
      i++;
    } else out += TEXT_ESCAPES[ch] ?? ch;
  }
  return out;
}

function escapeMath(math: string): string {
  const balanced = bracesBalanced(math);
  let out = '';
  for (let i = 0; i < math.length; i++) {
    const ch = math[i]!;
    if (ch === '\\' && i + 1 < math.length) {
      out += ch + math[++i];
    } else if (ch === '%' || ch === '&' || ch === '#' || (!balanced && (ch === '{' || ch === '}'))) {
      out += `\\${ch}`;
    } else out += ch;
  }
  return out;
}

function bracesBalanced(math: string): boolean {
  let depth = 0;
  for (let i = 0; i < math.length; i++) {
    const ch = math[i];
    if (ch === '\\') i++;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

/** Verbatim fields (url, doi) are read as URLs by biblatex; only braces could break the entry. */
function verbatim(text: string): string {
  return clean(text).replaceAll('{', '%7B').replaceAll('}', '%7D');
}

function bibtexName(name: string): string {
  const escaped = escapeBibtex(name);
  // " and " separates names in BibTeX; braces keep a name that contains the word as one name.
  return /\sand\s/i.test(escaped) ? `{${escaped}}` : escaped;
}

/** One @misc entry in arXiv's own layout (eprint, archivePrefix, primaryClass). */
export function toBibtex(paper: CitablePaper, key = citationKey(paper)): string {
  const doi = firstDoi(paper.doi);
  const fields: [string, string | null][] = [
    ['title', escapeBibtex(paper.title)],
    ['author', paper.authors.length > 0 ? paper.authors.map(bibtexName).join(' and ') : null],
    ['year', paper.submittedAt.slice(0, 4)],
    ['eprint', paper.onArxiv ? paper.id : null],
    ['archivePrefix', paper.onArxiv ? 'arXiv' : null],
    ['primaryClass', paper.onArxiv && paper.primaryCategory ? escapeBibtex(paper.primaryCategory) : null],
    ['url', verbatim(citationUrl(paper))],
    ['doi', doi && verbatim(doi)],
    // A journal reference is a whole citation, not a journal name: @misc styles print it as a note.
    ['note', paper.journalRef ? escapeBibtex(paper.journalRef) : null],
  ];
  const body = fields.flatMap(([name, value]) => (value ? [`  ${name}={${value}}`] : [])).join(',\n');
  return `@misc{${key},\n${body}\n}\n`;
}

/** Several entries, one file: keys made unique, a blank line between entries. */
export function toBibtexList(papers: readonly CitablePaper[]): string {
  const keys = uniqueCitationKeys(papers);
  return papers.map((p, i) => toBibtex(p, keys[i])).join('\n');
}

// ---------------------------------------------------------------------------------------------
// RIS (https://en.wikipedia.org/wiki/RIS_(file_format)): tagged lines, CRLF as the format asks.

/** "Balázs, C.": RIS readers (Zotero included) split names at the comma. */
export function risName(name: string): string {
  const { family, given } = splitName(name);
  return given ? `${family}, ${given}` : family;
}

export function toRis(paper: CitablePaper): string {
  const journal = journalTitle(paper.journalRef);
  const lines: [string, string | null][] = [
    ['TY', paper.journalRef ? 'JOUR' : 'ELEC'],
    ['TI', paper.title],
    ...paper.authors.map((a): [string, string] => ['AU', risName(a)]),
    ['PY', paper.submittedAt.slice(0, 4)],
    ['DA', `${slashDate(paper.submittedAt)}/`],
    ['JO', journal],
    ['N1', paper.journalRef ? `Journal reference: ${paper.journalRef}` : null],
    ['AB', paper.abstract],
    ['UR', citationUrl(paper)],
    ['DO', firstDoi(paper.doi)],
    ...paper.categories.map((c): [string, string] => ['KW', c]),
  ];
  const tagged = lines.flatMap(([tag, value]) => {
    const text = value === null ? '' : clean(value);
    return text ? [`${tag}  - ${text}`] : [];
  });
  return [...tagged, 'ER  - ', ''].join('\r\n');
}

export function toRisList(papers: readonly CitablePaper[]): string {
  return papers.map(toRis).join('\r\n');
}

// ---------------------------------------------------------------------------------------------

/**
 * One line of printable text: control characters (which no citation format can carry) are dropped
 * and runs of white space, line breaks included, become one space.
 */
export function clean(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cs}\uFFFE\uFFFF]/gu, (c) => (/\s/.test(c) ? ' ' : ''))
    .replace(/\s+/g, ' ')
    .trim();
}
