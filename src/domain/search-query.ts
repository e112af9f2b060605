// The search query language: what a reader types in the search box, parsed into a tree that
// search backends compile into their own syntax. Raw input never reaches a backend.
//
//   graph neural networks          terms (all must match; see the search service for relaxation)
//   "exact phrase"                 a phrase
//   -survey   -"large language"    exclusion (NOT survey too; an uppercase AND is implied anyway)
//   diffusion OR flow              alternatives; binds tighter than the implicit AND
//   (vision OR image) transformer  grouping
//   title:attention  author:hinton  abstract:"zero shot"   field restrictions
//   cat:cs.LG  cat:cs.*             category filter (several cat: are alternatives)
//   year:2024  year:2020..2023  after:2024-01-01  before:2024-06-30  date:2024-01..2024-03
//                                   (inclusive; days, months or years; date: ranges may be open)
//   has:code                        only papers with a code link
//   sort:new | sort:top | sort:relevance
import categoryNames from './arxiv-categories.json' with { type: 'json' };
import type { DayRange } from './periods.ts';
import { parseDay, parseMonth } from './periods.ts';

export type SearchField = 'title' | 'abstract' | 'authors' | 'categories';

export type QueryNode =
  /** One word as typed (case and punctuation kept; backends tokenise it as they index text). */
  | { type: 'term'; value: string; field: SearchField | null }
  /** Words that must appear next to each other, in order. */
  | { type: 'phrase'; value: string; field: SearchField | null }
  | { type: 'and'; children: QueryNode[] }
  | { type: 'or'; children: QueryNode[] }
  /** Exclusion. Only ever a child of an 'and' that also has a positive child. */
  | { type: 'not'; child: QueryNode };

export type SearchSort = 'relevance' | 'newest' | 'upvotes';

export interface SearchFilters {
  /** Category codes or archive prefixes ending in ".*" ("cs.*"); any of them matches. */
  categories: string[];
  /** Inclusive range of arXiv submission days; either end may be open. */
  dates: Partial<DayRange>;
  /** true: only papers with a code link. */
  hasCode: boolean;
}

export interface ParsedQuery {
  /** The text part; null when the query only filters (e.g. "cat:cs.LG has:code"). */
  text: QueryNode | null;
  filters: SearchFilters;
  /** Explicit sort:…, else null (the caller's default). */
  sort: SearchSort | null;
  /** Things that were ignored or repaired, in words a reader understands. */
  warnings: string[];
}

/** A query that cannot be understood at all; the message is shown to the reader as is. */
export class QueryError extends Error {
  override name = 'QueryError';
}

export const MAX_QUERY_LENGTH = 1000;

/** Words and phrases kept from one query; more only slow the backend down without narrowing much. */
export const MAX_QUERY_TERMS = 64;
/** Parenthesis levels kept; deeper ones are flattened so nesting can never exhaust the stack. */
export const MAX_QUERY_DEPTH = 16;

/**
 * Parses what a reader typed. Never fails on syntax (unbalanced quotes and parentheses, stray
 * operators, …): those are repaired and reported in `warnings`. Throws QueryError only for
 * filters it cannot honour and for queries that exclude words without looking for any.
 */
export function parseSearchQuery(input: string): ParsedQuery {
  const notes = new Notes();
  const filters = new FilterCollector(notes);
  const items = new Parser(lex(sanitize(input, notes)), notes, filters).parse();
  return { text: topLevel(items), ...filters.result(), warnings: notes.list() };
}

// ---------------------------------------------------------------------------------------------
// Input clean-up

function sanitize(input: string, notes: Notes): string {
  // Control characters (NUL included) and lone surrogates carry no meaning in a search box; tabs
  // and line breaks still separate words.
  let text = input
    .replace(/[\p{Cc}\p{Cs}]/gu, (c) => (/\s/.test(c) ? ' ' : ''))
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length > MAX_QUERY_LENGTH) {
    // Counted in code points so an emoji is never cut in half.
    const chars = Array.from(text);
    if (chars.length > MAX_QUERY_LENGTH) {
      text = chars.slice(0, MAX_QUERY_LENGTH).join('').trimEnd();
      notes.add(`Only the first ${MAX_QUERY_LENGTH} characters of the query were used.`);
    }
  }
  return text;
}

