import { afterEach, describe, expect, it } from 'vitest';
import { categorySearchAs, fixture2016, startArxivApiServer } from '../../test/helpers/arxiv-api-server.ts';
import type { ArxivApiServer } from '../../test/helpers/arxiv-api-server.ts';
import { createTestApp } from '../../test/helpers/test-app.ts';
import type { TestApp } from '../../test/helpers/test-app.ts';
import { parseArxivAtom } from './arxiv-atom.ts';
import { ArxivApiClient } from './arxiv-api-client.ts';
import { announcementListing, ingestIds, ingestRange, RANGE_CHECKPOINT, toIncoming } from './arxiv-ingest.ts';

let t: TestApp | undefined;
let server: ArxivApiServer | undefined;
afterEach(async () => {
  await t?.close();
  await server?.close();
  t = server = undefined;
});

const NOW = () => new Date('2026-11-27T12:00:00Z');

/** The real 1412.6529v2 entry of a 2016 search page, and the same entry as arXiv showed it as v1. */
function renyiEntries() {
  const xml = fixture2016('search_query=au_del_maestro.xml');
  const v1Xml = xml
    .replace('http://arxiv.org/abs/1412.6529v2', 'http://arxiv.org/abs/1412.6529v1')
    .replace('<updated>2015-02-25T23:04:37Z</updated>', '<updated>2014-12-19T21:00:08Z</updated>')
    .replace('Particle partition entanglement of bosonic Luttinger liquids', 'Particle entanglement (draft)');
  const pick = (x: string) =>
    parseArxivAtom(x, 'test').entries.find((e) => e.record.arxivId === '1412.6529')!;
  return { v1: pick(v1Xml), v2: pick(xml) };
}

describe('storing arXiv API entries', () => {
  it('updates a paper with its v2 instead of duplicating it; an older copy never overwrites', async () => {
    t = await createTestApp({ seed: false });
    const { v1, v2 } = renyiEntries();
    expect(v1.version).toBe(1);
    expect(v2.version).toBe(2);
    const sink = t.container.sink;
    expect(await sink.store([toIncoming(v1, announcementListing(v1))])).toMatchObject({
      inserted: 1,
      listed: 1,
    });
    expect(await sink.store([toIncoming(v2, announcementListing(v2))])).toMatchObject({
      updated: 1,
      listed: 0,
    });
    expect(await sink.store([toIncoming(v1, undefined)])).toMatchObject({ unchanged: 1 });
    expect(await t.container.papersRepo.count()).toBe(1);
    const paper = await t.container.papersRepo.findById('1412.6529');
    expect(paper).toMatchObject({
      title: 'Particle partition entanglement of bosonic Luttinger liquids',
      latestVersion: 2,
      submittedAt: '2014-12-19T21:00:08.000Z',
      updatedAt: '2015-02-25T23:04:37.000Z',
      authors: ['C. M. Herdman', 'A. Del Maestro'],
      categories: ['cond-mat.quant-gas', 'quant-ph'],
      doi: '10.1103/PhysRevB.91.184507',
      // Friday 19 Dec 2014, 16:00 EST: after the deadline, so announced Monday 22 Dec, 20:00 EST.
      listedOn: '2014-12-23',
    });
    expect(paper!.versions).toEqual([
      { version: 1, submittedAt: '2014-12-19T21:00:08.000Z', size: null },
      { version: 2, submittedAt: '2015-02-25T23:04:37.000Z', size: null },
    ]);
    expect(await t.container.search.rankIds('draft', { limit: 5 })).toEqual([]);
  });

  it('looks up ids through the API and stores them, reporting unknown ones', async () => {
    t = await createTestApp({ seed: false });
    server = await startArxivApiServer();
    const client = new ArxivApiClient({ baseUrl: server.url, userAgent: 'test', minIntervalMs: 0 });
    const r = await ingestIds(client, t.container.sink, ['astro-ph/0601001'], { list: false, now: NOW });
    expect(r).toMatchObject({ inserted: 1, updated: 0, listed: 0, notFound: [], skipped: [] });
    const paper = await t.container.papers.get('astro-ph/0601001');
    expect(paper.authors).toEqual(['Andrew Gould', 'Susan Dorsher', 'B. Scott Gaudi', 'Andrzej Udalski']);
    expect(paper.listedOn).toBeNull();
  });

  it('imports a date range page by page, checkpointing each page, and resumes after a failure', async () => {
    t = await createTestApp({ seed: false });
    const replay = categorySearchAs(40);
    let failPage3 = true;
    server = await startArxivApiServer((req) =>
      failPage3 && req.params.get('start') === '20' ? { status: 500, body: 'boom' } : replay(req),
    );
    const client = new ArxivApiClient({
      baseUrl: server.url,
      userAgent: 'test',
      minIntervalMs: 0,
      backoffMs: 1,
      maxAttempts: 2,
    });
    const options = { categories: ['cs.SE', 'cs.LG'], from: '2026-02-16', to: '2026-02-17', list: true };
    const run = () => ingestRange(client, t!.container.sink, { ...options, pageSize: 10, now: NOW });
    await expect(run()).rejects.toThrow(/arXiv API: HTTP 500: boom/);
    expect(await t.container.papersRepo.count()).toBe(20);
    const saved = await t.container.sink.checkpoint<{ query: string; nextStart: number }>(RANGE_CHECKPOINT);
    expect(saved).toEqual({
      query: '(cat:cs.SE OR cat:cs.LG) AND submittedDate:[202602160000 TO 202602172359]',
      nextStart: 20,
    });
    const first = server.requests[0]!.params;
    expect([first.get('sortBy'), first.get('sortOrder')]).toEqual(['submittedDate', 'ascending']);

    failPage3 = false;
    const resumed = await run();
    expect(resumed).toMatchObject({ resumedAt: 20, pages: 2, inserted: 20, listed: 20 });
    expect(server.requests.slice(-2).map((r) => r.params.get('start'))).toEqual(['20', '30']);
    expect(await t.container.papersRepo.count()).toBe(40);
    expect(await t.container.sink.checkpoint(RANGE_CHECKPOINT)).toBeNull();
    // Listed by the announcement of their v1: 2405.13786 was submitted Wednesday 22 May 2024, 12:11 EDT.
    expect((await t.container.papers.get('2405.13786')).listedOn).toBe('2024-05-23');
  });
});
