import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParsedQuery, QueryNode, SearchField } from './search-query.ts';
import {
  MAX_QUERY_DEPTH,
  MAX_QUERY_LENGTH,
  MAX_QUERY_TERMS,
  parseSearchQuery,
  QueryError,
} from './search-query.ts';

const term = (value: string, field: SearchField | null = null): QueryNode => ({ type: 'term', value, field });
const phrase = (value: string, field: SearchField | null = null): QueryNode => ({
  type: 'phrase',
  value,
  field,
});
const and = (...children: QueryNode[]): QueryNode => ({ type: 'and', children });
const or = (...children: QueryNode[]): QueryNode => ({ type: 'or', children });
const not = (child: QueryNode): QueryNode => ({ type: 'not', child });

const text = (input: string) => parseSearchQuery(input).text;
const warnings = (input: string) => parseSearchQuery(input).warnings;

function errorOf(input: string): string {
  try {
    parseSearchQuery(input);
  } catch (e) {
    expect(e).toBeInstanceOf(QueryError);
    return (e as QueryError).message;
  }
  throw new Error(`no QueryError for ${input}`);
}

describe('parseSearchQuery: terms and phrases', () => {
  it('ANDs adjacent words', () => {
    expect(parseSearchQuery('graph neural networks')).toEqual<ParsedQuery>({
      text: and(term('graph'), term('neural'), term('networks')),
      filters: { categories: [], dates: {}, hasCode: false },
      sort: null,
      warnings: [],
    });
  });

  it('keeps a single word as it was typed, case and punctuation included', () => {
    expect(text('GPT-4')).toEqual(term('GPT-4'));
    expect(text('state-of-the-art')).toEqual(term('state-of-the-art'));
  });

  it('returns no text, and no error, for empty or blank input', () => {
    expect(parseSearchQuery('')).toEqual({
      text: null,
      filters: { categories: [], dates: {}, hasCode: false },
      sort: null,
      warnings: [],
    });
    expect(text('   \t\n ')).toBeNull();
  });

  it('reads a quoted phrase, collapsing the spaces inside', () => {
    expect(text('"graph   neural" networks')).toEqual(and(phrase('graph neural'), term('networks')));
  });

  it('runs an unclosed quote to the end of the input, with a warning', () => {
    const q = parseSearchQuery('diffusion "score based models');
    expect(q.text).toEqual(and(term('diffusion'), phrase('score based models')));
    expect(q.warnings).toEqual(['A quote (") was not closed; it was closed at the end.']);
  });

  it('drops empty phrases', () => {
    expect(text('"" a "  "')).toEqual(term('a'));
    expect(text('""""""')).toBeNull();
  });

  it('splits words at quotes and parentheses', () => {
    expect(text('a"b c"d')).toEqual(and(term('a'), phrase('b c'), term('d')));
  });

  it('treats operators, filters and parentheses inside a phrase as text', () => {
    expect(text('"a OR (b) cat:cs.LG -c"')).toEqual(phrase('a OR (b) cat:cs.LG -c'));
  });

  it('treats emoji, non-Latin scripts and unknown prefixes as text', () => {
    expect(text('😀 機械学習 Ελληνικά')).toEqual(and(term('😀'), term('機械学習'), term('Ελληνικά')));
    expect(text('foo:bar http://x.org')).toEqual(and(term('foo:bar'), term('http://x.org')));
    expect(text('NEAR ^a {b} c* ,')).toEqual(
      and(term('NEAR'), term('^a'), term('{b}'), term('c*'), term(',')),
    );
  });
});

