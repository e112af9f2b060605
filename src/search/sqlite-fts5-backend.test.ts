// The fast paths of the FTS5 backend against the exhaustive one, on a generated corpus (the search
// benchmark's generator and query log, scaled down): newest-first by date walk must give exactly
// the rows of the match-driven plan, ordinary queries exactly the exhaustive BM25 ranking, and broad
// queries exactly the BM25 ranking of their newest matches (the documented approximation).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpusModel, generatePapers, toRecord } from '../../bench/corpus-generator.ts';
import type { CorpusModel } from '../../bench/corpus-generator.ts';
import { queryLog } from '../../bench/search-bench.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { openDatabase } from '../db/database.ts';
import { PaperRepository } from '../db/repositories/paper-repository.ts';
import { categoryName } from '../domain/arxiv-taxonomy.ts';
import type { SearchFilters, SearchSort } from '../domain/search-query.ts';
import { parseSearchQuery } from '../domain/search-query.ts';
import { toFts5AnyMatch, toFts5Match } from './fts5-query.ts';
import { DEFAULT_WEIGHTS } from './search-backend.ts';
import { SqliteFts5Backend } from './sqlite-fts5-backend.ts';

const PAPERS = 3000;
const WINDOW = 150;

let handle: DatabaseHandle;
let exhaustive: SqliteFts5Backend;
let windowed: SqliteFts5Backend;
let rowids: Map<string, number>;
const methodNames: string[] = [];
let allCases: Case[];

beforeAll(async () => {
  handle = await openDatabase({ kind: 'sqlite', file: ':memory:' });
  const model = buildCorpusModel();
  const records = [];
  for (const p of generatePapers(model, PAPERS)) {
    if (p.methodName && methodNames.length < 200) methodNames.push(p.methodName);
    records.push(toRecord(p));
  }
  await new PaperRepository(handle).upsertMany(records, '2026-11-27T00:00:00.000Z');
  exhaustive = new SqliteFts5Backend(handle.db, DEFAULT_WEIGHTS, categoryName, () => {}, {
    rankWindow: Number.MAX_SAFE_INTEGER - 1,
    nativeBm25: false,
  });
  windowed = new SqliteFts5Backend(handle.db, DEFAULT_WEIGHTS, categoryName, () => {}, {
    rankWindow: WINDOW,
  });
  expect(await exhaustive.rebuild()).toBe(PAPERS);
  const { rows } = await sql<{ id: string; rid: number }>`SELECT id, rowid AS rid FROM papers`.execute(
    handle.db,
  );
  rowids = new Map(rows.map((r) => [r.id, r.rid]));
  allCases = casesOf(model);
}, 120_000);

afterAll(async () => {
  await handle.close();
});

interface Case {
  query: string;
  match: string;
  filters: SearchFilters;
}

/** Every match expression the search service would send for the bench's query log. */
function casesOf(model: CorpusModel): Case[] {
  const out: Case[] = [];
  for (const { query } of queryLog(model, methodNames)) {
    const parsed = parseSearchQuery(query);
    if (!parsed.text) continue;
    for (const match of [toFts5Match(parsed.text), toFts5AnyMatch(parsed.text)]) {
      if (match !== null && !out.some((c) => c.match === match && c.query === query)) {
        out.push({ query, match, filters: parsed.filters });
      }
    }
  }
  return out;
}

async function ids(backend: SqliteFts5Backend, c: Case, sort: SearchSort, limit = 21): Promise<string[]> {
  const hits = await backend.search({ match: c.match, filters: c.filters, sort, limit, offset: 0 });
  return hits.map((h) => h.paperId);
}

async function matchRowids(match: string): Promise<number[]> {
  const { rows } = await sql<{ rid: number }>`
    SELECT rowid AS rid FROM paper_fts WHERE paper_fts MATCH ${match} ORDER BY rowid DESC`.execute(handle.db);
  return rows.map((r) => r.rid);
}

