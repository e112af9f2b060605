// Parser for the arXiv API's Atom feeds (export.arxiv.org/api/query), old (2016: per-element
// namespace declarations, affiliations) and new (2026) alike:
//
//   <feed> <opensearch:totalResults>214881</...> <opensearch:startIndex>0</...> ...
//     <entry>
//       <id>http://arxiv.org/abs/2410.17243v2</id>   this version
//       <published>...</published>  v1's date      <updated>...</updated>  this version's date
//       <title>, <summary>, <author><name/><arxiv:affiliation/></author>...
//       <arxiv:primary_category term=""/> <category term=""/>... <arxiv:comment/> <arxiv:journal_ref/>
//       <arxiv:doi/> <link title="pdf" href=""/>
//
// A record knows its own version and v1's date only, so `versions` holds those two; the repository
// merges them with what it has. An entry that lacks a required field is skipped and reported with its
// id; a body that is not a well-formed Atom feed fails as a whole, naming where it came from.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseArxivId } from '../domain/arxiv-id.ts';
import type { PaperRecord, PaperVersion } from '../domain/paper.ts';
import { latexAccentsToUnicode, normalizeWhitespace } from '../domain/text-normalize.ts';

export interface ArxivApiEntry {
  record: PaperRecord;
  /** The version this entry describes. */
  version: number;
  pdfUrl: string | null;
}

export interface SkippedEntry {
  /** The entry's id as written, or its position when it has none. */
  id: string;
  reason: string;
}

export interface AtomPage {
  /** opensearch:totalResults: results of the whole query; null when the feed does not say. */
  totalResults: number | null;
  startIndex: number | null;
  itemsPerPage: number | null;
  entries: ArxivApiEntry[];
  skipped: SkippedEntry[];
  /** <entry> elements in the page, skipped ones included: how far paging has advanced. */
  entryCount: number;
}

export class AtomFeedError extends Error {
  override name = 'AtomFeedError';
  constructor(
    message: string,
    /** A glitch worth asking again for (truncated or HTML page), not an answer (an API error). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

type Node = Record<string, unknown>;

const ARRAYS = new Set(['feed.entry', 'feed.entry.author', 'feed.entry.category', 'feed.entry.link']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // arXiv's prefixes (arxiv:, opensearch:) are fixed, and the 2016 feeds declare them per element.
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Needed for numeric character references (&#233;); arXiv declares no entities of its own.
  htmlEntities: true,
  isArray: (_name, jpath) => ARRAYS.has(String(jpath)),
});

/** arXiv category codes ("cs.LG", "hep-th", "cond-mat.str-el"); old feeds mix in ACM/MSC classes. */
const CATEGORY_CODE = /^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses one API response body. `where` names the source and URL in errors, e.g.
 * "arXiv API (https://export.arxiv.org/api/query?...)".
 */
export function parseArxivAtom(xml: string, where: string): AtomPage {
  const fail = (problem: string, retryable = true): never => {
    throw new AtomFeedError(`${where}: ${problem}`, retryable);
  };
  const head = xml
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 200);
  if (/^<(?:!doctype\s+html|html)[\s>]/i.test(head)) fail('got an HTML page instead of an Atom feed');
  if (head === '') fail('empty response body instead of an Atom feed');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    fail(`malformed or truncated XML at line ${line}, column ${col}: ${msg}`);
  }
  const doc = parser.parse(xml) as Node;
  const feed = doc.feed;
  if (!isNode(feed)) {
    const root = Object.keys(doc).find((k) => !k.startsWith('?')) ?? 'nothing';
    return fail(`expected an Atom <feed>, got <${root}>`);
  }
  const rawEntries = Array.isArray(feed.entry) ? feed.entry.filter(isNode) : [];
  const apiError = rawEntries.find((e) => /arxiv\.org\/api\/errors/.test(text(e.id)));
  if (apiError) fail(`arXiv API error: ${clean(text(apiError.summary)) || text(apiError.id)}`, false);

