// One line of the arXiv metadata snapshot (Kaggle "Cornell-University/arxiv", JSON lines) to a
// PaperRecord. Pure: text in, record out. The same clean-up as the .abs parser (accents, whitespace),
// so a paper reads the same whichever source brought it.
//
// A line looks like
//   {"id":"0704.0001","submitter":"…","authors":"C. Bal\\'azs, E. L. Berger, …","title":"…",
//    "comments":…,"journal-ref":…,"doi":…,"report-no":…,"categories":"hep-ph math.CO","license":…,
//    "abstract":"…","versions":[{"version":"v1","created":"Mon, 2 Apr 2007 19:18:42 GMT"}],
//    "update_date":"2008-11-26","authors_parsed":[["Balázs","C.",""],…]}
// `authors_parsed` entries are [last, first, suffix, affiliation…]; only the first three are names.

import { parseArxivId } from '../domain/arxiv-id.ts';
import type { PaperRecord, PaperVersion } from '../domain/paper.ts';
import { latexAccentsToUnicode, normalizeWhitespace, parseAuthorList } from '../domain/text-normalize.ts';

export type SnapshotLine =
  | { ok: true; record: PaperRecord }
  /** `id` is the record's id when it had a readable one, so messages can name the record. */
  | { ok: false; id: string | null; reason: string };

class RecordProblem extends Error {}

/** Parses one line; never throws: a bad line comes back with the reason. */
export function parseSnapshotLine(line: string): SnapshotLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    return { ok: false, id: null, reason: `malformed JSON (${(err as Error).message})` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, id: null, reason: 'not a JSON object' };
  }
  const obj = raw as Record<string, unknown>;
  const id = typeof obj.id === 'string' ? obj.id : null;
  try {
    return { ok: true, record: snapshotToRecord(obj) };
  } catch (err) {
    if (err instanceof RecordProblem) return { ok: false, id, reason: err.message };
    throw err;
  }
}

/** Maps a parsed snapshot object; throws an Error naming the problem when a required field is bad. */
export function snapshotToRecord(obj: Record<string, unknown>): PaperRecord {
  const rawId = optionalString(obj, 'id');
  if (rawId === null || rawId.trim() === '') throw new RecordProblem('missing id');
  const parsed = parseArxivId(rawId);
  if (!parsed) throw new RecordProblem(`malformed arXiv id ${JSON.stringify(rawId)}`);
  const title = cleanText(optionalString(obj, 'title') ?? '');
  if (title === '') throw new RecordProblem('missing title');
  return {
    arxivId: parsed.base,
    title,
    abstract: cleanText(optionalString(obj, 'abstract') ?? ''),
    authors: readAuthors(obj),
    categories: (optionalString(obj, 'categories') ?? '').split(/\s+/).filter((c) => c !== ''),
    versions: readVersions(obj.versions),
    comments: optionalText(obj, 'comments', true),
    journalRef: optionalText(obj, 'journal-ref', true),
    doi: optionalText(obj, 'doi', false),
    reportNo: optionalText(obj, 'report-no', false),
    license: optionalText(obj, 'license', false),
  };
}

function optionalString(obj: Record<string, unknown>, key: string): string | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new RecordProblem(`field "${key}" is ${typeName(value)}, not text`);
  return value;
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

