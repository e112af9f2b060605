import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { QueryNode, SearchField } from '../domain/search-query.ts';
import { MAX_QUERY_DEPTH, parseSearchQuery, QueryError } from '../domain/search-query.ts';
import {
  categoryFilterMatch,
  fts5Tokens,
  looseMatch,
  matchBound,
  matchShape,
  shapeLeaves,
  shapePhrases,
  toFts5AnyMatch,
  toFts5Match,
} from './fts5-query.ts';

const term = (value: string, field: SearchField | null = null): QueryNode => ({ type: 'term', value, field });
const phrase = (value: string, field: SearchField | null = null): QueryNode => ({
  type: 'phrase',
  value,
  field,
});
const and = (...children: QueryNode[]): QueryNode => ({ type: 'and', children });
const or = (...children: QueryNode[]): QueryNode => ({ type: 'or', children });
const not = (child: QueryNode): QueryNode => ({ type: 'not', child });

/** The match expression for what a reader typed. */
function compiled(input: string, compile = toFts5Match): string | null {
  const { text } = parseSearchQuery(input);
  return text === null ? null : compile(text);
}

// The real thing: the same columns and tokenizer as the paper_fts table.
const db = new Database(':memory:');
db.exec(`CREATE VIRTUAL TABLE t USING fts5(title, abstract, authors, categories,
  tokenize='porter unicode61 remove_diacritics 2')`);
const ROWS: [number, string, string, string, string][] = [
  [
    1,
    'GPT-4 Technical Report',
    'We report the development of GPT-4, a large multimodal model.',
    'OpenAI',
    'cs.CL',
  ],
  [2, 'Graph Neural Networks: A Survey', 'A survey of graph neural network methods.', 'Jie Zhou', 'cs.LG'],
  [3, 'Neural graph embeddings', 'BERT based encoders for neural graph data.', 'Ana Silva', 'cs.LG'],
  [4, 'Attention Is All You Need', 'The transformer, based solely on attention.', 'Ashish Vaswani', 'cs.CL'],
  [5, 'Sparse mixtures', 'We pay attention to routing; a survey follows.', 'Noam Shazeer', 'cs.LG'],
  [6, 'Café crème', 'A naïve study of 3D shapes.', 'Geoffrey Hinton', 'cs.CV'],
];
const insert = db.prepare(
  'INSERT INTO t(rowid, title, abstract, authors, categories) VALUES (?, ?, ?, ?, ?)',
);
for (const row of ROWS) insert.run(...row);
const select = db.prepare<[string], { rowid: number }>('SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid');
afterAll(() => db.close());

function rows(match: string | null): number[] {
  if (match === null) throw new Error('nothing to match');
  return select.all(match).map((r) => r.rowid);
}

describe('fts5Tokens', () => {
  it('splits like unicode61: on everything that is not a letter or a number', () => {
    expect(fts5Tokens('GPT-4')).toEqual(['GPT', '4']);
    expect(fts5Tokens('BERT-based')).toEqual(['BERT', 'based']);
    expect(fts5Tokens('3D')).toEqual(['3D']);
    expect(fts5Tokens('foo:bar/baz_qux')).toEqual(['foo', 'bar', 'baz', 'qux']);
    expect(fts5Tokens('機械学習 Ελληνικά')).toEqual(['機械学習', 'Ελληνικά']);
  });

  it('finds no tokens in punctuation, symbols and emoji', () => {
    expect(fts5Tokens('😀 ... "*" ^{} —')).toEqual([]);
  });

  it('keeps a letter typed with a combining accent in one token', () => {
    expect(fts5Tokens('cafe\u0301')).toEqual(['café']);
  });
});