describe('parseSearchQuery: OR and grouping', () => {
  it('lets OR bind tighter than the implicit AND', () => {
    expect(text('a b OR c d')).toEqual(and(term('a'), or(term('b'), term('c')), term('d')));
    expect(text('diffusion OR flow')).toEqual(or(term('diffusion'), term('flow')));
    expect(text('a OR b OR c')).toEqual(or(term('a'), term('b'), term('c')));
  });

  it('treats lowercase "or" and "|" as words', () => {
    expect(text('a or b')).toEqual(and(term('a'), term('or'), term('b')));
    expect(text('a | b')).toEqual(and(term('a'), term('|'), term('b')));
  });

  it('groups with parentheses', () => {
    expect(text('(vision OR image) transformer')).toEqual(
      and(or(term('vision'), term('image')), term('transformer')),
    );
    expect(text('(a b) OR c')).toEqual(or(and(term('a'), term('b')), term('c')));
  });

  it('simplifies: single children collapse, nested ands and ors flatten', () => {
    expect(text('((a))')).toEqual(term('a'));
    expect(text('a (b (c d))')).toEqual(and(term('a'), term('b'), term('c'), term('d')));
    expect(text('(a OR b) OR c')).toEqual(or(term('a'), term('b'), term('c')));
    expect(text('(a (b c)) OR d')).toEqual(or(and(term('a'), term('b'), term('c')), term('d')));
  });

  it('accepts an explicit uppercase AND as the implicit one', () => {
    expect(text('a AND b')).toEqual(and(term('a'), term('b')));
    expect(text('a and b')).toEqual(and(term('a'), term('and'), term('b')));
  });

  it('ignores OR without both sides, with a warning', () => {
    const warning = 'OR needs something to look for on both sides; it was ignored.';
    for (const input of ['OR a', 'a OR', 'a OR )', '(OR) a']) {
      expect(text(input)).toEqual(term('a'));
      expect(warnings(input)).toContain(warning);
    }
    expect(text('a OR OR b')).toEqual(or(term('a'), term('b')));
  });

  it('ignores extra closing parentheses, with a warning', () => {
    const q = parseSearchQuery('a) b))');
    expect(q.text).toEqual(and(term('a'), term('b')));
    expect(q.warnings).toEqual(['An extra ")" was ignored.']);
  });

  it('closes missing parentheses at the end, with a warning', () => {
    const q = parseSearchQuery('((a OR b) c');
    expect(q.text).toEqual(and(or(term('a'), term('b')), term('c')));
    expect(q.warnings).toEqual(['A "(" was not closed; it was closed at the end.']);
  });

  it('flattens parentheses nested too deep instead of recursing', () => {
    const deep = `${'('.repeat(40)}a OR b${')'.repeat(40)} c`;
    const q = parseSearchQuery(deep);
    expect(q.text).toEqual(and(or(term('a'), term('b')), term('c')));
    expect(q.warnings).toEqual([`Parentheses nested more than ${MAX_QUERY_DEPTH} deep were ignored.`]);
    expect(parseSearchQuery(`${'('.repeat(20)}x`).text).toEqual(term('x'));
  });
});