  const page: AtomPage = {
    totalResults: count(feed.totalResults),
    startIndex: count(feed.startIndex),
    itemsPerPage: count(feed.itemsPerPage),
    entries: [],
    skipped: [],
    entryCount: rawEntries.length,
  };
  rawEntries.forEach((raw, i) => {
    const result = parseEntry(raw);
    const id = text(raw.id)
      .trim()
      .replace(/^https?:\/\/(?:export\.)?arxiv\.org\/abs\//, '');
    if ('reason' in result) page.skipped.push({ id: id || `entry #${i + 1}`, ...result });
    else page.entries.push(result);
  });
  return page;
}

function parseEntry(e: Node): ArxivApiEntry | { reason: string } {
  const rawId = normalizeWhitespace(text(e.id));
  if (rawId === '') return { reason: 'missing id' };
  const id = parseArxivId(rawId);
  if (!id) return { reason: `malformed arXiv id "${rawId}"` };
  if (id.version === null) return { reason: 'id without a version' };
  const title = clean(text(e.title));
  if (title === '') return { reason: 'missing title' };
  const abstract = clean(text(e.summary));
  if (abstract === '') return { reason: 'missing summary (abstract)' };
  const authors = nodes(e.author)
    .map((a) => authorName(text(a.name)))
    .filter((n) => n !== '');
  if (authors.length === 0) return { reason: 'no authors' };
  const categories = readCategories(e);
  if (categories.length === 0) return { reason: 'no arXiv category' };
  const published = isoDate(text(e.published));
  if (published === null) return { reason: `missing or unreadable <published> "${text(e.published)}"` };
  const updated = isoDate(text(e.updated));
  if (updated === null && id.version > 1)
    return { reason: `missing or unreadable <updated> for v${id.version}` };

  const versions: PaperVersion[] = [{ version: 1, submittedAt: published, size: null }];
  if (id.version > 1) versions.push({ version: id.version, submittedAt: updated!, size: null });
  const pdf = nodes(e.link).find((l) => text(l['@_title']) === 'pdf' || /pdf/.test(text(l['@_type'])));
  return {
    record: {
      arxivId: id.base,
      title,
      abstract,
      authors,
      categories,
      versions,
      comments: optional(clean(text(e.comment))),
      journalRef: optional(clean(text(e.journal_ref))),
      doi: optional(normalizeWhitespace(text(e.doi))),
      reportNo: null, // the API does not carry report numbers or licences
      license: null,
    },
    version: id.version,
    pdfUrl: pdf ? optional(text(pdf['@_href']).trim()) : null,
  };
}

/** Primary category first, then the others in feed order, without repeats or non-arXiv classes. */
function readCategories(e: Node): string[] {
  const primary = isNode(e.primary_category) ? text(e.primary_category['@_term']) : '';
  const terms = [primary, ...nodes(e.category).map((c) => text(c['@_term']))].map((t) => t.trim());
  return [...new Set(terms.filter((t) => CATEGORY_CODE.test(t)))];
}

/** Author names are separate elements, but old records still carry "(Affiliation)" inside a name. */
function authorName(raw: string): string {
  let name = latexAccentsToUnicode(normalizeWhitespace(raw));
  let before: string;
  do {
    before = name;
    name = name.replace(/\([^()]*\)/g, ' ');
  } while (name !== before);
  return normalizeWhitespace(name.replace(/\(.*$/, '').replace(/[{})]/g, ''));
}

/** Display text: accents converted, on one line (whitespace first, see arxiv-abs.ts). */
function clean(s: string): string {
  return normalizeWhitespace(latexAccentsToUnicode(normalizeWhitespace(s)));
}

function optional(s: string): string | null {
  return s === '' ? null : s;
}

function isoDate(s: string): string | null {
  const trimmed = s.trim();
  if (!ISO_DATE.test(trimmed)) return null;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function count(v: unknown): number | null {
  const s = text(v).trim();
  return /^\d+$/.test(s) ? Number(s) : null;
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nodes(v: unknown): Node[] {
  return (Array.isArray(v) ? v : [v]).filter(isNode);
}

/** The text of an element: a plain string, or #text when it has attributes; the first of repeats. */
function text(v: unknown): string {
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isNode(v)) return text(v['#text']);
  return '';
}
