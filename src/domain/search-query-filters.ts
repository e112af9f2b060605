// The search query language's filters (cat:, year:, date ranges, has:, sort:), checked and
// collected while the query is parsed (see search-query.ts for the language).
import categoryNames from './arxiv-categories.json' with { type: 'json' };
import type { DayRange } from './periods.ts';
import { parseDay, parseMonth } from './periods.ts';
import type { FilterName, FilterToken, Notes } from './search-query-lexer.ts';
import { shown } from './search-query-lexer.ts';
import type { SearchFilters, SearchSort } from './search-query-types.ts';
import { QueryError } from './search-query-types.ts';

const SORTS = new Map<string, SearchSort>([
  ['new', 'newest'],
  ['newest', 'newest'],
  ['top', 'upvotes'],
  ['upvotes', 'upvotes'],
  ['relevance', 'relevance'],
]);

/** An archive ("cs", "hep-th") with an optional subject ("LG", "mes-hall") or "*". */
const CATEGORY_SHAPE = /^([a-z]+(?:-[a-z]+)*)(?:\.([a-z]+(?:-[a-z]+)*|\*))?$/i;

let knownCodes: Map<string, string> | null = null;

/** Lower-cased code → arXiv's spelling, so cat:cs.lg finds what is stored as cs.LG. */
function knownCategories(): Map<string, string> {
  knownCodes ??= new Map(Object.keys(categoryNames).map((code) => [code.toLowerCase(), code]));
  return knownCodes;
}

function isKnownArchive(archive: string): boolean {
  for (const code of knownCategories().values()) {
    if (code === archive || code.startsWith(`${archive}.`)) return true;
  }
  return false;
}

export class FilterCollector {
  private readonly categories: string[] = [];
  private start: string | undefined;
  private end: string | undefined;
  private hasCode = false;
  private sort: SearchSort | null = null;

  constructor(private readonly notes: Notes) {}

  apply(token: FilterToken): void {
    if (token.value === '')
      throw new QueryError(`${token.text} needs a value, for example ${EXAMPLES[token.name]}.`);
    switch (token.name) {
      case 'cat': {
        const code = category(token, this.notes);
        if (!this.categories.includes(code)) this.categories.push(code);
        return;
      }
      case 'year':
        return this.narrow(dateRange(token, yearRange));
      case 'date':
        return this.narrow(dateRange(token, (v) => periodRange(v, token)));
      case 'after':
        return this.narrow({ start: periodRange(token.value, token).start });
      case 'before':
        return this.narrow({ end: periodRange(token.value, token).end });
      case 'has':
        if (token.value.toLowerCase() !== 'code') {
          throw new QueryError(`${shown(token.text)} is not supported; the only one is has:code.`);
        }
        this.hasCode = true;
        return;
      case 'sort':
        return this.setSort(token);
    }
  }

  /** Several date filters all hold, so the range is their intersection. */
  private narrow(range: Partial<DayRange>): void {
    if (range.start !== undefined && (this.start === undefined || range.start > this.start)) {
      this.start = range.start;
    }
    if (range.end !== undefined && (this.end === undefined || range.end < this.end)) this.end = range.end;
    if (this.start !== undefined && this.end !== undefined && this.start > this.end) {
      throw new QueryError('The date filters contradict each other: no day satisfies all of them.');
    }
  }

  private setSort(token: FilterToken): void {
    const sort = SORTS.get(token.value.toLowerCase());
    if (!sort) {
      throw new QueryError(
        `${shown(token.text)} is not supported; use sort:new, sort:top or sort:relevance.`,
      );
    }
    if (this.sort !== null && this.sort !== sort)
      this.notes.add('Several sort: were given; the last one was used.');
    this.sort = sort;
  }

  result(): { filters: SearchFilters; sort: SearchSort | null } {
    const dates: Partial<DayRange> = {};
    if (this.start !== undefined) dates.start = this.start;
    if (this.end !== undefined) dates.end = this.end;
    return { filters: { categories: this.categories, dates, hasCode: this.hasCode }, sort: this.sort };
  }
}

const EXAMPLES: Record<FilterName, string> = {
  cat: 'cat:cs.LG',
  year: 'year:2024',
  after: 'after:2024-01-01',
  before: 'before:2024-06-30',
  date: 'date:2024-01..2024-03',
  has: 'has:code',
  sort: 'sort:new',
};

function category(token: FilterToken, notes: Notes): string {
  const m = CATEGORY_SHAPE.exec(token.value);
  if (!m) {
    throw new QueryError(
      `${shown(token.text)} is not an arXiv category; write it like cat:cs.LG or cat:cs.*.`,
    );
  }
  const archive = m[1]!.toLowerCase();
  const subject = m[2];
  if (subject === undefined || subject === '*') {
    if (!isKnownArchive(archive)) notes.add(`${shown(token.text)} is not a known arXiv archive.`);
    return subject ? `${archive}.*` : (knownCategories().get(archive) ?? archive);
  }
  const known = knownCategories().get(`${archive}.${subject.toLowerCase()}`);
  if (known) return known;
  notes.add(`${shown(token.text)} is not a known arXiv category.`);
  return `${archive}.${subject}`;
}

/** "A", "A..B", "A.." or "..B", each side parsed by `side`. */
function dateRange(token: FilterToken, side: (value: string) => DayRange): Partial<DayRange> {
  const parts = token.value.split('..');
  if (parts.length === 1) return side(token.value);
  const [from, to] = parts as [string, string];
  if (parts.length > 2 || (from === '' && to === '')) {
    throw new QueryError(`${shown(token.text)} is not a range; write it like ${EXAMPLES[token.name]}.`);
  }
  const range: Partial<DayRange> = {};
  if (from !== '') range.start = side(from).start;
  if (to !== '') range.end = side(to).end;
  if (range.start !== undefined && range.end !== undefined && range.start > range.end) {
    throw new QueryError(`${shown(token.text)} ends before it starts.`);
  }
  return range;
}

function yearRange(value: string): DayRange {
  const range = /^\d{4}$/.test(value) ? calendarRange(value) : null;
  if (!range) throw new QueryError(`year:${shown(value)} is not a year; write year:2024 or year:2020..2023.`);
  return range;
}

function periodRange(value: string, token: FilterToken): DayRange {
  const range = calendarRange(value);
  if (!range) {
    throw new QueryError(
      `"${shown(value)}" in ${shown(token.text)} is not a valid date; write YYYY-MM-DD, YYYY-MM or YYYY.`,
    );
  }
  return range;
}

/** YYYY, YYYY-MM or YYYY-MM-DD as the days it covers; null when malformed or impossible. */
function calendarRange(value: string): DayRange | null {
  // parseDay rejects what Date.UTC would silently move (years below 100, February 30th, …).
  if (/^\d{4}$/.test(value)) {
    return parseDay(`${value}-01-01`) ? { start: `${value}-01-01`, end: `${value}-12-31` } : null;
  }
  if (/^\d{4}-\d{2}$/.test(value)) return parseDay(`${value}-01`) ? parseMonth(value) : null;
  const day = parseDay(value);
  return day ? { start: day, end: day } : null;
}