describe('parseSearchQuery: exclusions', () => {
  it('excludes words, phrases and groups', () => {
    expect(text('transformer -survey')).toEqual(and(term('transformer'), not(term('survey'))));
    expect(text('llm -"large language"')).toEqual(and(term('llm'), not(phrase('large language'))));
    expect(text('a -(b c)')).toEqual(and(term('a'), not(and(term('b'), term('c')))));
    expect(text('a -(b OR c)')).toEqual(and(term('a'), not(or(term('b'), term('c')))));
  });

  it('accepts NOT as a spelling of "-"', () => {
    expect(text('a NOT b')).toEqual(and(term('a'), not(term('b'))));
    expect(text('a not b')).toEqual(and(term('a'), term('not'), term('b')));
  });

  it('keeps hyphens that do not start a word, and lone or doubled ones, as text', () => {
    expect(text('self-supervised')).toEqual(term('self-supervised'));
    expect(text('a - b')).toEqual(and(term('a'), term('-'), term('b')));
    expect(text('a --b')).toEqual(and(term('a'), term('--b')));
  });

  it('keeps exclusions in a group inside the surrounding AND', () => {
    expect(text('a (b -c)')).toEqual(and(term('a'), term('b'), not(term('c'))));
    expect(text('a (-c)')).toEqual(and(term('a'), not(term('c'))));
  });

  it('rejects a query that only excludes', () => {
    const message =
      'Add at least one word to look for: a query cannot consist only of exclusions such as -survey.';
    expect(errorOf('-survey')).toBe(message);
    expect(errorOf('-a -"b c" NOT d')).toBe(message);
    expect(errorOf('cat:cs.LG -survey')).toBe(message);
  });

  it('drops an exclusion used as one side of OR, with a warning', () => {
    const q = parseSearchQuery('x a OR -b');
    expect(q.text).toEqual(and(term('x'), term('a')));
    expect(q.warnings).toEqual(['An exclusion (-word) cannot be one side of OR; it was ignored.']);
    expect(text('(-a) OR b c')).toEqual(and(term('b'), term('c')));
  });

  it('drops an exclusion of an exclusion, with a warning', () => {
    const q = parseSearchQuery('a -(-b)');
    expect(q.text).toEqual(term('a'));
    expect(q.warnings).toEqual(['An exclusion inside an exclusion was ignored.']);
  });

  it('ignores a "-" or NOT with nothing after it, with a warning', () => {
    expect(text('a -')).toEqual(and(term('a'), term('-')));
    const q = parseSearchQuery('a NOT');
    expect(q.text).toEqual(term('a'));
    expect(q.warnings).toEqual(['"NOT" needs a word after it; it was ignored.']);
    expect(warnings('(a -)')).toEqual([]);
  });
});

describe('parseSearchQuery: fields', () => {
  it('restricts a word, a phrase or a group to a field', () => {
    expect(text('title:attention')).toEqual(term('attention', 'title'));
    expect(text('abstract:"zero shot"')).toEqual(phrase('zero shot', 'abstract'));
    expect(text('title:(a "b c" -d)')).toEqual(
      and(term('a', 'title'), phrase('b c', 'title'), not(term('d', 'title'))),
    );
    expect(text('title:(a OR b) c')).toEqual(and(or(term('a', 'title'), term('b', 'title')), term('c')));
  });

  it('maps author: and authors: to the authors field, case-insensitively', () => {
    expect(text('author:hinton')).toEqual(term('hinton', 'authors'));
    expect(text('Authors:lecun')).toEqual(term('lecun', 'authors'));
    expect(text('TITLE:x')).toEqual(term('x', 'title'));
  });

  it('lets a field inside a group win over the group field', () => {
    expect(text('title:(a author:b)')).toEqual(and(term('a', 'title'), term('b', 'authors')));
  });

  it('applies a field to the next item even after a space', () => {
    expect(text('title: attention')).toEqual(term('attention', 'title'));
  });

  it('combines with exclusion in either order', () => {
    expect(text('x -title:survey')).toEqual(and(term('x'), not(term('survey', 'title'))));
    expect(text('x title:-survey')).toEqual(and(term('x'), term('-survey', 'title')));
  });

  it('reads everything glued after a field as its text', () => {
    expect(text('title:cat:cs.LG')).toEqual(term('cat:cs.LG', 'title'));
    expect(text('title:OR')).toEqual(term('OR', 'title'));
  });

  it('ignores a field with nothing after it, with a warning', () => {
    const q = parseSearchQuery('a title:');
    expect(q.text).toEqual(term('a'));
    expect(q.warnings).toEqual(['"title:" needs a word after it; it was ignored.']);
  });

  it('does not make category: a text field', () => {
    expect(parseSearchQuery('category:cs.LG').filters.categories).toEqual(['cs.LG']);
  });
});

