// The fast paths of the FTS5 backend against the exhaustive one, on a generated corpus (the search
// benchmark's generator and query log, scaled down): newest-first by date walk must give exactly
// the rows of the match-driven plan, queries with at most a window of candidates (matches of their
// words and cat: filters, within their date range) exactly the exhaustive BM25 ranking, and broad
// queries exactly the BM25 ranking of their newest candidates (the documented approximation).
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
import { addDays } from '../domain/periods.ts';
import { categoryFilterMatch, looseMatch, matchShape, toFts5AnyMatch, toFts5Match } from './fts5-query.ts';
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
  // The log's date filters go with rarer words; these are broad within their date range too.
  const broadDated = [
    'the year:2015..2026',
    'model after:2020-01-01',
    'the cat:cs.* year:2018..2026',
    'data has:code year:2012..2026',
  ];
  for (const query of [...queryLog(model, methodNames).map((q) => q.query), ...broadDated]) {
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

/**
 * The query's candidates, newest first: its words (or, `loose`, their looser form) with its cat:
 * filters as phrases, within the rowids of the papers in its date range.
 */
async function candidateRowids(c: Case, loose = false): Promise<number[]> {
  const filter = categoryFilterMatch(c.filters.categories);
  const text = loose ? (looseMatch(c.match) ?? c.match) : c.match;
  const { start, end } = c.filters.dates;
  const { rows: spans } = await sql<{ first: number | null; last: number | null }>`
    SELECT min(rowid) AS first, max(rowid) AS last FROM papers
    WHERE submitted_at >= ${start ?? ''} AND submitted_at < ${end ? addDays(end, 1) : '9'}`.execute(
    handle.db,
  );
  const rids = await matchRowids(filter === null ? text : `${text} AND ${filter}`);
  return rids.filter((r) => r >= (spans[0]!.first ?? Infinity) && r <= (spans[0]!.last ?? -Infinity));
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
    // A window of 1 makes every query with more than one match try the walk by date, which for
    // matches among older papers only ends before the page is full and gives way to the listing.
    const walking = new SqliteFts5Backend(handle.db, DEFAULT_WEIGHTS, categoryName, () => {}, {
      rankWindow: 1,
    });
    for (const c of allCases) {
      const expected = await ids(exhaustive, c, 'newest');
      expect(await ids(windowed, c, 'newest'), c.query).toEqual(expected);
      expect(await ids(walking, c, 'newest'), c.query).toEqual(expected);
    }
  });

  it('ranks queries with at most a window of candidates exactly as before', async () => {
    let [checked, filtered, narrowed] = [0, 0, 0];
    for (const c of allCases) {
      if ((await candidateRowids(c)).length > WINDOW) continue;
      expect(await ids(windowed, c, 'relevance'), c.query).toEqual(await ids(exhaustive, c, 'relevance'));
      checked++;
      const f = c.filters;
      if (f.categories.length > 0 || f.dates.start || f.dates.end) filtered++;
      // Broad by their words alone, but not once the filters narrow the walk.
      if ((await matchRowids(c.match)).length > WINDOW) narrowed++;
    }
    expect(checked).toBeGreaterThan(20);
    expect(filtered).toBeGreaterThan(10);
    expect(narrowed).toBeGreaterThan(3);
  });

  it('ranks broad queries by BM25 over their newest candidates, widening when filters leave too few', async () => {
    let [checked, dated, loose] = [0, 0, 0];
    for (const c of allCases) {
      const all = await candidateRowids(c);
      if (all.length <= WINDOW) continue;
      // A single phrase without filters finds where its window starts by its words alone.
      const f = c.filters;
      const single =
        matchShape(c.match)?.type === 'leaf' && f.categories.length === 0 && !f.dates.start && !f.dates.end;
      const starts = single ? await candidateRowids(c, true) : all;
      if (starts.length > all.length) loose++;
      // The oracle: the full BM25 ranking (every match passing the filters), cut to the window.
      const ranking = await ids(exhaustive, c, 'relevance', all.length);
      let expected: string[] = [];
      for (let size = WINDOW; ; size *= 4) {
        const from = (all.length > size ? starts : all)[size - 1];
        expected = ranking.filter((id) => from === undefined || rowids.get(id)! >= from).slice(0, 21);
        if (from === undefined || expected.length >= 21) break;
      }
      expect(await ids(windowed, c, 'relevance'), c.query).toEqual(expected);
      checked++;
      if (f.dates.start || f.dates.end) dated++;
    }
    expect(checked).toBeGreaterThan(20);
    expect(dated).toBeGreaterThan(2);
    expect(loose).toBeGreaterThan(0);
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

  it('gives the phrases of a cat: filter no score in pb_bm25 (count -1), so scores stay those of the words', async () => {
    const filter = categoryFilterMatch(['cs.LG', 'math.*'])!;
    const { rows } = await sql<{ rid: number; a: number; b: number | null }>`
      SELECT w.rowid AS rid, bm25(paper_fts, 4, 1, 2, 1) AS a,
        (SELECT pb_bm25(paper_fts, 4, 1, 2, 1, NULL, NULL, -1, -1) FROM paper_fts
         WHERE paper_fts MATCH ${`("model" OR title : "learning") AND ${filter}`} AND rowid = w.rowid) AS b
      FROM paper_fts w WHERE paper_fts MATCH ${'("model" OR title : "learning")'}`.execute(handle.db);
    const kept = rows.filter((r) => r.b !== null);
    expect(kept.length).toBeGreaterThan(50);
    expect(kept.length).toBeLessThan(rows.length);
    for (const r of kept) expect(r.b, String(r.rid)).toBe(r.a);
  });

  it('finds every paper of a date range when rowids do not follow dates', async () => {
    // Move every 7th paper to another year: the date range's rowids then span most of the table.
    const moved = [...rowids.keys()].filter((_, i) => i % 7 === 0);
    for (const [i, id] of moved.entries()) {
      const year = 2008 + ((i * 5) % 19);
      await sql`UPDATE papers SET submitted_at = ${`${year}-06-15T12:00:00.000Z`} WHERE id = ${id}`.execute(
        handle.db,
      );
    }
    const backend = new SqliteFts5Backend(handle.db, DEFAULT_WEIGHTS, categoryName, () => {}, {
      rankWindow: WINDOW,
    });
    await backend.indexPapers(moved);
    let [checked, withMoved] = [0, 0];
    for (const query of [
      'energy year:2014',
      'field year:2011..2012',
      'network cat:cs.LG year:2016..2018',
      'the year:2012',
      'model year:2010..2013',
      'quantum cat:quant-ph year:2009..2015',
      'the before:2009-12-31',
      'data after:2025-01-01',
    ]) {
      const parsed = parseSearchQuery(query);
      const match = toFts5Match(parsed.text!)!;
      const f = parsed.filters;
      // The oracle: plain SQL over every match, dates and categories checked on the papers.
      const { rows } = await sql<{ id: string }>`
        SELECT p.id FROM paper_fts JOIN papers p ON p.rowid = paper_fts.rowid
        WHERE paper_fts MATCH ${match}
          AND p.submitted_at >= ${f.dates.start ?? ''} AND p.submitted_at < ${f.dates.end ? addDays(f.dates.end, 1) : '9'}
          AND (${f.categories.length === 0 ? 1 : 0} OR EXISTS (SELECT 1 FROM paper_categories c
            WHERE c.paper_id = p.id AND c.category = ${f.categories[0] ?? ''}))
        ORDER BY bm25(paper_fts, 4, 1, 2, 1), paper_fts.rowid`.execute(handle.db);
      if (rows.some((r) => moved.includes(r.id))) withMoved++;
      // Within the window, the exact ranking; beyond it, the ranking of the newest candidates.
      if (rows.length > WINDOW) continue;
      expect(await ids(backend, { query, match, filters: f }, 'relevance'), query).toEqual(
        rows.slice(0, 21).map((r) => r.id),
      );
      expect(await ids(backend, { query, match, filters: f }, 'newest'), query).toEqual(
        await ids(exhaustive, { query, match, filters: f }, 'newest'),
      );
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
    expect(withMoved).toBeGreaterThan(3);
  });

  it('scores with the new length of a paper whose text changed, on this connection or another', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-fts5-sizes-'));
    const [a, b] = [
      await openDatabase({ kind: 'sqlite', file: path.join(dir, 'db.sqlite') }),
      await openDatabase({ kind: 'sqlite', file: path.join(dir, 'db.sqlite') }),
    ];
    try {
      const records = [...generatePapers(buildCorpusModel(), 200)].map(toRecord);
      await new PaperRepository(a).upsertMany(records, '2026-11-27T00:00:00.000Z');
      const onA = new SqliteFts5Backend(a.db, DEFAULT_WEIGHTS, categoryName);
      await onA.rebuild();
      // pb_bm25 against bm25() on every row, after pb_bm25 has seen (and kept) every row's length.
      const compare = async () => {
        const { rows } = await sql<{ x: number; y: number }>`
          SELECT bm25(paper_fts, 4, 1, 2, 1) AS x, pb_bm25(paper_fts, 4, 1, 2, 1) AS y
          FROM paper_fts WHERE paper_fts MATCH ${'"the" OR "model"'}`.execute(a.db);
        expect(rows.length).toBeGreaterThan(150);
        for (const r of rows) expect(r.y).toBe(r.x);
      };
      await compare();
      // Abstracts swapped in pairs: the table's row and token totals stay, the papers' lengths do not.
      const swap = async (on: DatabaseHandle, backend: SqliteFts5Backend, ids: string[]) => {
        for (let i = 0; i < ids.length; i += 2) {
          const [x, y] = [ids[i]!, ids[i + 1]!];
          const { rows } = await sql<{ id: string; abstract: string }>`
            SELECT id, abstract FROM papers WHERE id IN (${x}, ${y})`.execute(on.db);
          const text = new Map(rows.map((r) => [r.id, r.abstract]));
          expect(text.get(x)!.length).not.toBe(text.get(y)!.length);
          await sql`UPDATE papers SET abstract = ${text.get(y)} WHERE id = ${x}`.execute(on.db);
          await sql`UPDATE papers SET abstract = ${text.get(x)} WHERE id = ${y}`.execute(on.db);
        }
        await backend.indexPapers(ids);
      };
      const ids = records.map((r) => r.record.arxivId);
      await swap(a, onA, ids.slice(0, 20));
      await compare();
      await swap(b, new SqliteFts5Backend(b.db, DEFAULT_WEIGHTS, categoryName), ids.slice(20, 40));
      await compare();
      // Writes to other tables (votes) keep the lengths; the scores stay exact all the same.
      await sql`UPDATE papers SET upvotes = upvotes + 1`.execute(a.db);
      await compare();
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