describe('SqliteFts5Backend fast paths', () => {
  it('has pb_bm25 loaded, scoring exactly as bm25() with the counts FTS5 would make', async () => {
    const { rows } = await sql<{ a: number; b: number }>`
      SELECT bm25(paper_fts, 4, 1, 2, 1) AS a, pb_bm25(paper_fts, 4, 1, 2, 1) AS b
      FROM paper_fts WHERE paper_fts MATCH ${'("model" OR title : "the") NOT "zeta"'}`.execute(handle.db);
    expect(rows.length).toBeGreaterThan(100);
    for (const r of rows) expect(r.b).toBe(r.a);
    for (const c of allCases.slice(0, 80)) {
      const query = { match: c.match, filters: c.filters, sort: 'relevance' as const, limit: 21, offset: 0 };
      const bigWindow = new SqliteFts5Backend(handle.db, DEFAULT_WEIGHTS, categoryName, () => {}, {
        rankWindow: Number.MAX_SAFE_INTEGER - 1,
      });
      expect(await bigWindow.search(query), c.query).toEqual(await exhaustive.search(query));
    }
  });

  it('has queries on both sides of the window', async () => {
    const sizes = await Promise.all(allCases.map(async (c) => (await matchRowids(c.match)).length));
    expect(sizes.filter((n) => n > WINDOW).length).toBeGreaterThan(20);
    expect(sizes.filter((n) => n > 0 && n <= WINDOW).length).toBeGreaterThan(20);
  });

  it('lists newest first exactly as the match-driven plan does', async () => {
    for (const c of allCases) {
      expect(await ids(windowed, c, 'newest'), c.query).toEqual(await ids(exhaustive, c, 'newest'));
    }
  });

  it('ranks queries with at most a window of matches exactly as before', async () => {
    let checked = 0;
    for (const c of allCases) {
      if ((await matchRowids(c.match)).length > WINDOW) continue;
      expect(await ids(windowed, c, 'relevance'), c.query).toEqual(await ids(exhaustive, c, 'relevance'));
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('ranks broad queries by BM25 over their newest matches, widening when filters leave too few', async () => {
    let checked = 0;
    for (const c of allCases) {
      const all = await matchRowids(c.match);
      if (all.length <= WINDOW) continue;
      if (c.filters.dates.start || c.filters.dates.end) {
        // Date ranges rank every match.
        expect(await ids(windowed, c, 'relevance'), c.query).toEqual(await ids(exhaustive, c, 'relevance'));
        continue;
      }
      // The oracle: the full BM25 ranking (every match passing the filters), cut to the window.
      const ranking = await ids(exhaustive, c, 'relevance', all.length);
      let expected: string[] = [];
      for (let size = WINDOW; ; size *= 4) {
        const from = all[size - 1];
        expected = ranking.filter((id) => from === undefined || rowids.get(id)! >= from).slice(0, 21);
        if (from === undefined || expected.length >= 21) break;
      }
      expect(await ids(windowed, c, 'relevance'), c.query).toEqual(expected);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('sorts by upvotes exactly as before', async () => {
    for (const c of allCases.slice(0, 60)) {
      expect(await ids(windowed, c, 'upvotes'), c.query).toEqual(await ids(exhaustive, c, 'upvotes'));
    }
  });

  it('finds papers indexed after their words were counted', async () => {
    const c: Case = {
      query: 'x',
      match: '"zyxwquanta"',
      filters: { categories: [], dates: {}, hasCode: false },
    };
    expect(await ids(windowed, c, 'relevance')).toEqual([]);
    const id = [...rowids.keys()][0]!;
    await handle.db.updateTable('papers').set({ title: 'Zyxwquanta' }).where('id', '=', id).execute();
    await windowed.indexPapers([id]);
    expect(await ids(windowed, c, 'relevance')).toEqual([id]);
  });

  it('counts again after another connection changes the index, so scores stay exact', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-fts5-stats-'));
    const [a, b] = [
      await openDatabase({ kind: 'sqlite', file: path.join(dir, 'db.sqlite') }),
      await openDatabase({ kind: 'sqlite', file: path.join(dir, 'db.sqlite') }),
    ];
    try {
      const writer = new SqliteFts5Backend(b.db, DEFAULT_WEIGHTS, categoryName);
      const native = new SqliteFts5Backend(a.db, DEFAULT_WEIGHTS, categoryName);
      const reference = new SqliteFts5Backend(a.db, DEFAULT_WEIGHTS, categoryName, () => {}, {
        nativeBm25: false,
      });
      const add = async (from: number, n: number) => {
        const records = [...generatePapers(buildCorpusModel(), from + n)].slice(from).map(toRecord);
        await new PaperRepository(b).upsertMany(records, '2026-11-27T00:00:00.000Z');
        await writer.indexPapers(records.map((r) => r.record.arxivId));
      };
      const page = {
        match: '("model" OR "quantum")',
        filters: { categories: [], dates: {}, hasCode: false },
        sort: 'relevance' as const,
        limit: 10,
        offset: 0,
      };
      await add(0, 100);
      expect(await native.search(page)).toEqual(await reference.search(page));
      await add(100, 200); // by the other connection: the counts cached on `a` are stale now
      const after = await native.search(page);
      expect(after).toEqual(await reference.search(page));
      expect(after.length).toBe(10);
    } finally {
      await a.close();
      await b.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a window that is not a positive whole number', () => {
    expect(
      () => new SqliteFts5Backend(handle.db, DEFAULT_WEIGHTS, categoryName, () => {}, { rankWindow: 0 }),
    ).toThrow(RangeError);
  });
});