/** Warnings without repeats: 500 stray ")" deserve one sentence, not 500. */
class Notes {
  private readonly seen = new Set<string>();
  add(message: string): void {
    this.seen.add(message);
  }
  list(): string[] {
    return [...this.seen];
  }
}

/** A piece of user input quoted in a message, short enough to read. */
function shown(text: string): string {
  const chars = Array.from(text);
  return chars.length > 40 ? `${chars.slice(0, 39).join('')}…` : text;
}

// ---------------------------------------------------------------------------------------------
// Lexer: one left-to-right pass, no backtracking, so any input costs linear time.

type FilterName = 'cat' | 'year' | 'after' | 'before' | 'date' | 'has' | 'sort';

type Token =
  | { kind: 'word'; value: string }
  | { kind: 'phrase'; value: string; closed: boolean }
  | { kind: 'open' | 'close' | 'or' | 'and' | 'end' }
  | { kind: 'not'; text: string }
  | { kind: 'field'; field: SearchField; text: string }
  | { kind: 'filter'; name: FilterName; value: string; text: string };

type FilterToken = Extract<Token, { kind: 'filter' }>;

const FIELDS = new Map<string, SearchField>([
  ['title', 'title'],
  ['abstract', 'abstract'],
  ['author', 'authors'],
  ['authors', 'authors'],
]);

const FILTERS = new Map<string, FilterName>([
  ['cat', 'cat'],
  ['category', 'cat'],
  ['year', 'year'],
  ['after', 'after'],
  ['before', 'before'],
  ['date', 'date'],
  ['has', 'has'],
  ['sort', 'sort'],
]);

const PREFIX = /^([A-Za-z]+):/;

/**
 * Where a word starts decides what it can be: operators only stand alone ('fresh'), a field or
 * filter may follow "-" ('negated'), and right after "title:" everything is plain text ('glued').
 */
type WordStart = 'fresh' | 'negated' | 'glued';

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let state: WordStart = 'fresh';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '(' || c === ')') {
      if (c !== ' ') tokens.push({ kind: c === '(' ? 'open' : 'close' });
      i++;
      state = 'fresh';
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      tokens.push({
        kind: 'phrase',
        value: text.slice(i + 1, end < 0 ? text.length : end),
        closed: end >= 0,
      });
      i = end < 0 ? text.length : end + 1;
      state = 'fresh';
    } else if (c === '-' && state === 'fresh' && startsOperand(text[i + 1])) {
      tokens.push({ kind: 'not', text: '-' });
      i++;
      state = 'negated';
    } else {
      const end = wordEnd(text, i);
      const next = classifyWord(text, i, end, state);
      tokens.push(next.token);
      i = next.end;
      state = next.state;
    }
  }
  tokens.push({ kind: 'end' });
  return tokens;
}

/** "-" excludes only when something follows it directly: "a - b" and "--x" are text. */
function startsOperand(next: string | undefined): boolean {
  return next !== undefined && next !== ' ' && next !== ')' && next !== '-';
}

function wordEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length && !' ()"'.includes(text[i]!)) i++;
  return i;
}

function classifyWord(
  text: string,
  start: number,
  end: number,
  state: WordStart,
): { token: Token; end: number; state: WordStart } {
  const word = text.slice(start, end);
  if (state === 'fresh' && (word === 'OR' || word === 'AND')) {
    return { token: { kind: word === 'OR' ? 'or' : 'and' }, end, state: 'fresh' };
  }
  if (state === 'fresh' && word === 'NOT')
    return { token: { kind: 'not', text: 'NOT' }, end, state: 'negated' };
  const prefix = state === 'glued' ? null : PREFIX.exec(word);
  const name = prefix?.[1]!.toLowerCase() ?? '';
  const field = FIELDS.get(name);
  if (prefix && field) {
    // The field applies to whatever follows the colon: a word, a phrase or a group.
    return {
      token: { kind: 'field', field, text: prefix[0] },
      end: start + prefix[0].length,
      state: 'glued',
    };
  }
  const filter = FILTERS.get(name);
  if (prefix && filter) return filterToken(text, filter, prefix[0], word.slice(prefix[0].length), end);
  // Anything else, "foo:bar" and "http://x" included, is text for the backend to tokenise.
  return { token: { kind: 'word', value: word }, end, state: 'glued' };
}

