// Parser for arXiv's internal `.abs` metadata records, the format arXiv serves its listings from:
//
//   ------------------------------------------------------------------------------
//   \\
//   arXiv:0704.0001                                   (older records: "Paper: hep-th/9901001")
//   From: Name <email>
//   Date: Mon, 2 Apr 2007 19:18:42 GMT   (443kb)
//   Date (revised v2): Tue, 24 Jul 2007 20:10:27 GMT   (370kb)
//
//   Title: ...          (values continue on indented lines)
//   Authors: ...
//   Categories: hep-ph
//   Comments / Report-no / Journal-ref / DOI / License / MSC-class / ACM-class / Proxy: ...
//   \\
//     abstract
//   \\
//
// Pure: text in, PaperRecord out. The submitter's e-mail in `From:` is deliberately never read.

import { parseArxivId } from './arxiv-id.ts';
import type { PaperRecord, PaperVersion } from './paper.ts';
import { latexAccentsToUnicode, normalizeWhitespace, parseAuthorList } from './text-normalize.ts';

/** A `\\` line: delimits the header and the abstract. */
const MARKER_LINE = /^\\\\\s*$/;
/** The dashed line that opens every record in arXiv's files and bundles. */
const RECORD_SEPARATOR = /^-{20,}[ \t]*\r?$/gm;
/** `Key: value`; the key may carry a parenthesised part, as in `Date (revised v2):`. */
const FIELD_LINE = /^([A-Za-z][A-Za-z-]*(?:\s*\([^)]*\))?)\s*:\s*(.*)$/;
/** Pre-2007 records list revisions as `replaced with revised version <date>   (12kb)`. */
const REPLACED_LINE = /^(replaced with revised version)\s+(.*)$/;
const REVISED_KEY = /^date\s*\(revised\s*(?:v\s*(\d+))?\s*\)$/;
/** A date-line value: the date, then the size note `(443kb)` or `(377kb,D)` (D is a source-type flag). */
const DATE_VALUE = /^(.*?)(?:\s+\((\d+)\s*kb(?:\s*,[^)]*)?\))?\s*$/i;
// "Mon, 2 Apr 2007 19:18:42 GMT": weekday optional, seconds optional, zone GMT/UTC or a numeric offset.
const DAY_MONTH_YEAR = String.raw`(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})`;
const TIME_AND_ZONE = String.raw`(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(GMT|UTC?|Z|[+-]\d{4})?`;
const RFC2822_DATE = new RegExp(String.raw`^${DAY_MONTH_YEAR}\s+${TIME_AND_ZONE}$`);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

interface HeaderField {
  /** Lower-cased key, e.g. `title`, `date (revised v2)`. */
  key: string;
  value: string;
}

/** Splits a bundle of concatenated `.abs` records; each returned string is one record's exact text. */
export function splitAbsBundle(text: string): string[] {
  const starts = [...text.matchAll(RECORD_SEPARATOR)].map((m) => m.index);
  const records: string[] = [];
  // Text before the first separator is kept when it says anything, so a malformed bundle fails loudly
  // in parseAbs instead of silently losing a record.
  const preamble = text.slice(0, starts[0] ?? text.length);
  if (preamble.trim() !== '') records.push(preamble);
  starts.forEach((start, i) => records.push(text.slice(start, starts[i + 1] ?? text.length)));
  return records;
}

/** Parses one `.abs` record. Throws an Error naming the record when a required field is missing. */
export function parseAbs(text: string): PaperRecord {
  const { header, abstract } = splitRecord(text);
  const fields = parseHeaderFields(header);
  const arxivId = readId(fields);
  const fail = (what: string): never => {
    throw new Error(`arXiv .abs record ${arxivId}: ${what}`);
  };

  const title = cleanText(first(fields, 'title') ?? '');
  const authors = parseAuthorList(first(fields, 'authors') ?? '');
  const categories = (first(fields, 'categories') ?? '').split(/\s+/).filter((c) => c !== '');
  const cleanAbstract = cleanText(abstract ?? '');
  if (title === '') fail('missing Title');
  if (authors.length === 0) fail('missing Authors');
  if (categories.length === 0) fail('missing Categories');
  if (cleanAbstract === '') fail('missing abstract');

  return {
    arxivId,
    title,
    abstract: cleanAbstract,
    authors,
    categories,
    versions: readVersions(fields, fail),
    comments: optionalText(first(fields, 'comments'), true),
    journalRef: optionalText(first(fields, 'journal-ref'), true),
    doi: optionalText(first(fields, 'doi'), false),
    reportNo: optionalText(first(fields, 'report-no'), false),
    license: optionalText(first(fields, 'license'), false),
  };
}

