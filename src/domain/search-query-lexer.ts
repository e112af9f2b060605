// The search query language's input clean-up and lexer (see search-query.ts for the language).
import type { SearchField } from './search-query-types.ts';
import { MAX_QUERY_LENGTH } from './search-query-types.ts';

export function sanitize(input: string, notes: Notes): string {
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
export class Notes {
  private readonly seen = new Set<string>();
  add(message: string): void {
    this.seen.add(message);
  }
  list(): string[] {
    return [...this.seen];
  }
}

/** A piece of user input quoted in a message, short enough to read. */
export function shown(text: string): string {
  const chars = Array.from(text);
  return chars.length > 40 ? `${chars.slice(0, 39).join('')}…` : text;
}

// ---------------------------------------------------------------------------------------------
// Lexer: one left-to-right pass, no backtracking, so any input costs linear time.

export type FilterName = 'cat' | 'year' | 'after' | 'before' | 'date' | 'has' | 'sort';

export type Token =
  | { kind: 'word'; value: string }
  | { kind: 'phrase'; value: string; closed: boolean }
  | { kind: 'open' | 'close' | 'or' | 'and' | 'end' }
  | { kind: 'not'; text: string }
  | { kind: 'field'; field: SearchField; text: string }
  | { kind: 'filter'; name: FilterName; value: string; text: string };

export type FilterToken = Extract<Token, { kind: 'filter' }>;

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

export function lex(text: string): Token[] {
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
