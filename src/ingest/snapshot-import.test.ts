// The snapshot import in process, on the real app and a real SQLite database: the 200 real records
// become pages, API items and search hits (not daily listings); bad lines are skipped and reported;
// an interrupted import resumes to the same database as an uninterrupted one; re-imports change only
// what changed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { dumpDatabase } from '../../test/helpers/db-dump.ts';
import { createTestApp } from '../../test/helpers/test-app.ts';
import type { TestApp } from '../../test/helpers/test-app.ts';
import { categoryName } from '../domain/arxiv-taxonomy.ts';
import { DEFAULT_WEIGHTS } from '../search/search-backend.ts';
import { SqliteFts5Backend } from '../search/sqlite-fts5-backend.ts';
import type { SnapshotImportOptions, SnapshotState } from './snapshot-import.ts';
import { importSnapshot, snapshotSource } from './snapshot-import.ts';

const REAL = path.resolve(
  import.meta.dirname,
  '../../../shared/data/arxiv/kaggle-snapshot/arxiv-metadata-oai-snapshot.head200.jsonl',
);

const apps: TestApp[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function app(seed = false): Promise<TestApp> {
  const t = await createTestApp({ seed });
  apps.push(t);
  return t;
}

function run(t: TestApp, options: SnapshotImportOptions) {
  const db = t.container.database;
  const search = new SqliteFts5Backend(db.db, DEFAULT_WEIGHTS, categoryName, db.noteWrite);
  return importSnapshot(db, search, options);
}

function tempFile(content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-snapshot-'));
  dirs.push(dir);
  const file = path.join(dir, 'snapshot.jsonl');
  fs.writeFileSync(file, content);
  return file;
}

function realLines(): string[] {
  return fs.readFileSync(REAL, 'utf8').split('\n').filter(Boolean);
}

function dbFile(t: TestApp): string {
  return path.join(t.dataDir, 'paperboy.db');
}

function count(t: TestApp, table: string): number {
  const db = new BetterSqlite3(dbFile(t), { readonly: true });
  try {
    return db.prepare(`SELECT count(*) AS n FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('importSnapshot', () => {
  it('makes the 200 real records pages, API items and search hits, but no daily listings', async () => {
    const t = await app();
    const result = await run(t, { file: REAL, batchSize: 64 });
    expect(result.status).toBe('completed');
    expect(result.totals).toMatchObject({ lines: 200, inserted: 200, updated: 0, unchanged: 0, skipped: 0 });

    expect(await t.container.search.rankIds('diphoton tevatron', { limit: 5 })).toEqual(['0704.0001']);
    expect(await t.container.search.rankIds('Balázs', { limit: 5 })).toContain('0704.0001');
    expect(await t.container.search.rankIds('Gröbner basis', { limit: 5 })).toContain('0704.0019');
    // Category codes and names are indexed, as for papers from any other source.
    expect(await t.container.search.rankIds('combinatorics sparsity', { limit: 5 })).toContain('0704.0002');

    const page = await t.app.inject({ method: 'GET', url: '/papers/0704.0001' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Calculation of prompt diphoton production cross sections');
    expect(page.body).toContain('C. Balázs');
    const api = await t.app.inject({ method: 'GET', url: '/api/papers?limit=100' });
    expect(api.statusCode).toBe(200);
    expect((api.json() as { id: string }[]).map((p) => p.id)).toHaveLength(100);
    const detail = await t.app.inject({ method: 'GET', url: '/api/papers/0704.0073' });
    expect(detail.json()).toMatchObject({
      id: '0704.0073',
      title: expect.stringContaining('Kollár') as unknown,
    });

    expect(count(t, 'listings')).toBe(0);
    expect(count(t, 'papers')).toBe(200);
  });

  it('indexes new papers with exactly the text a full rebuild of the index gives', async () => {
    const t = await app();
    await run(t, { file: REAL, batchSize: 50 });
    const before = dumpDatabase(dbFile(t)).paper_fts;
    const db = t.container.database;
    expect(await new SqliteFts5Backend(db.db, DEFAULT_WEIGHTS, categoryName, db.noteWrite).rebuild()).toBe(
      200,
    );
    expect(dumpDatabase(dbFile(t)).paper_fts).toEqual(before);
    expect(before).toHaveLength(200);
  });

  it('resumes after an interruption and ends with the database of an uninterrupted import', async () => {
    const whole = await app();
    await run(whole, { file: REAL, batchSize: 30 });

    const parts = await app();
    const stop = new AbortController();
    const first = await run(parts, {
      file: REAL,
      batchSize: 30,
      worker: false,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.recordsThisRun >= 60) stop.abort();
      },
    });
    expect(first.status).toBe('interrupted');
    expect(first.totals).toMatchObject({ lines: 60, inserted: 60 });
    const saved = await parts.container.sink.checkpoint<SnapshotState>(snapshotSource(REAL).source);
    const bytes = fs.readFileSync(REAL);
    expect(saved).toMatchObject({ lines: 60, done: false });
    expect(bytes[saved!.offset - 1]).toBe(0x0a);
    expect(bytes.subarray(saved!.offset, saved!.offset + 18).toString()).toBe('{"id":"0704.0061",');
    expect(count(parts, 'papers')).toBe(60);

    const second = await run(parts, { file: REAL, batchSize: 30 });
    expect(second.status).toBe('completed');
    expect(second.resumedAt).toEqual({ offset: saved!.offset, line: 60 });
    expect(second.recordsThisRun).toBe(140);
    expect(second.totals).toMatchObject({ lines: 200, inserted: 200, skipped: 0 });
    expect(dumpDatabase(dbFile(parts))).toEqual(dumpDatabase(dbFile(whole)));

    const third = await run(parts, { file: REAL });
    expect(third.status).toBe('already-imported');
  });

  it('skips malformed, truncated and incomplete lines with their numbers and keeps every good one', async () => {
    const lines = realLines().slice(0, 6);
    const noTitle = JSON.parse(lines[3]!) as Record<string, unknown>;
    delete noTitle.title;
    const sparse = JSON.parse(lines[4]!) as Record<string, unknown>;
    for (const key of ['abstract', 'authors_parsed', 'doi', 'comments', 'journal-ref']) delete sparse[key];
    const file = tempFile(
      [
        lines[0],
        lines[1]!.slice(0, 120), // truncated
        '{"id": 7}',
        JSON.stringify(noTitle),
        JSON.stringify(sparse),
        lines[2],
        '',
        lines[5]!.slice(0, -40), // the file ends mid-record
      ].join('\n'),
    );
    const t = await app();
    const result = await run(t, { file, batchSize: 100 });
    expect(result.status).toBe('completed');
    expect(result.totals).toMatchObject({ lines: 8, inserted: 3, skipped: 4 });
    expect(result.totals.firstSkipped).toEqual([
      { line: 2, id: null, reason: expect.stringMatching(/^malformed JSON/) as unknown },
      { line: 3, id: null, reason: 'field "id" is a number, not text' },
      { line: 4, id: '0704.0004', reason: 'missing title' },
      { line: 8, id: null, reason: expect.stringMatching(/^malformed JSON/) as unknown },
    ]);
    const sparsePaper = await t.container.papers.get('0704.0005');
    expect(sparsePaper.abstract).toBe('');
    expect(sparsePaper.authors.length).toBeGreaterThan(0); // from the "authors" line instead
    expect(sparsePaper.doi).toBeNull();
    expect(count(t, 'papers')).toBe(3);
  });

  it('refuses a file whose first thousand lines hold no record', async () => {
    const t = await app();
    const file = tempFile('id,title\n'.repeat(1500));
    await expect(run(t, { file, batchSize: 500 })).rejects.toThrow(
      /the first 1000 lines hold no snapshot record \(line 1: malformed JSON.*is it the arXiv metadata snapshot/,
    );
    expect(count(t, 'papers')).toBe(0);
  });

  it('updates papers already stored only where the snapshot says more, keeping what it does not know', async () => {
    const t = await app(true); // the demo: 0704.0001-0704.1001 from arXiv .abs files, with sizes
    const sizes = (id: string) => t.container.papers.get(id).then((p) => p.versions.map((v) => v.size));
    const sizesBefore = await sizes('0704.0189');
    expect(sizesBefore).toHaveLength(2);
    expect(sizesBefore.every((s) => s !== null && /^\d+kb$/.test(s))).toBe(true);
    const listingsBefore = count(t, 'listings');

    const first = await run(t, { file: REAL });
    expect(first.totals.inserted).toBe(0);
    expect(first.totals.updated + first.totals.unchanged).toBe(200);
    expect(first.totals.updated).toBeGreaterThan(0);
    // 0704.0189 has a third version in the snapshot: the sizes of the first two are kept.
    const revised = await t.container.papers.get('0704.0189');
    expect(revised.versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(await sizes('0704.0189')).toEqual([...sizesBefore, null]);
    expect(revised.abstract).toContain('inverse monoids, called Inv');
    expect(await t.container.search.rankIds('"inverse monoids, called Inv"', { limit: 3 })).toContain(
      '0704.0189',
    );
    expect(count(t, 'listings')).toBe(listingsBefore);

    // Everything is now as the snapshot says: reading it again changes nothing.
    const again = await run(t, { file: REAL, restart: true });
    expect(again.totals).toMatchObject({ inserted: 0, updated: 0, unchanged: 200 });
  });
});
