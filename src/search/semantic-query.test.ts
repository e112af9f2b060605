import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../domain/search-query.ts';
import { toFts5Exclusions } from './fts5-query.ts';
import { semanticQueryText } from './semantic-query.ts';

const text = (q: string) => semanticQueryText(parseSearchQuery(q).text);

describe('which queries get a semantic side', () => {
  it('embeds the words and phrases a reader is looking for', () => {
    expect(text('graph neural networks')).toBe('graph neural networks');
    expect(text('diffusion OR flow -survey cat:cs.LG year:2024')).toBe('diffusion flow');
    expect(text('"contrastive loss" large batch')).toBe('contrastive loss large batch');
    expect(text('(vision OR image) transformer -"large language"')).toBe('vision image transformer');
  });

  it('stays lexical for filter-only, phrase-only and field-restricted queries', () => {
    expect(text('cat:cs.LG has:code')).toBeNull();
    expect(text('"Near Infinite"')).toBeNull();
    expect(text('title:attention')).toBeNull();
    expect(text('transformer author:vaswani')).toBeNull();
    // An excluded field does not restrict what is searched for.
    expect(text('transformer -author:vaswani')).toBe('transformer');
  });
});

describe('exclusions for results found outside FTS5', () => {
  it('matches any top-level exclusion', () => {
    expect(toFts5Exclusions(parseSearchQuery('quark -gluon -"lattice qcd"').text!)).toBe(
      '("gluon" OR "lattice qcd")',
    );
    expect(toFts5Exclusions(parseSearchQuery('quark -author:smith').text!)).toBe('authors : "smith"');
    expect(toFts5Exclusions(parseSearchQuery('quark gluon').text!)).toBeNull();
  });
});