/** Header lines (between the first two `\\` lines) and the abstract (up to the closing `\\`). */
function splitRecord(text: string): { header: string[]; abstract: string | null } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const markers = lines.flatMap((line, i) => (MARKER_LINE.test(line) ? [i] : []));
  const [open, close] = markers;
  if (open === undefined) return { header: lines, abstract: null };
  if (close === undefined) return { header: lines.slice(open + 1), abstract: null };
  const last = markers[markers.length - 1]!;
  // Any `\\` lines between the second and the last marker are TeX line breaks inside the abstract
  // (arXiv's own parser keeps them the same way). An unterminated abstract runs to the end.
  const abstractEnd = last > close ? last : lines.length;
  return { header: lines.slice(open + 1, close), abstract: lines.slice(close + 1, abstractEnd).join('\n') };
}

function parseHeaderFields(lines: string[]): HeaderField[] {
  const fields: HeaderField[] = [];
  let current: HeaderField | null = null;
  for (const line of lines) {
    if (line.trim() === '') {
      current = null;
      continue;
    }
    const match = /^\s/.test(line) ? null : (REPLACED_LINE.exec(line) ?? FIELD_LINE.exec(line));
    if (match) {
      current = { key: normalizeWhitespace(match[1]!).toLowerCase(), value: match[2]! };
      fields.push(current);
    } else if (current) {
      // Indented lines continue the previous value; so does any unrecognised line, as in arXiv's parser.
      current.value += `\n${line}`;
    }
  }
  return fields;
}

function first(fields: HeaderField[], key: string): string | undefined {
  return fields.find((f) => f.key === key)?.value;
}

function readId(fields: HeaderField[]): string {
  const raw = normalizeWhitespace(first(fields, 'arxiv') ?? first(fields, 'paper') ?? '');
  if (raw === '') throw new Error('arXiv .abs record without an id (no "arXiv:" or "Paper:" line)');
  const parsed = parseArxivId(raw);
  if (!parsed) throw new Error(`arXiv .abs record ${raw}: malformed arXiv id`);
  return parsed.base;
}

/** v1 is the `Date:` line; revisions carry their own number, else follow the previous one. */
function readVersions(fields: HeaderField[], fail: (what: string) => never): PaperVersion[] {
  const versions: PaperVersion[] = [];
  for (const { key, value } of fields) {
    const revised = REVISED_KEY.exec(key);
    if (key !== 'date' && !revised && key !== 'replaced with revised version') continue;
    const previous = versions[versions.length - 1]?.version ?? 0;
    const number = revised?.[1] !== undefined ? Number(revised[1]) : previous + 1;
    versions.push(parseVersion(number, value, fail));
  }
  if (!versions.some((v) => v.version === 1)) fail('missing Date');
  return versions.sort((a, b) => a.version - b.version);
}

function parseVersion(version: number, value: string, fail: (what: string) => never): PaperVersion {
  const [, date = '', kb] = DATE_VALUE.exec(normalizeWhitespace(value)) ?? [];
  const submittedAt = toIsoUtc(date);
  if (submittedAt === null) return fail(`unreadable date "${date}" for v${version}`);
  // Only the size is kept: the flag after the comma describes the source package, not the size.
  return { version, submittedAt, size: kb === undefined ? null : `${kb}kb` };
}

/** "Mon, 2 Apr 2007 19:18:42 GMT" -> "2007-04-02T19:18:42.000Z"; null when it isn't such a date. */
function toIsoUtc(date: string): string | null {
  const m = RFC2822_DATE.exec(date);
  if (!m) return null;
  const [, day, monthName, year, hour, minute, second = '0', zone = 'GMT'] = m;
  const month = MONTHS.indexOf(monthName!.toLowerCase());
  if (month === -1) return null;
  const ms = Date.UTC(Number(year), month, Number(day), Number(hour), Number(minute), Number(second));
  const check = new Date(ms);
  // Date.UTC rolls "31 Feb" over into March; a date that doesn't survive the round trip is bogus.
  const fields = [check.getUTCDate(), check.getUTCHours(), check.getUTCMinutes(), check.getUTCSeconds()];
  if (fields.join() !== [day, hour, minute, second].map(Number).join()) return null;
  return new Date(ms - zoneOffsetMs(zone)).toISOString();
}

function zoneOffsetMs(zone: string): number {
  if (!/^[+-]/.test(zone)) return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
}

/** Display text: accents converted, on one line. Whitespace goes first so the rules for the space after a
 * control word (`Mei\ss ner`) see plain spaces, not line breaks. */
function cleanText(s: string): string {
  return normalizeWhitespace(latexAccentsToUnicode(normalizeWhitespace(s)));
}

/** Free text (comments, journal refs) gets accents converted; identifiers and URLs are kept verbatim. */
function optionalText(value: string | undefined, convertAccents: boolean): string | null {
  if (value === undefined) return null;
  const text = convertAccents ? cleanText(value) : normalizeWhitespace(value);
  return text === '' ? null : text;
}
