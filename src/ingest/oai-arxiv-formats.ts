// Parsers of arXiv's two OAI-PMH metadata formats into PaperRecord (input: the parsed <metadata>
// child from oai-pmh.ts; no I/O):
//
//   arXivRaw (http://arxiv.org/OAI/arXivRaw/): close to arXiv's internal .abs record. Carries the
//     full version history: <version version="v2"><date>Tue, 2 Apr 2013 01:50:08 GMT</date>
//     <size>849kb</size></version>, with the author line as one string. The preferred format.
//   arXiv (http://arxiv.org/OAI/arXiv/): authors split into keyname/forenames/suffix, but only the
//     <created> and <updated> days, with no version numbers. A record from it therefore carries v1
//     alone (dated <created>); the <updated> day is returned beside the record, never stored as a
//     made-up version number, so it can never outrank a real version history from arXivRaw.
//
// The submitter's name in arXivRaw is personal data we do not need and is never read.
import { parseArxivId } from '../domain/arxiv-id.ts';
import type { PaperRecord, PaperVersion } from '../domain/paper.ts';
import { latexAccentsToUnicode, normalizeWhitespace, parseAuthorList } from '../domain/text-normalize.ts';
import type { XmlElement } from './oai-pmh.ts';
import { elementsOf, textOf } from './oai-pmh.ts';

export type ArxivOaiFormat = 'arXivRaw' | 'arXiv';
export const ARXIV_OAI_FORMATS: readonly ArxivOaiFormat[] = ['arXivRaw', 'arXiv'];

export interface ParsedOaiPaper {
  record: PaperRecord;
  /** arXiv format only: the day of the newest version, whose number that format does not give. */
  updatedOn: string | null;
}

/** A record that cannot become a PaperRecord; the message names the format and the record. */
export class OaiRecordError extends Error {
  override name = 'OaiRecordError';
}

// "Tue, 3 Apr 2007 22:04:11 GMT": weekday optional, seconds optional, GMT/UTC or a numeric offset.
const DAY_MONTH_YEAR = String.raw`(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})`;
const TIME_AND_ZONE = String.raw`(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(GMT|UTC|Z|[+-]\d{4})?`;
const RFC2822 = new RegExp(`^${DAY_MONTH_YEAR}\\s+${TIME_AND_ZONE}$`);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses the metadata element of `format` for the record `identifier`; throws OaiRecordError. */
export function parseArxivOaiMetadata(
  format: ArxivOaiFormat,
  element: XmlElement,
  identifier: string,
): ParsedOaiPaper {
  return format === 'arXivRaw'
    ? { record: parseArxivRaw(element, identifier), updatedOn: null }
    : parseArxivFormat(element, identifier);
}

/** arXivRaw: the version history with dates and sizes, and the author line as arXiv keeps it. */
export function parseArxivRaw(el: XmlElement, identifier: string): PaperRecord {
  const fail = failer('arXivRaw', identifier);
  const arxivId = readId(el, identifier, fail);
  const versions = elementsOf(el.version).map((v, i) => readRawVersion(v, i, fail));
  if (versions.length === 0) fail('no <version> elements');
  versions.sort((a, b) => a.version - b.version);
  versions.forEach((v, i) => {
    if (v.version === versions[i - 1]?.version) fail(`v${v.version} listed twice`);
  });
  if (versions[0]!.version !== 1) fail('version history does not start at v1');
  return {
    ...commonFields(el, arxivId, fail),
    authors: requireAuthors(parseAuthorList(textOf(el.authors) ?? ''), fail),
    versions,
  };
}

/** arXiv format: split author names, and only the created/updated days. */
export function parseArxivFormat(el: XmlElement, identifier: string): ParsedOaiPaper {
  const fail = failer('arXiv', identifier);
  const arxivId = readId(el, identifier, fail);
  const created = readDay(textOf(el.created), 'created', fail);
  if (created === null) fail('missing <created>');
  const updated = readDay(textOf(el.updated), 'updated', fail);
  const authors = elementsOf(elementsOf(el.authors)[0]?.author).flatMap((a) => authorName(a) ?? []);
  return {
    record: {
      ...commonFields(el, arxivId, fail),
      authors: requireAuthors(authors, fail),
      versions: [{ version: 1, submittedAt: `${created}T00:00:00.000Z`, size: null }],
    },
    updatedOn: updated,
  };
}

type Fail = (what: string) => never;

function failer(format: ArxivOaiFormat, identifier: string): Fail {
  return (what) => {
    throw new OaiRecordError(`${format} record ${identifier}: ${what}`);
  };
}