describe('parseSearchQuery: filters', () => {
  it('collects filters outside the text', () => {
    expect(parseSearchQuery('transformer cat:cs.LG has:code sort:new year:2024')).toEqual<ParsedQuery>({
      text: term('transformer'),
      filters: { categories: ['cs.LG'], dates: { start: '2024-01-01', end: '2024-12-31' }, hasCode: true },
      sort: 'newest',
      warnings: [],
    });
  });

  it('accepts category codes, archives and archive wildcards; repeated ones accumulate', () => {
    const q = parseSearchQuery('cat:cs.LG cat:math.* CAT:hep-th cat:cond-mat.mes-hall cat:cs.LG');
    expect(q.filters.categories).toEqual(['cs.LG', 'math.*', 'hep-th', 'cond-mat.mes-hall']);
    expect(q.text).toBeNull();
    expect(q.warnings).toEqual([]);
  });

  it("spells known categories arXiv's way", () => {
    expect(parseSearchQuery('cat:CS.lg cat:Stat.ml cat:"cs.AI"').filters.categories).toEqual([
      'cs.LG',
      'stat.ML',
      'cs.AI',
    ]);
  });

  it('keeps well-formed unknown categories, with a warning', () => {
    const q = parseSearchQuery('cat:cs.XY cat:foo.*');
    expect(q.filters.categories).toEqual(['cs.XY', 'foo.*']);
    expect(q.warnings).toEqual([
      'cat:cs.XY is not a known arXiv category.',
      'cat:foo.* is not a known arXiv archive.',
    ]);
  });

  it('rejects malformed categories, naming them', () => {
    for (const bad of ['cs.', 'cs.L1', '.LG', 'cs.LG.x', 'c$', 'cs.*x']) {
      expect(errorOf(`x cat:${bad}`)).toBe(
        `cat:${bad} is not an arXiv category; write it like cat:cs.LG or cat:cs.*.`,
      );
    }
    expect(errorOf('cat:')).toBe('cat: needs a value, for example cat:cs.LG.');
  });

  it('reads years and year ranges', () => {
    expect(parseSearchQuery('year:2020..2023').filters.dates).toEqual({
      start: '2020-01-01',
      end: '2023-12-31',
    });
    expect(parseSearchQuery('year:2020..').filters.dates).toEqual({ start: '2020-01-01' });
    expect(errorOf('year:24')).toBe('year:24 is not a year; write year:2024 or year:2020..2023.');
    expect(errorOf('year:2024-01')).toBe('year:2024-01 is not a year; write year:2024 or year:2020..2023.');
    expect(errorOf('year:2023..2020')).toBe('year:2023..2020 ends before it starts.');
    expect(errorOf('year:..')).toBe('year:.. is not a range; write it like year:2024.');
  });

  it('reads after: and before: as inclusive days, months or years', () => {
    expect(parseSearchQuery('after:2024-01-01 before:2024-06-30').filters.dates).toEqual({
      start: '2024-01-01',
      end: '2024-06-30',
    });
    expect(parseSearchQuery('after:2024-02').filters.dates).toEqual({ start: '2024-02-01' });
    expect(parseSearchQuery('before:2024-02').filters.dates).toEqual({ end: '2024-02-29' });
    expect(parseSearchQuery('Before:2023').filters.dates).toEqual({ end: '2023-12-31' });
  });

  it('reads date: as a period or a range open on either side', () => {
    expect(parseSearchQuery('date:2024-01..2024-03').filters.dates).toEqual({
      start: '2024-01-01',
      end: '2024-03-31',
    });
    expect(parseSearchQuery('date:2024-01..').filters.dates).toEqual({ start: '2024-01-01' });
    expect(parseSearchQuery('date:..2024-01-15').filters.dates).toEqual({ end: '2024-01-15' });
    expect(parseSearchQuery('date:2024-02').filters.dates).toEqual({
      start: '2024-02-01',
      end: '2024-02-29',
    });
  });

  it('intersects several date filters', () => {
    expect(parseSearchQuery('year:2024 after:2024-03-10 date:..2024-05').filters.dates).toEqual({
      start: '2024-03-10',
      end: '2024-05-31',
    });
    expect(errorOf('year:2024 before:2023-06')).toBe(
      'The date filters contradict each other: no day satisfies all of them.',
    );
  });

  it('rejects impossible or malformed dates, naming the value', () => {
    const hint = 'is not a valid date; write YYYY-MM-DD, YYYY-MM or YYYY.';
    expect(errorOf('after:2024-02-30')).toBe(`"2024-02-30" in after:2024-02-30 ${hint}`);
    expect(errorOf('before:2023-13')).toBe(`"2023-13" in before:2023-13 ${hint}`);
    expect(errorOf('date:2024-01..2024-1-5')).toBe(`"2024-1-5" in date:2024-01..2024-1-5 ${hint}`);
    expect(errorOf('after:0024-01-01')).toBe(`"0024-01-01" in after:0024-01-01 ${hint}`);
    expect(errorOf('after:yesterday')).toBe(`"yesterday" in after:yesterday ${hint}`);
    expect(errorOf('date:2024-03..2024-01')).toBe('date:2024-03..2024-01 ends before it starts.');
    expect(errorOf('date:2024...2025')).toBe(`".2025" in date:2024...2025 ${hint}`);
    expect(errorOf('date:2024..2025..2026')).toBe(
      'date:2024..2025..2026 is not a range; write it like date:2024-01..2024-03.',
    );
  });

  it('supports has:code only', () => {
    expect(parseSearchQuery('has:CODE').filters.hasCode).toBe(true);
    expect(errorOf('a has:pdf')).toBe('has:pdf is not supported; the only one is has:code.');
  });

  it('maps sort: values; the last one wins', () => {
    const sorts = ['new', 'newest', 'top', 'upvotes', 'relevance', 'NEW'].map(
      (s) => parseSearchQuery(`sort:${s}`).sort,
    );
    expect(sorts).toEqual(['newest', 'newest', 'upvotes', 'upvotes', 'relevance', 'newest']);
    const q = parseSearchQuery('sort:new a sort:top');
    expect(q.sort).toBe('upvotes');
    expect(q.warnings).toEqual(['Several sort: were given; the last one was used.']);
    expect(errorOf('sort:oldest')).toBe(
      'sort:oldest is not supported; use sort:new, sort:top or sort:relevance.',
    );
  });

  it('refuses to exclude a filter', () => {
    expect(errorOf('a -cat:cs.LG')).toBe('Filters cannot be excluded: remove the "-" before cat:cs.LG.');
    expect(errorOf('a NOT has:code')).toBe('Filters cannot be excluded: remove the "NOT" before has:code.');
  });

  it('applies filters found anywhere to the whole query', () => {
    const q = parseSearchQuery('(a cat:cs.LG) OR b');
    expect(q.text).toEqual(or(term('a'), term('b')));
    expect(q.filters.categories).toEqual(['cs.LG']);
    const alternatives = parseSearchQuery('a OR cat:cs.CV');
    expect(alternatives.text).toEqual(term('a'));
    expect(alternatives.warnings).toEqual([
      'Filters such as cat: apply to the whole query, not to one side of OR.',
    ]);
    expect(parseSearchQuery('cat:cs.LG OR cat:cs.CV').warnings).toEqual([]);
  });

  it('reads a filter only at the start of a word', () => {
    expect(text('xcat:cs.LG')).toEqual(term('xcat:cs.LG'));
  });
});