describe('toFts5Match', () => {
  it('quotes every word and joins its tokens into one phrase', () => {
    expect(toFts5Match(term('GPT-4'))).toBe('"GPT 4"');
    expect(toFts5Match(term('BERT-based'))).toBe('"BERT based"');
    expect(toFts5Match(term('3D'))).toBe('"3D"');
    expect(toFts5Match(phrase('graph neural'))).toBe('"graph neural"');
  });

  it('never lets FTS5 operators or quotes through', () => {
    expect(toFts5Match(term('a"b'))).toBe('"a b"');
    expect(compiled('NEAR(a b) ^c d* {title}:e')).toBe(
      '("NEAR" AND "a" AND "b" AND "c" AND "d" AND "title e")',
    );
    expect(compiled('"a" OR "b" AND "c"')).toBe('(("a" OR "b") AND "c")');
  });

  it('compiles AND, OR and NOT, parenthesising every compound part', () => {
    expect(compiled('a b')).toBe('("a" AND "b")');
    expect(compiled('a OR b')).toBe('("a" OR "b")');
    expect(compiled('(vision OR image) transformer -survey -"large language"')).toBe(
      '((("vision" OR "image") AND "transformer") NOT "survey" NOT "large language")',
    );
    expect(compiled('a -(b OR c)')).toBe('("a" NOT ("b" OR "c"))');
    expect(compiled('(a -b) OR c')).toBe('(("a" NOT "b") OR "c")');
  });

  it('turns fields into column filters', () => {
    expect(compiled('title:attention')).toBe('title : "attention"');
    expect(compiled('author:hinton abstract:"zero shot"')).toBe(
      '(authors : "hinton" AND abstract : "zero shot")',
    );
    expect(toFts5Match(term('cs', 'categories'))).toBe('categories : "cs"');
  });

  it('drops words with nothing to search, and the operators left empty by that', () => {
    expect(compiled('😀 attention')).toBe('"attention"');
    expect(compiled('a (!!! OR ...)')).toBe('"a"');
    expect(compiled('a -😀')).toBe('"a"');
    expect(compiled('😀 ...')).toBeNull();
    expect(compiled('😀 -survey')).toBeNull();
    expect(toFts5Match(and())).toBeNull();
    expect(toFts5Match(or())).toBeNull();
  });

  it('ignores an exclusion outside an AND, which the parser never produces', () => {
    expect(toFts5Match(not(term('a')))).toBeNull();
    expect(toFts5Match(or(term('a'), not(term('b'))))).toBe('"a"');
  });
});

describe('toFts5AnyMatch', () => {
  it('ORs every positive word and phrase, keeping fields and the top-level exclusions', () => {
    expect(compiled('a "b c" (d OR title:e) -f', toFts5AnyMatch)).toBe(
      '(("a" OR "b c" OR "d" OR title : "e") NOT "f")',
    );
  });

  it('lists each alternative once and never offers an excluded word as one', () => {
    expect(compiled('a a -(b c)', toFts5AnyMatch)).toBe('("a" NOT ("b" AND "c"))');
    expect(compiled('(a -b) OR c', toFts5AnyMatch)).toBe('("a" OR "c")');
  });

  it('is the query itself for a single word, and null when nothing is searchable', () => {
    expect(compiled('transformer', toFts5AnyMatch)).toBe('"transformer"');
    expect(compiled('😀 -a', toFts5AnyMatch)).toBeNull();
  });
});

describe('the compiled queries in SQLite FTS5', () => {
  it('finds GPT-4 written with a hyphen', () => {
    expect(rows(compiled('GPT-4'))).toEqual([1]);
    expect(rows(compiled('gpt4'))).toEqual([]);
  });

  it('matches a phrase only in order', () => {
    expect(rows(compiled('"graph neural"'))).toEqual([2]);
    expect(rows(compiled('"neural graph"'))).toEqual([3]);
    expect(rows(compiled('graph neural'))).toEqual([2, 3]);
  });

  it('excludes', () => {
    expect(rows(compiled('graph neural -survey'))).toEqual([3]);
    expect(rows(compiled('attention -"pay attention"'))).toEqual([4]);
    expect(rows(compiled('neural -survey -bert'))).toEqual([]);
  });

  it('restricts a field to its column', () => {
    expect(rows(compiled('attention'))).toEqual([4, 5]);
    expect(rows(compiled('title:attention'))).toEqual([4]);
    expect(rows(compiled('author:hinton'))).toEqual([6]);
    expect(rows(compiled('title:hinton'))).toEqual([]);
  });

  it('matches a hyphenated word against the same words with a space', () => {
    expect(rows(compiled('BERT-based'))).toEqual([3]);
  });

  it('leaves case, accents and word endings to the tokenizer', () => {
    expect(rows(compiled('CAFE naive'))).toEqual([6]);
    expect(rows(compiled('3d'))).toEqual([6]);
    expect(rows(compiled('networks'))).toEqual([2]);
  });

  it('combines OR with AND as the parser grouped them', () => {
    expect(rows(compiled('transformer OR gpt'))).toEqual([1, 4]);
    expect(rows(compiled('report OR survey graph'))).toEqual([2]);
  });

  it('relaxes an AND query with toFts5AnyMatch, still excluding', () => {
    expect(rows(compiled('gpt transformer routing'))).toEqual([]);
    expect(rows(compiled('gpt transformer routing -survey', toFts5AnyMatch))).toEqual([1, 4]);
  });

  it('accepts the largest queries the parser produces', () => {
    const exclusions = parseSearchQuery(
      `a ${Array.from({ length: 70 }, (_, i) => `-x${i}`).join(' ')}`,
    ).text!;
    let nested = 'z';
    for (let i = 0; i < MAX_QUERY_DEPTH + 4; i++) nested = `(w${i} ${i % 2 ? 'OR' : '-'}${nested})`;
    const deep = parseSearchQuery(`${nested} -(a (b OR -c))`).text!;
    for (const node of [exclusions, deep]) {
      expect(() => rows(toFts5Match(node))).not.toThrow();
      expect(() => rows(toFts5AnyMatch(node))).not.toThrow();
    }
  });
});

