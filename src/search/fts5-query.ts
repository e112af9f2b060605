// Compiles a parsed search query into an SQLite FTS5 MATCH expression for the paper_fts table
// (columns title, abstract, authors, categories; tokenizer 'porter unicode61 remove_diacritics 2').
//
// Safety rests on one rule: user text only ever appears inside double-quoted FTS5 strings, and
// only as tokens made of letters and numbers. Everything outside the quotes (AND, OR, NOT,
// parentheses, column names) is written by this module, so no input can produce an FTS5 syntax
// error or reach FTS5's own operators (NEAR, ^, *, {…}).
import type { QueryNode, SearchField } from '../domain/search-query.ts';

const COLUMNS: Record<SearchField, string> = {
  title: 'title',
  abstract: 'abstract',
  authors: 'authors',
  categories: 'categories',
};

// unicode61 splits text on what Unicode 6.1 calls spaces, punctuation and symbols. Letters, digits
// and private-use characters are token characters in both Unicode 6.1 and today's tables, except
// these New Tai Lue vowel signs, which were marks in 6.1 and are letters now. Left in, they would
// make a phrase that FTS5 sees as empty, and an empty phrase matches nothing.
const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;
const SEPARATORS_SINCE_6_1 = /[\u19B0-\u19C0\u19C8\u19C9]/gu;

/**
 * The words unicode61 would index for `text`. NFC first, so a letter typed with a combining accent
 * stays one word, as it does in FTS5 (which strips the accent itself).
 */
export function fts5Tokens(text: string): string[] {
  return text.normalize('NFC').replace(SEPARATORS_SINCE_6_1, ' ').match(TOKEN) ?? [];
}

/** The tree as an FTS5 MATCH expression; null when nothing in it can be searched for. */
export function toFts5Match(node: QueryNode): string | null {
  return compile(node);
}

/**
 * A looser form of the same query: any one of its words or phrases (each keeping its field),
 * still without the top-level exclusions. The search service falls back to it when the strict
 * form finds too few papers.
 */
export function toFts5AnyMatch(node: QueryNode): string | null {
  const items = node.type === 'and' ? node.children : [node];
  const alternatives = new Set<string>(); // the same word twice adds nothing to an OR
  for (const item of items) {
    if (item.type !== 'not') collectLeaves(item, alternatives);
  }
  return withExclusions(joined([...alternatives], 'OR'), exclusions(items));
}

/**
 * The query's top-level exclusions as one expression that matches any of them, or null. Results
 * that come from elsewhere than FTS5 (semantic search) are checked against it.
 */
export function toFts5Exclusions(node: QueryNode): string | null {
  return joined(exclusions(node.type === 'and' ? node.children : [node]), 'OR');
}

/**
 * cat: filters as a match on the categories column, for narrowing the rows FTS5 walks: each code's
 * words as a phrase ("cs.LG" → `categories : "cs LG"`, "math.*" → `categories : "math"`), any of
 * them. The column holds every code of a paper followed by its name, so every paper in one of the
 * categories matches; a few others may too ("math" is also in math-ph), so the exact filter still
 * runs on the papers. Null when there is no filter, or a code has no words to match.
 */
export function categoryFilterMatch(codes: string[]): string | null {
  const phrases: string[] = [];
  for (const code of codes) {
    const phrase = quoted(code.endsWith('.*') ? code.slice(0, -2) : code, 'categories');
    if (phrase === null) return null;
    if (!phrases.includes(phrase)) phrases.push(phrase);
  }
  return phrases.length === 0 ? null : `(${phrases.join(' OR ')})`;
}

function collectLeaves(node: QueryNode, into: Set<string>): void {
  switch (node.type) {
    case 'term':
    case 'phrase': {
      const phrase = quoted(node.value, node.field);
      if (phrase !== null) into.add(phrase);
      return;
    }
    case 'and':
    case 'or':
      for (const child of node.children) collectLeaves(child, into);
      return;
    case 'not':
      return; // excluded words are not alternatives
  }
}