describe('parseSearchQuery: robustness', () => {
  it('strips control characters and collapses whitespace', () => {
    expect(text('gr\u0000aph\u0007 \t\n neural\u0085')).toEqual(and(term('graph'), term('neural')));
    expect(text('a\uD800b')).toEqual(term('ab')); // a lone surrogate
  });

  it('truncates long input, counting characters rather than UTF-16 units', () => {
    const q = parseSearchQuery('😀'.repeat(MAX_QUERY_LENGTH + 5));
    expect(q.text).toEqual(term('😀'.repeat(MAX_QUERY_LENGTH)));
    expect(q.warnings).toEqual([`Only the first ${MAX_QUERY_LENGTH} characters of the query were used.`]);
    expect(parseSearchQuery('😀'.repeat(MAX_QUERY_LENGTH)).warnings).toEqual([]);
  });

  it(`keeps at most ${MAX_QUERY_TERMS} words and phrases`, () => {
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`);
    const q = parseSearchQuery(words.join(' '));
    expect(q.text).toEqual(and(...words.slice(0, MAX_QUERY_TERMS).map((w) => term(w))));
    expect(q.warnings).toEqual([`Only the first ${MAX_QUERY_TERMS} words and phrases were used.`]);
  });

  it('parses 10 KB of hostile input in well under 50 ms', () => {
    const pieces = [
      '(',
      ')',
      '"',
      '-',
      '😀',
      'OR ',
      'title:',
      '-(',
      'a OR ',
      '"a',
      'a)',
      'cat:cs.* ',
      '\u0000',
    ];
    for (const piece of pieces) {
      const input = piece.repeat(Math.ceil(10_000 / piece.length));
      const started = performance.now();
      try {
        parseSearchQuery(input);
      } catch (e) {
        expect(e).toBeInstanceOf(QueryError);
      }
      expect(performance.now() - started, piece).toBeLessThan(50);
    }
  });
});

// Pieces of the syntax, so random strings hit the interesting paths far more often than chance.
const syntaxPiece = fc.constantFrom(
  ...'()"-:*^{},. '.split(''),
  ...'OR AND NOT or NEAR .. title: author: abstract: cat: cat:cs.LG cat:cs.* has:code sort:new'.split(' '),
  ...'year:2024 date:2024-01.. after:2024-02-30 a graph GPT-4 é 😀 機械'.split(' '),
  ' ',
  '\u0000',
  '\u0301',
  '\uD800',
);
const queryText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.array(syntaxPiece, { maxLength: 40 }).map((pieces) => pieces.join('')),
);

/** The invariants the compilers rely on. */
function checkTree(node: QueryNode, parent: QueryNode['type'] | null, depth: number): number {
  expect(depth).toBeLessThan(4 * MAX_QUERY_DEPTH);
  switch (node.type) {
    case 'term':
    case 'phrase':
      expect(node.value).not.toBe('');
      expect(node.value).not.toMatch(/[\p{Cc}\s]{2}|^\s|\s$/u);
      return 1;
    case 'not':
      expect(parent).toBe('and');
      return checkTree(node.child, 'not', depth + 1);
    case 'and':
    case 'or': {
      expect(node.children.length).toBeGreaterThan(1);
      expect(parent).not.toBe(node.type);
      if (node.type === 'and') expect(node.children.some((c) => c.type !== 'not')).toBe(true);
      return node.children.reduce((n, c) => n + checkTree(c, node.type, depth + 1), 0);
    }
  }
}

describe('parseSearchQuery: properties', () => {
  it('returns a well-formed query or throws QueryError, never anything else', () => {
    fc.assert(
      fc.property(queryText, (input) => {
        let parsed: ParsedQuery;
        try {
          parsed = parseSearchQuery(input);
        } catch (e) {
          expect(e).toBeInstanceOf(QueryError);
          expect((e as QueryError).message.length).toBeGreaterThan(0);
          return;
        }
        if (parsed.text) expect(checkTree(parsed.text, null, 0)).toBeLessThanOrEqual(MAX_QUERY_TERMS);
        expect(new Set(parsed.warnings).size).toBe(parsed.warnings.length);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a plain word as itself', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9]{0,15}$/), (word) => {
        expect(parseSearchQuery(word).text).toEqual(term(word));
      }),
    );
  });
});