// Pieces of both syntaxes, so random strings hit the interesting paths far more often than chance.
const syntaxPiece = fc.constantFrom(
  ...'()"-:*^{},.+\' '.split(''),
  ...'OR AND NOT or NEAR NEAR/2 "" title: author: abstract: cat: cat:cs.LG year:2024 has:code'.split(' '),
  ...'sort:top a graph GPT-4 é 😀 機械'.split(' '),
  ' ',
  '\u0000',
  '\u0301',
  '\u19B0',
  '\uE000',
);
const queryText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.array(syntaxPiece, { maxLength: 40 }).map((pieces) => pieces.join('')),
  fc
    .array(fc.oneof(syntaxPiece, fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 20 })
    .map((p) => p.join(' ')),
);

/** Outside its quoted strings, a compiled expression holds only what this module writes. */
const OUTSIDE_QUOTES = /^(?:[() :]|AND|OR|NOT|title|abstract|authors|categories)*$/;

function checkAccepted(match: string | null): void {
  if (match === null) return;
  expect(match.replace(/"(?:[^"]|"")*"/g, '')).toMatch(OUTSIDE_QUOTES);
  expect(() => select.all(match)).not.toThrow();
}

describe('properties', () => {
  it('would notice a rejected expression (the check below is not vacuous)', () => {
    expect(() => select.all('"a" AND')).toThrow(/fts5: syntax error/);
    expect(() => select.all('NEAR("a" "b", x)')).toThrow();
  });

  it('compiles every parsed query into null or an expression SQLite FTS5 accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(queryText, (input) => {
        let text: QueryNode | null;
        try {
          text = parseSearchQuery(input).text;
        } catch (e) {
          expect(e).toBeInstanceOf(QueryError);
          return;
        }
        if (text === null) return;
        checkAccepted(toFts5Match(text));
        checkAccepted(toFts5AnyMatch(text));
        accepted++;
      }),
      { numRuns: 2500 },
    );
    expect(accepted).toBeGreaterThan(1000); // the property did exercise SQLite
  });

  it('compiles any tree, even ones the parser never builds, into null or valid FTS5', () => {
    const { node } = fc.letrec<{ node: QueryNode; leaf: QueryNode; group: QueryNode; not: QueryNode }>(
      (tie) => ({
        node: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('group'), tie('not')),
        leaf: fc.record({
          type: fc.constantFrom('term' as const, 'phrase' as const),
          value: fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), syntaxPiece),
          field: fc.constantFrom(
            null,
            'title' as const,
            'abstract' as const,
            'authors' as const,
            'categories' as const,
          ),
        }),
        group: fc.record({
          type: fc.constantFrom('and' as const, 'or' as const),
          children: fc.array(tie('node'), { maxLength: 4 }),
        }),
        not: fc.record({ type: fc.constant('not' as const), child: tie('node') }),
      }),
    );
    fc.assert(
      fc.property(node, (tree) => {
        checkAccepted(toFts5Match(tree));
        checkAccepted(toFts5AnyMatch(tree));
      }),
      { numRuns: 1000 },
    );
  });

  it('finds every indexed word when searched on its own', () => {
    const words = [...new Set(ROWS.flatMap((row) => row.slice(1).flatMap((v) => fts5Tokens(String(v)))))];
    fc.assert(
      fc.property(fc.constantFrom(...words), (word) => {
        expect(rows(compiled(word)).length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('matchShape and matchBound', () => {
  it('reads compiled expressions back', () => {
    expect(matchShape('"the"')).toEqual({ type: 'leaf', text: '"the"' });
    expect(matchShape('("a" AND title : "b c")')).toEqual({
      type: 'and',
      children: [
        { type: 'leaf', text: '"a"' },
        { type: 'leaf', text: 'title : "b c"' },
      ],
    });
    expect(matchShape('(("a" OR "b""c") NOT "d")')).toEqual({
      type: 'not',
      positive: {
        type: 'or',
        children: [
          { type: 'leaf', text: '"a"' },
          { type: 'leaf', text: '"b""c"' },
        ],
      },
      excluded: [{ type: 'leaf', text: '"d"' }],
    });
    expect(matchShape('{title abstract} : ("x" OR "y")')).toEqual({
      type: 'or',
      children: [
        { type: 'leaf', text: '{title abstract} : "x"' },
        { type: 'leaf', text: '{title abstract} : "y"' },
      ],
    });
  });

  it('refuses what this module never writes', () => {
    for (const text of [
      '("a" AND',
      'NEAR("a" "b")',
      'title : title : "a"',
      '"a" "b"',
      '("a" AND "b" OR "c")',
      'a*',
      '',
    ]) {
      expect(matchShape(text), text).toBeNull();
    }
  });

  it('bounds the number of matching rows from per-phrase counts', () => {
    const shape = matchShape('((("a" OR "b") AND "c") NOT "d")')!;
    const counts: Record<string, number> = { '"a"': 5, '"b"': 7, '"c"': 20, '"d"': 1 };
    expect(matchBound(shape, (leaf) => counts[leaf]!)).toBe(12);
    expect([...shapeLeaves(shape)]).toEqual(['"a"', '"b"', '"c"']);
    expect(shapePhrases(matchShape('(("a" AND "b") NOT "a" NOT title : "c")')!)).toEqual([
      '"a"',
      '"b"',
      '"a"',
      'title : "c"',
    ]);
  });

  it('never bounds below what FTS5 matches, for any query', () => {
    const pieces = [
      'graph',
      'neural',
      'attention',
      'survey',
      '-survey',
      'OR',
      '(',
      ')',
      'title:graph',
      'author:hinton',
    ];
    const word = fc.constantFrom(
      ...pieces,
      '"graph neural"',
      'GPT-4',
      'a',
      'the',
      'cs.LG',
      'abstract:"neural graph"',
    );
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), (words) => {
        let text: QueryNode | null;
        try {
          text = parseSearchQuery(words.join(' ')).text;
        } catch (err) {
          if (err instanceof QueryError) return; // only exclusions
          throw err;
        }
        if (text === null) return;
        for (const match of [toFts5Match(text), toFts5AnyMatch(text)]) {
          if (match === null) continue;
          const shape = matchShape(match);
          expect(shape, match).not.toBeNull();
          expect(
            matchBound(shape!, (leaf) => rows(leaf).length),
            match,
          ).toBeGreaterThanOrEqual(rows(match).length);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('categoryFilterMatch', () => {
  it('matches each code by its words on the categories column, any of them', () => {
    expect(categoryFilterMatch([])).toBeNull();
    expect(categoryFilterMatch(['cs.LG'])).toBe('(categories : "cs LG")');
    expect(categoryFilterMatch(['cs.*', 'hep-th', 'cs.LG'])).toBe(
      '(categories : "cs" OR categories : "hep th" OR categories : "cs LG")',
    );
    expect(categoryFilterMatch(['cs.*', 'cs'])).toBe('(categories : "cs")');
    expect(categoryFilterMatch(['cs.LG', '😀'])).toBeNull(); // a code without words: no narrowing
  });

  it('keeps every paper of the categories (a superset: cs.* also finds what only names cs)', () => {
    expect(rows(categoryFilterMatch(['cs.LG']))).toEqual([2, 3, 5]);
    expect(rows(categoryFilterMatch(['cs.CL', 'cs.CV']))).toEqual([1, 4, 6]);
    expect(rows(categoryFilterMatch(['cs.*']))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows(`"attention" AND ${categoryFilterMatch(['cs.LG'])}`)).toEqual([5]);
  });
});

describe('looseMatch', () => {
  it('turns positive phrases into ANDs of their words, keeping columns and exclusions', () => {
    expect(looseMatch('"of the"')).toBe('("of" AND "the")');
    expect(looseMatch('title : "graph neural"')).toBe('(title : "graph" AND title : "neural")');
    expect(looseMatch('(("a b" OR "c") NOT "d e")')).toBe('((("a" AND "b") OR "c") NOT "d e")');
    expect(looseMatch('{title abstract} : ("x y" OR "z")')).toBe(
      '(({title abstract} : "x" AND {title abstract} : "y") OR {title abstract} : "z")',
    );
  });

  it('is null when nothing would change or the expression is not ours', () => {
    expect(looseMatch('"the"')).toBeNull();
    expect(looseMatch('("a" AND title : "b")')).toBeNull();
    expect(looseMatch('NEAR("a" "b")')).toBeNull();
  });

  it('matches everything the expression matches', () => {
    for (const input of ['"graph neural"', '"graph neural" -routing', '"based on" OR "graph neural"']) {
      const match = compiled(input)!;
      const loose = looseMatch(match)!;
      expect(rows(loose), input).toEqual(expect.arrayContaining(rows(match)));
      expect(rows(loose).length, input).toBeGreaterThan(rows(match).length);
    }
  });
});