/** cat:"cs.LG" is read like cat:cs.LG. */
function filterToken(
  text: string,
  name: FilterName,
  prefix: string,
  value: string,
  end: number,
): { token: Token; end: number; state: WordStart } {
  if (value === '' && text[end] === '"') {
    const close = text.indexOf('"', end + 1);
    const quoted = text.slice(end + 1, close < 0 ? text.length : close).trim();
    const after = close < 0 ? text.length : close + 1;
    return {
      token: { kind: 'filter', name, value: quoted, text: `${prefix}${quoted}` },
      end: after,
      state: 'fresh',
    };
  }
  return { token: { kind: 'filter', name, value, text: `${prefix}${value}` }, end, state: 'fresh' };
}

// ---------------------------------------------------------------------------------------------
// Parser. Grammar, loosest binding first:
//
//   sequence     := alternatives*                 implicit AND
//   alternatives := unary ("OR" unary)*
//   unary        := ("-" | "NOT" | field:)* primary
//   primary      := word | "phrase" | "(" sequence ")" | filter
//
// A sequence is returned as a flat list of and-items (positive nodes and 'not' nodes), so
// groups splice into their parent and nested ands never arise.

class Parser {
  private pos = 0;
  private terms = 0;
  /** "(" beyond MAX_QUERY_DEPTH that were skipped; their ")" are skipped too. */
  private flattened = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly notes: Notes,
    private readonly filters: FilterCollector,
  ) {}

  parse(): QueryNode[] {
    const items = this.sequence(0);
    if (this.flattened > 0) this.notes.add(UNCLOSED_PAREN);
    return items;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private sequence(depth: number): QueryNode[] {
    const items: QueryNode[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'end') return items;
      if (token.kind === 'close') {
        if (this.flattened > 0) this.flattened--;
        else if (depth > 0) return items;
        else this.notes.add('An extra ")" was ignored.');
        this.pos++;
      } else if (token.kind === 'or') {
        this.notes.add(DANGLING_OR);
        this.pos++;
      } else if (token.kind === 'and') {
        this.pos++; // explicit AND says what adjacency already says
      } else {
        for (const item of this.alternatives(depth)) items.push(item);
      }
    }
  }

  private alternatives(depth: number): QueryNode[] {
    let filterOperand = this.peek().kind === 'filter';
    const first = this.unary(depth);
    if (this.peek().kind !== 'or') return first;
    const operands = [first];
    while (this.peek().kind === 'or') {
      while (this.peek().kind === 'or') this.pos++; // "a OR OR b"
      const next = this.peek().kind;
      if (next === 'end' || next === 'close' || next === 'and') {
        this.notes.add(DANGLING_OR);
        break;
      }
      filterOperand ||= next === 'filter';
      operands.push(this.unary(depth));
    }
    return this.orOf(operands, filterOperand);
  }

  private orOf(operands: QueryNode[][], filterOperand: boolean): QueryNode[] {
    const children: QueryNode[] = [];
    for (const items of operands) {
      if (items.length === 0) continue; // a filter, an empty phrase, …
      if (!items.some(isPositive)) {
        // "a OR -b" would mean "a, or anything without b": nothing a search engine can rank.
        this.notes.add('An exclusion (-word) cannot be one side of OR; it was ignored.');
        continue;
      }
      const node = andOf(items);
      if (node.type === 'or') children.push(...node.children);
      else children.push(node);
    }
    if (filterOperand && children.length > 0) {
      this.notes.add('Filters such as cat: apply to the whole query, not to one side of OR.');
    }
    if (children.length === 0) return [];
    if (children.length === 1) return spliced(children[0]!);
    return [{ type: 'or', children }];
  }

  private unary(depth: number): QueryNode[] {
    let negation: string | null = null;
    let field: SearchField | null = null;
    let prefix = '';
    for (let token = this.peek(); token.kind === 'not' || token.kind === 'field'; token = this.peek()) {
      if (token.kind === 'not') negation = token.text;
      else field = token.field; // the one nearest the word wins
      prefix = token.text;
      this.pos++;
    }
    const start = this.peek();
    if (start.kind === 'filter' && negation !== null) {
      throw new QueryError(
        `Filters cannot be excluded: remove the "${negation}" before ${shown(start.text)}.`,
      );
    }
    if (start.kind === 'filter' && field !== null) this.notes.add(danglingPrefix(prefix));
    const items = this.primary(depth);
    if (items === null) {
      if (prefix) this.notes.add(danglingPrefix(prefix));
      return [];
    }
    const fielded = field === null ? items : items.map((node) => withField(node, field));
    return negation === null ? fielded : this.excluded(fielded);
  }

  private excluded(items: QueryNode[]): QueryNode[] {
    if (items.length === 0) return [];
    if (!items.some(isPositive)) {
      this.notes.add('An exclusion inside an exclusion was ignored.');
      return [];
    }
    return [{ type: 'not', child: andOf(items) }];
  }

  /** The items of one primary; null when the next token cannot start one (nothing consumed). */
  private primary(depth: number): QueryNode[] | null {
    const token = this.peek();
    switch (token.kind) {
      case 'word':
        this.pos++;
        return this.leaf('term', token.value);
      case 'phrase': {
        this.pos++;
        if (!token.closed) this.notes.add('A quote (") was not closed; it was closed at the end.');
        const value = token.value.replace(/ +/g, ' ').trim();
        return value ? this.leaf('phrase', value) : [];
      }
      case 'filter':
        this.pos++;
        this.filters.apply(token);
        return [];
      case 'open':
        return this.group(depth);
      default:
        return null;
    }
  }

  private group(depth: number): QueryNode[] {
    this.pos++;
    if (depth >= MAX_QUERY_DEPTH) {
      this.flattened++;
      this.notes.add(`Parentheses nested more than ${MAX_QUERY_DEPTH} deep were ignored.`);
      return [];
    }
    const items = this.sequence(depth + 1);
    if (this.peek().kind === 'close') this.pos++;
    else this.notes.add(UNCLOSED_PAREN);
    return items;
  }

  private leaf(type: 'term' | 'phrase', value: string): QueryNode[] {
    if (this.terms >= MAX_QUERY_TERMS) {
      this.notes.add(`Only the first ${MAX_QUERY_TERMS} words and phrases were used.`);
      return [];
    }
    this.terms++;
    return [{ type, value, field: null }];
  }
}