function readId(el: XmlElement, identifier: string, fail: Fail): string {
  const raw = normalizeWhitespace(textOf(el.id) ?? '');
  if (raw === '') fail('missing <id>');
  const parsed = parseArxivId(raw);
  if (parsed === null) fail(`malformed arXiv id "${raw}"`);
  // The header's identifier is oai:arXiv.org:<id>; a mismatch means the record is not what it says.
  const fromHeader = parseArxivId(identifier.replace(/^oai:arXiv\.org:/i, ''));
  if (fromHeader !== null && fromHeader.base !== parsed!.base) {
    fail(`<id> ${parsed!.base} does not match the header identifier`);
  }
  return parsed!.base;
}

/** Everything both formats write the same way. */
function commonFields(
  el: XmlElement,
  arxivId: string,
  fail: Fail,
): Omit<PaperRecord, 'authors' | 'versions'> {
  const title = cleanText(textOf(el.title) ?? '');
  const abstract = cleanText(textOf(el.abstract) ?? '');
  const categories = (textOf(el.categories) ?? '').split(/\s+/).filter((c) => c !== '');
  if (title === '') fail('missing <title>');
  if (abstract === '') fail('missing <abstract>');
  if (categories.length === 0) fail('missing <categories>');
  return {
    arxivId,
    title,
    abstract,
    categories,
    comments: optional(textOf(el.comments), true),
    journalRef: optional(textOf(el['journal-ref']), true),
    doi: optional(textOf(el.doi), false),
    reportNo: optional(textOf(el['report-no']), false),
    license: optional(textOf(el.license), false),
  };
}

function requireAuthors(authors: string[], fail: Fail): string[] {
  if (authors.length === 0) fail('missing <authors>');
  return authors;
}

function readRawVersion(v: XmlElement, index: number, fail: Fail): PaperVersion {
  const label = textOf(v['@_version']) ?? '';
  const m = /^v(\d+)$/.exec(label.trim());
  if (!m) fail(`<version> ${index + 1} has no version="vN" attribute`);
  const version = Number(m![1]);
  const date = normalizeWhitespace(textOf(v.date) ?? '');
  const submittedAt = rfc2822ToIso(date);
  if (submittedAt === null) fail(`unreadable date "${date}" for v${version}`);
  return { version, submittedAt: submittedAt!, size: readSize(textOf(v.size)) };
}

/** "849kb" as arXiv writes it everywhere else; anything unexpected is kept trimmed rather than lost. */
function readSize(raw: string | null): string | null {
  const s = normalizeWhitespace(raw ?? '');
  if (s === '') return null;
  const kb = /^(\d+)\s*kb$/i.exec(s);
  return kb ? `${kb[1]}kb` : s;
}

/** "Mon, 2 Apr 2007 19:18:42 GMT" -> "2007-04-02T19:18:42.000Z"; null when it isn't such a date. */
export function rfc2822ToIso(date: string): string | null {
  const m = RFC2822.exec(date);
  if (!m) return null;
  const [, day, monthName, year, hour, minute, second = '0', zone = 'GMT'] = m;
  const month = MONTHS.indexOf(monthName!.toLowerCase());
  if (month === -1) return null;
  const ms = Date.UTC(Number(year), month, Number(day), Number(hour), Number(minute), Number(second));
  const check = new Date(ms);
  // Date.UTC rolls "31 Feb" over into March; a date that does not survive the round trip is bogus.
  const got = [check.getUTCDate(), check.getUTCMonth(), check.getUTCHours(), check.getUTCMinutes()];
  if (got.join() !== [Number(day), month, Number(hour), Number(minute)].join()) return null;
  if (Number(second) > 59) return null;
  const offset = /^[+-]/.test(zone)
    ? (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000
    : 0;
  return new Date(ms - offset).toISOString();
}

function readDay(raw: string | null, what: string, fail: Fail): string | null {
  const s = (raw ?? '').trim();
  if (s === '') return null;
  const ms = DAY.test(s) ? Date.parse(`${s}T00:00:00Z`) : NaN;
  // Date.parse accepts "2015-02-30" by rolling it over; the round trip catches that.
  if (Number.isNaN(ms) || !new Date(ms).toISOString().startsWith(s)) fail(`unreadable <${what}> "${s}"`);
  return s;
}

/** "Forenames Keyname Suffix"; collaborations have only a keyname. */
function authorName(author: XmlElement): string | null {
  const parts = [textOf(author.forenames), textOf(author.keyname), textOf(author.suffix)];
  const name = cleanText(parts.filter((p): p is string => p !== null).join(' ')).replace(/[{}]/g, '');
  return /\p{L}/u.test(name) ? normalizeWhitespace(name) : null;
}

/** Display text: accents converted, on one line (whitespace first, so `Mei\ss ner` sees plain spaces). */
function cleanText(s: string): string {
  return normalizeWhitespace(latexAccentsToUnicode(normalizeWhitespace(s)));
}

/** Free text gets accents converted; identifiers and URLs are kept verbatim. */
function optional(value: string | null, convertAccents: boolean): string | null {
  if (value === null) return null;
  const text = convertAccents ? cleanText(value) : normalizeWhitespace(value);
  return text === '' ? null : text;
}