function compile(node: QueryNode): string | null {
  switch (node.type) {
    case 'term':
    case 'phrase':
      return quoted(node.value, node.field);
    case 'or':
      return joined(present(node.children.map(compile)), 'OR');
    case 'and': {
      const positives = node.children.filter((child) => child.type !== 'not');
      return withExclusions(joined(present(positives.map(compile)), 'AND'), exclusions(node.children));
    }
    case 'not':
      // An exclusion on its own has nothing to rank; the parser only puts them inside an 'and'.
      return null;
  }
}

function exclusions(items: QueryNode[]): string[] {
  return present(items.map((item) => (item.type === 'not' ? compile(item.child) : null)));
}

/**
 * A word or phrase as one quoted FTS5 phrase: "GPT-4" → "GPT 4", so the tokens must be adjacent
 * and in order, exactly as in the indexed text. Case is left to FTS5, which folds it itself.
 */
function quoted(value: string, field: SearchField | null): string | null {
  const tokens = fts5Tokens(value);
  if (tokens.length === 0) return null; // only punctuation, emoji, …: nothing FTS5 indexes
  const phrase = `"${tokens.join(' ').replaceAll('"', '""')}"`;
  return field === null ? phrase : `${COLUMNS[field]} : ${phrase}`;
}

/** Compound expressions are always parenthesised, so FTS5's operator precedence never matters. */
function joined(parts: string[], operator: 'AND' | 'OR'): string | null {
  if (parts.length <= 1) return parts[0] ?? null;
  return `(${parts.join(` ${operator} `)})`;
}

/** FTS5's NOT is binary ("a NOT b"), so exclusions hang off the positive part. */
function withExclusions(positive: string | null, excluded: string[]): string | null {
  if (positive === null) return null;
  if (excluded.length === 0) return positive;
  return `(${positive} NOT ${excluded.join(' NOT ')})`;
}

function present(parts: (string | null)[]): string[] {
  return parts.filter((part): part is string => part !== null);
}

// ---------------------------------------------------------------------------------------------
// Reading compiled expressions back: how many papers can an expression match at most?

/** A compiled expression's structure: quoted phrases (with their column) under AND, OR and NOT. */
export type MatchShape =
  | { type: 'leaf'; text: string }
  | { type: 'and' | 'or'; children: MatchShape[] }
  /** `a NOT b NOT c`: matches at most what `a` matches. */
  | { type: 'not'; positive: MatchShape; excluded: MatchShape[] };

const SHAPE_TOKEN = /\s*(?:("(?:[^"]|"")*")|(\{[^}]*\}|[A-Za-z]+)\s*:|(\()|(\))|(AND|OR|NOT)\b)/y;

/**
 * Parses an expression written by this module (toFts5Match, toFts5AnyMatch, more-like-this's
 * `{title abstract} : (…)`) back into its shape; null for anything else. The search backend uses
 * it to bound the number of matches from per-phrase counts before choosing how to rank.
 */
export function matchShape(match: string): MatchShape | null {
  const tokens: string[] = [];
  SHAPE_TOKEN.lastIndex = 0;
  while (SHAPE_TOKEN.lastIndex < match.length) {
    const at = SHAPE_TOKEN.lastIndex;
    const m = SHAPE_TOKEN.exec(match);
    if (m === null) return match.slice(at).trim() === '' ? finish(tokens) : null;
    tokens.push(m[1] ?? (m[2] !== undefined ? `${m[2]}:` : (m[3] ?? m[4] ?? m[5]!)));
  }
  return finish(tokens);
}