// The clean-up below runs on every field of 2.7M records, so it takes two shortcuts, both giving exactly
// what the plain composition gives (checked on random text by snapshot-record.test.ts):
// - whitespace: only runs other than one plain space are rewritten (`\s+` would rewrite every space
//   of an 80-column-wrapped abstract);
// - accents: latexAccentsToUnicode only changes text where a backslash starts an accent or a special
//   letter, so text without such a start is left as it is without splitting out its math.
const ODD_WHITESPACE = /\s{2,}|[^\S ]/g;
const ACCENT_START =
  /\\(?:['`^"~=.]|[uvHrkcdb][\s{]|t\s*\{|(?:ss|aa|AA|ae|AE|oe|OE|dh|DH|dj|DJ|ng|NG|th|TH|o|O|l|L|i|j)(?![A-Za-z]))/;

/** normalizeWhitespace, faster on text that is mostly single spaces. */
export function collapseWhitespace(s: string): string {
  return s.replace(ODD_WHITESPACE, ' ').trim();
}

/**
 * Display text, as the .abs parser makes it: normalizeWhitespace(latexAccentsToUnicode(normalizeWhitespace(s)))
 * (whitespace first, so `Mei\ss ner` sees plain spaces).
 */
export function cleanText(s: string): string {
  const flat = collapseWhitespace(s);
  if (!ACCENT_START.test(flat)) return flat;
  const converted = latexAccentsToUnicode(flat);
  return converted === flat ? flat : normalizeWhitespace(converted);
}

/** Free text (comments, journal refs) gets accents converted; identifiers and URLs are kept verbatim. */
function optionalText(obj: Record<string, unknown>, key: string, convertAccents: boolean): string | null {
  const value = optionalString(obj, key);
  if (value === null) return null;
  const text = convertAccents ? cleanText(value) : collapseWhitespace(value);
  return text === '' ? null : text;
}

/**
 * Names in display order ("First Last Suffix") from `authors_parsed`, which arXiv already split
 * (and whose accents are mostly Unicode); the `authors` line only when that is missing or empty.
 */
function readAuthors(obj: Record<string, unknown>): string[] {
  const parsed = obj.authors_parsed;
  if (parsed !== undefined && parsed !== null && !Array.isArray(parsed)) {
    throw new RecordProblem(`field "authors_parsed" is ${typeName(parsed)}, not a list`);
  }
  const names = (parsed ?? []).flatMap((entry: unknown) => {
    const name = displayName(entry);
    return name === '' ? [] : [name];
  });
  if (names.length > 0) return names;
  return parseAuthorList(optionalString(obj, 'authors') ?? '');
}

/** [last, first, suffix, affiliation…] → "first last suffix"; '' when it holds no name. */
export function displayName(entry: unknown): string {
  if (!Array.isArray(entry)) throw new RecordProblem(`an authors_parsed entry is ${typeName(entry)}`);
  const [last, first, suffix] = entry.slice(0, 3).map((part: unknown) => {
    if (part === null || part === undefined) return '';
    if (typeof part !== 'string') throw new RecordProblem(`an authors_parsed name is ${typeName(part)}`);
    // Names carry no math, so braces left from TeX case protection are noise, as in parseAuthorList.
    return cleanText(part.replace(/[{}]/g, ''));
  });
  const name = [first, last, suffix].filter((p) => p !== undefined && p !== '').join(' ');
  // arXiv's splitter writes hyphenated initials with a space ("C. -P. Yuan"); the author wrote "C.-P.".
  const joined = name.replace(/\.\s+-(?=\p{L})/gu, '.-');
  return /\p{L}/u.test(joined) ? joined : '';
}

function readVersions(value: unknown): PaperVersion[] {
  if (!Array.isArray(value) || value.length === 0) throw new RecordProblem('missing versions');
  const byNumber = new Map<number, PaperVersion>();
  value.forEach((v: unknown, i) => {
    if (typeof v !== 'object' || v === null) throw new RecordProblem(`version ${i + 1} is not an object`);
    const { version, created } = v as { version?: unknown; created?: unknown };
    const label = typeof version === 'string' ? /^v(\d+)$/.exec(version.trim()) : null;
    const number = label ? Number(label[1]) : i + 1;
    const submittedAt = typeof created === 'string' ? rfc2822ToIso(created) : null;
    if (submittedAt === null) {
      throw new RecordProblem(`unreadable date ${JSON.stringify(created ?? null)} for v${number}`);
    }
    byNumber.set(number, { version: number, submittedAt, size: null });
  });
  return [...byNumber.values()].sort((a, b) => a.version - b.version);
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};
// "Mon, 2 Apr 2007 19:18:42 GMT": weekday optional, seconds optional, GMT/UTC or a numeric offset.
const RFC2822 =
  /^\s*(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(GMT|UTC?|Z|[+-]\d{4})?\s*$/;

/** "Mon, 2 Apr 2007 19:18:42 GMT" → "2007-04-02T19:18:42.000Z"; null when it is not such a date. */
export function rfc2822ToIso(date: string): string | null {
  const m = RFC2822.exec(date);
  if (!m) return null;
  const [, day, monthName, year, hour, minute, second = '0', zone = 'GMT'] = m;
  const month = MONTHS[monthName!.toLowerCase()];
  if (month === undefined) return null;
  const ms = Date.UTC(Number(year), month, Number(day), Number(hour), Number(minute), Number(second));
  const check = new Date(ms);
  // Date.UTC rolls "31 Feb" into March; a date that does not survive the round trip is bogus.
  if (
    check.getUTCDate() !== Number(day) ||
    check.getUTCHours() !== Number(hour) ||
    check.getUTCMinutes() !== Number(minute) ||
    check.getUTCSeconds() !== Number(second)
  ) {
    return null;
  }
  const offset = /^[+-]/.test(zone)
    ? (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000
    : 0;
  return new Date(ms - offset).toISOString();
}