const DANGLING_OR = 'OR needs something to look for on both sides; it was ignored.';
const UNCLOSED_PAREN = 'A "(" was not closed; it was closed at the end.';

function danglingPrefix(prefix: string): string {
  return `"${prefix}" needs a word after it; it was ignored.`;
}

function isPositive(node: QueryNode): boolean {
  return node.type !== 'not';
}

function andOf(items: QueryNode[]): QueryNode {
  return items.length === 1 ? items[0]! : { type: 'and', children: items };
}

/** An and-node as items of the enclosing and, so ands never nest. */
function spliced(node: QueryNode): QueryNode[] {
  return node.type === 'and' ? node.children : [node];
}

/** A field on a group applies to every word in it, except those that name their own field. */
function withField(node: QueryNode, field: SearchField): QueryNode {
  switch (node.type) {
    case 'term':
    case 'phrase':
      return node.field === null ? { ...node, field } : node;
    case 'and':
    case 'or':
      return { type: node.type, children: node.children.map((child) => withField(child, field)) };
    case 'not':
      return { type: 'not', child: withField(node.child, field) };
  }
}

function topLevel(items: QueryNode[]): QueryNode | null {
  if (items.length === 0) return null;
  if (!items.some(isPositive)) {
    throw new QueryError(
      'Add at least one word to look for: a query cannot consist only of exclusions such as -survey.',
    );
  }
  return andOf(items);
}

// ---------------------------------------------------------------------------------------------
// Filters

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

class FilterCollector {
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