function finish(tokens: string[]): MatchShape | null {
  let at = 0;
  // `scope`: the column filter of an enclosing group ("{title abstract} : (…)"), which FTS5 applies
  // to every phrase inside; it is part of each leaf, since it changes what the phrase matches.
  const primary = (scope: string | null): MatchShape | null => {
    const token = tokens[at++];
    if (token === undefined) return null;
    if (token.startsWith('"')) return { type: 'leaf', text: scope === null ? token : `${scope} : ${token}` };
    if (token.endsWith(':')) {
      if (scope !== null) return null; // never written by this module
      return primary(token.slice(0, -1));
    }
    if (token !== '(') return null;
    const items: MatchShape[] = [];
    let operator: string | null = null;
    for (;;) {
      const item = primary(scope);
      if (item === null) return null;
      items.push(item);
      const next = tokens[at++];
      if (next === ')') break;
      if (next !== 'AND' && next !== 'OR' && next !== 'NOT') return null;
      if (operator !== null && operator !== next) return null; // never written by this module
      operator = next;
    }
    if (items.length === 1) return items[0]!;
    if (operator === 'NOT') return { type: 'not', positive: items[0]!, excluded: items.slice(1) };
    return { type: operator === 'OR' ? 'or' : 'and', children: items };
  };
  const shape = primary(null);
  return shape !== null && at === tokens.length ? shape : null;
}

/**
 * Every phrase of the expression in FTS5's phrase order (order of appearance, excluded ones and
 * repeats included), each with its column filter: what pb_bm25 takes document counts for.
 */
export function shapePhrases(shape: MatchShape, into: string[] = []): string[] {
  if (shape.type === 'leaf') into.push(shape.text);
  else if (shape.type === 'not')
    for (const part of [shape.positive, ...shape.excluded]) shapePhrases(part, into);
  else for (const child of shape.children) shapePhrases(child, into);
  return into;
}

/** The phrases whose counts matchBound needs. */
export function shapeLeaves(shape: MatchShape, into = new Set<string>()): Set<string> {
  if (shape.type === 'leaf') into.add(shape.text);
  else if (shape.type === 'not') shapeLeaves(shape.positive, into);
  else for (const child of shape.children) shapeLeaves(child, into);
  return into;
}

/** Most papers the expression can match, given each phrase's number of matching papers. */
export function matchBound(shape: MatchShape, count: (leaf: string) => number): number {
  switch (shape.type) {
    case 'leaf':
      return count(shape.text);
    case 'not':
      return matchBound(shape.positive, count);
    case 'and':
      return Math.min(...shape.children.map((c) => matchBound(c, count)));
    case 'or':
      return shape.children.reduce((sum, c) => sum + matchBound(c, count), 0);
  }
}

/**
 * A cheaper superset of the expression for finding where a rank window starts: every phrase of
 * several words in a positive position becomes an AND of its words (with its column filter), so
 * FTS5 walks the words' doclists without comparing positions ("of the" costs five times "of" AND
 * "the"). Exclusions stay as they are. Null when it would be the expression itself.
 */
export function looseMatch(match: string): string | null {
  const shape = matchShape(match);
  if (shape === null) return null;
  const loose = loosen(shape);
  return loose === serialize(shape) ? null : loose;
}

const PHRASE_LEAF = /^(?:(.*) : )?"((?:[^"]|"")*)"$/s;

function loosen(shape: MatchShape): string {
  switch (shape.type) {
    case 'leaf': {
      const m = PHRASE_LEAF.exec(shape.text);
      const words = m?.[2]!.split(' ').filter(Boolean) ?? [];
      if (m === null || words.length < 2) return shape.text;
      const column = m[1] === undefined ? '' : `${m[1]} : `;
      return `(${words.map((w) => `${column}"${w}"`).join(' AND ')})`;
    }
    case 'and':
    case 'or':
      return `(${shape.children.map(loosen).join(shape.type === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(${[loosen(shape.positive), ...shape.excluded.map(serialize)].join(' NOT ')})`;
  }
}

function serialize(shape: MatchShape): string {
  switch (shape.type) {
    case 'leaf':
      return shape.text;
    case 'and':
    case 'or':
      return `(${shape.children.map(serialize).join(shape.type === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(${[serialize(shape.positive), ...shape.excluded.map(serialize)].join(' NOT ')})`;
  }
}
