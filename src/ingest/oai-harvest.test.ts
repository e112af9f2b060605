// Harvests over a real loopback OAI-PMH server replaying REAL arXiv responses, into a real SQLite
// database through the real PaperSink.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dumpDatabase } from '../../test/helpers/db-dump.ts';
import type { Route } from '../../test/helpers/oai-replay-server.ts';
import {
  CHAIN,
  OaiReplayServer,
  chainRoutes,
  exact,
  failFirst,
  recordedRoutes,
  recording,
} from '../../test/helpers/oai-replay-server.ts';
import { createTestApp } from '../../test/helpers/test-app.ts';
import type { TestApp } from '../../test/helpers/test-app.ts';
import type { OaiHarvestState, PageReport } from './oai-harvest.ts';
import { OAI_CHECKPOINT, OaiHarvester } from './oai-harvest.ts';
import { OAI_SOURCE, OaiError, OaiPmhClient, OaiResponseError } from './oai-pmh.ts';
import { PoliteHttpClient } from './polite-http.ts';

const BAD_TOKEN = recording('arXivRaw_mikesaelim-2015/ErrorResponseBadResumptionToken.xml');
const CHAIN_ARGS = { format: 'arXiv' as const, set: 'physics', from: '2017-12-14' };
/** Distinct papers in the chain: six cs papers are cross-listed in physics and come twice. */
const CHAIN_PAPERS = 196;

interface Rig {
  server: OaiReplayServer;
  app: TestApp;
  harvester: OaiHarvester;
  pages: PageReport[];
  notes: string[];
  dbFile: string;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    await rig.server.close();
    await rig.app.close();
  }
});

async function rig(routes: Route[], app?: TestApp): Promise<Rig> {
  const server = await OaiReplayServer.start(routes);
  const testApp = app ?? (await createTestApp({ seed: false }));
  const http = new PoliteHttpClient({
    source: OAI_SOURCE,
    userAgent: 'paperboy-test/1',
    minIntervalMs: 0,
    backoffMs: 10,
  });
  const pages: PageReport[] = [];
  const notes: string[] = [];
  const harvester = new OaiHarvester(new OaiPmhClient(server.url, http), testApp.container.sink, {
    page: (p) => pages.push(p),
    note: (n) => notes.push(n),
  });
  const r = {
    server,
    app: testApp,
    harvester,
    pages,
    notes,
    dbFile: path.join(testApp.dataDir, 'paperboy.db'),
  };
  if (!app) rigs.push(r);
  return r;
}

/** Same harvest, same app, a server with different routes (the repository "recovered"). */
async function reconnect(previous: Rig, routes: Route[]): Promise<Rig> {
  await previous.server.close();
  const next = await rig(routes, previous.app);
  previous.server = next.server;
  return next;
}

const state = (r: Rig) => r.app.container.sink.checkpoint<OaiHarvestState>(OAI_CHECKPOINT);
const names = (r: Rig) => r.server.requests.map((q) => q.name);

async function uninterruptedChainDump(list: boolean): Promise<Record<string, unknown[]>> {
  const r = await rig(chainRoutes());
  await r.harvester.start({ ...CHAIN_ARGS, list });
  return dumpDatabase(r.dbFile);
}

describe('OaiHarvester', () => {
  it('harvests arXivRaw pages by resumptionToken and stores the version history', async () => {
    const r = await rig(recordedRoutes());
    const summary = await r.harvester.start({ format: 'arXivRaw', set: null, from: '2014-10-01' });
    expect(names(r)).toEqual(['raw-page-1', 'raw-page-2 (derived)']);
    expect(summary).toMatchObject({ pages: 2, records: 7, deleted: 0, invalid: 0, nextFrom: '2015-01-06' });
    expect(summary.stored).toEqual({ inserted: 7, updated: 0, unchanged: 0, listed: 0 });
    expect(r.pages.map((p) => [p.page, p.records, p.resumptionToken])).toEqual([
      [1, 6, '726959|1001'],
      [2, 1, null],
    ]);
    const paper = await r.app.container.papers.get('0704.0716');
    expect(paper.versions).toEqual([
      { version: 1, submittedAt: '2007-04-05T12:45:03.000Z', size: '43kb' },
      { version: 2, submittedAt: '2007-09-28T15:13:43.000Z', size: '48kb' },
      { version: 3, submittedAt: '2008-02-29T16:05:39.000Z', size: '48kb' },
      { version: 4, submittedAt: '2008-11-14T09:07:25.000Z', size: '49kb' },
    ]);
    expect(await r.app.container.papersRepo.count()).toBe(7);
    expect(await r.app.container.search.rankIds('same-sign dilepton', { limit: 3 })).toEqual(['1302.2146']);
    expect(await state(r)).toEqual({ nextFrom: { 'arXivRaw|': '2015-01-06' }, active: null });
  });

  it('continues incrementally from where the last harvest of the set ended', async () => {
    const noRecords = recording('arXivRaw_mikesaelim-2015/ErrorResponseNoRecordsMatch.xml');
    const r = await rig([
      exact({ verb: 'ListRecords', metadataPrefix: 'arXivRaw', from: '2015-01-06' }, { body: noRecords }),
      ...recordedRoutes(),
    ]);
    await r.harvester.start({ format: 'arXivRaw', set: null, from: '2014-10-01' });
    const again = await r.harvester.start({ format: 'arXivRaw', set: null });
    expect(r.server.requests.at(-1)!.query).toEqual({
      verb: 'ListRecords',
      metadataPrefix: 'arXivRaw',
      from: '2015-01-06',
    });
    // noRecordsMatch: an empty, successful harvest that moves `from` to the day the repository answered.
    expect(again).toMatchObject({ pages: 1, records: 0, nextFrom: '2015-06-23' });
    expect(await r.app.container.papersRepo.count()).toBe(7);
    // A harvest of an older window does not move the incremental start backwards.
    await r.harvester.start({ format: 'arXivRaw', set: null, from: '2014-10-01' });
    expect((await state(r))!.nextFrom).toEqual({ 'arXivRaw|': '2015-06-23' });
  });

  it('treats noRecordsMatch as an empty harvest of that set', async () => {
    // The recorded answer to set=moo (sent without `from`; harvests always send one).
    const noRecords = recording('arXivRaw_mikesaelim-2015/ErrorResponseNoRecordsMatch.xml');
    const r = await rig([
      exact(
        { verb: 'ListRecords', metadataPrefix: 'arXivRaw', set: 'moo', from: '2015-06-01' },
        { body: noRecords },
      ),
    ]);
    const summary = await r.harvester.start({ format: 'arXivRaw', set: 'moo', from: '2015-06-01' });
    expect(summary).toMatchObject({ pages: 1, records: 0, nextFrom: '2015-06-23' });
    expect(await state(r)).toEqual({ nextFrom: { 'arXivRaw|moo': '2015-06-23' }, active: null });
  });

  it('harvests a four-page chain and lists new papers on the day OAI reports them', async () => {
    const r = await rig(chainRoutes());
    const summary = await r.harvester.start({ ...CHAIN_ARGS, list: true });
    expect(r.server.requests.map((q) => q.query.resumptionToken ?? 'start')).toEqual([
      'start',
      'chain-1',
      'chain-2',
      'chain-3',
    ]);
    expect(summary).toMatchObject({ pages: 4, records: 202, invalid: 0, deleted: 0, nextFrom: '2017-12-14' });
    expect(await r.app.container.papersRepo.count()).toBe(CHAIN_PAPERS);
    // 1501.03810: created 2015-01-15, no <updated>, datestamp 2015-01-16: new, listed that day.
    const fresh = await r.app.container.papers.get('1501.03810');
    expect(fresh.listedOn).toBe('2015-01-16');
    // 1111.1546 was revised (<updated> 2015-01-15): not new. 1706.05371 too (updated 2017-12-12).
    expect((await r.app.container.papers.get('1111.1546')).listedOn).toBeNull();
    expect((await r.app.container.papers.get('1706.05371')).listedOn).toBeNull();
    // Every listing, against the rule applied by hand to the raw XML of the four pages.
    const listed = await r.app.container.database.db
      .selectFrom('listings')
      .select(['paperId', 'day'])
      .execute();
    const expected = new Map<string, string>();
    for (const page of CHAIN) {
      for (const [rec] of recording(page.relative).matchAll(/<record>[\s\S]*?<\/record>/g)) {
        const datestamp = /<datestamp>(.*?)<\/datestamp>/.exec(rec)![1]!;
        const created = /<created>(.*?)<\/created>/.exec(rec)![1]!;
        const age = (Date.parse(datestamp) - Date.parse(created)) / 86_400_000;
        if (
          !rec.includes('<updated>') &&
          age >= 0 &&
          age <= 7 &&
          !expected.has(/<id>(.*?)<\/id>/.exec(rec)![1]!)
        ) {
          expected.set(/<id>(.*?)<\/id>/.exec(rec)![1]!, datestamp);
        }
      }
    }
    expect(new Map(listed.map((l) => [l.paperId, l.day]))).toEqual(expected);
    expect(expected.size).toBeGreaterThan(50);
    expect(summary.stored.listed).toBe(expected.size);
  });

  it('restarts from the checkpointed from when the token expires, and ends with the same data', async () => {
    const expected = await uninterruptedChainDump(false);
    const expireOnce: Route = (q, hit) =>
      q.resumptionToken === 'chain-2' && hit === 0 ? { name: 'expired chain-2', body: BAD_TOKEN } : null;
    const r = await rig([expireOnce, ...chainRoutes()]);
    const summary = await r.harvester.start(CHAIN_ARGS);
    expect(names(r)).toEqual([
      'chain page 1',
      'chain page 2',
      'expired chain-2',
      'chain page 1',
      'chain page 2',
      'chain page 3',
      'chain page 4',
    ]);
    expect(summary.restarts).toBe(1);
    expect(r.notes.join('\n')).toContain('restarting the harvest from 2017-12-14');
    expect(dumpDatabase(r.dbFile)).toEqual(expected);
    expect(await r.app.container.papersRepo.count()).toBe(CHAIN_PAPERS);
    expect((await state(r))!.active).toBeNull();
  });

  it('gives up after repeated expired tokens, keeping the harvest resumable', async () => {
    const alwaysExpired: Route = (q) =>
      q.resumptionToken === 'chain-1' ? { name: 'expired', body: BAD_TOKEN } : null;
    const r = await rig([alwaysExpired, ...chainRoutes()]);
    const err = await r.harvester.start(CHAIN_ARGS).catch((e: unknown) => e);
    expect(String(err)).toMatch(/error badResumptionToken: .*gave up after 3 restarts of the harvest/);
    expect(names(r).filter((n) => n === 'chain page 1')).toHaveLength(4);
    const pending = (await state(r))!.active!;
    expect(pending).toMatchObject({
      restarts: 3,
      resumptionToken: 'chain-1',
      params: { set: 'physics', from: '2017-12-14' },
    });
    const healed = await reconnect(r, chainRoutes());
    const summary = await healed.harvester.resume();
    expect(healed.server.requests.map((q) => q.query.resumptionToken)).toEqual([
      'chain-1',
      'chain-2',
      'chain-3',
    ]);
    // Page 1 was stored four times (the first try and three restarts), then pages 2-4.
    expect(summary.pages).toBe(4 + 3);
    expect(await r.app.container.papersRepo.count()).toBe(CHAIN_PAPERS);
  });

  it('keeps page 1 when page 2 is malformed, and resumes after it once the repository recovers', async () => {
    const expected = await uninterruptedChainDump(true);
    const truncated: Route = (q) =>
      q.resumptionToken === 'chain-1'
        ? { name: 'truncated', body: recording(CHAIN[1].relative).slice(0, 3000) }
        : null;
    const r = await rig([truncated, ...chainRoutes()]);
    const err = await r.harvester.start({ ...CHAIN_ARGS, list: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OaiResponseError);
    expect(String(err)).toMatch(/malformed XML at line \d+, column \d+/);
    expect(await r.app.container.papersRepo.count()).toBe(3);
    expect((await state(r))!.active).toMatchObject({ resumptionToken: 'chain-1', pages: 1 });
    const healed = await reconnect(r, chainRoutes());
    await healed.harvester.resume();
    expect(healed.server.requests.map((q) => q.query.resumptionToken)).toEqual([
      'chain-1',
      'chain-2',
      'chain-3',
    ]);
    expect(dumpDatabase(r.dbFile)).toEqual(expected);
  });

  it('waits out a 503 with Retry-After in the middle of a harvest', async () => {
    const [first, second, ...rest] = chainRoutes();
    const r = await rig([first!, failFirst(second!, 1, 503, { 'retry-after': '1' }), ...rest]);
    const started = Date.now();
    const summary = await r.harvester.start(CHAIN_ARGS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(r.server.requests.map((q) => q.status)).toEqual([200, 503, 200, 200, 200]);
    expect(summary.pages).toBe(4);
    expect(await r.app.container.papersRepo.count()).toBe(CHAIN_PAPERS);
  });

  it('counts and skips deleted and broken records, storing the rest of the page', async () => {
    const cs = recording('arXiv_invenio-2015-2017/sample_arxiv_response_listrecords_cs.xml');
    const oaiDc = recording('arXiv_invenio-2015-2017/sample_arxiv_response_utf8.xml');
    const dcRecord = /<record>[\s\S]*<\/record>/.exec(oaiDc)![0];
    const page = cs
      // 1501.03810 loses its title; 1501.03796 becomes a deleted record; a real oai_dc record joins.
      .replace(/(<id>1501\.03810<\/id>[\s\S]*?)<title>[\s\S]*?<\/title>/, '$1')
      .replace(
        /<header>\s*<identifier>oai:arXiv.org:1501.03796<\/identifier>([\s\S]*?)<\/header>\s*<metadata>[\s\S]*?<\/metadata>/,
        '<header status="deleted"><identifier>oai:arXiv.org:1501.03796</identifier>$1</header>',
      )
      .replace('</ListRecords>', `${dcRecord}\n</ListRecords>`);
    const r = await rig([
      exact({ verb: 'ListRecords', metadataPrefix: 'arXiv', set: 'cs', from: '2015-01-16' }, { body: page }),
    ]);
    const summary = await r.harvester.start({ format: 'arXiv', set: 'cs', from: '2015-01-16' });
    expect(summary).toMatchObject({ records: 47, deleted: 1, invalid: 2 });
    expect(r.pages[0]!.deleted).toEqual(['oai:arXiv.org:1501.03796']);
    expect(r.pages[0]!.invalid).toEqual([
      {
        identifier: 'oai:arXiv.org:1501.03810',
        reason: 'arXiv record oai:arXiv.org:1501.03810: missing <title>',
      },
      {
        identifier: 'oai:arXiv.org:1207.1019',
        reason: 'record oai:arXiv.org:1207.1019: metadata is <dc>, expected <arXiv>',
      },
    ]);
    expect(await r.app.container.papersRepo.count()).toBe(44);
    await expect(r.app.container.papers.get('1501.03810')).rejects.toThrow();
  });

  it('refuses requests the repository calls wrong, leaving nothing pending', async () => {
    const cannot = fs.readFileSync(
      path.resolve(import.meta.dirname, '../../test/fixtures/ingest/oai-cannot-disseminate-format.xml'),
      'utf8',
    );
    const r = await rig([
      exact(
        { verb: 'ListRecords', metadataPrefix: 'arXiv', set: 'cs', from: '2024-10-01' },
        { body: cannot },
      ),
      ...recordedRoutes(),
    ]);
    const bad = await r.harvester
      .start({ format: 'arXivRaw', set: 'bad-argument', from: '2024-10-01' })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OaiError);
    expect((bad as OaiError).code).toBe('badArgument');
    const cannotErr = await r.harvester
      .start({ format: 'arXiv', set: 'cs', from: '2024-10-01' })
      .catch((e: unknown) => e);
    expect((cannotErr as OaiError).code).toBe('cannotDisseminateFormat');
    expect(await state(r)).toEqual({ nextFrom: {}, active: null });
    expect(await r.app.container.papersRepo.count()).toBe(0);
  });

  it('checks its arguments and its pending harvest', async () => {
    const r = await rig(chainRoutes());
    await expect(r.harvester.resume()).rejects.toThrow('there is no interrupted OAI-PMH harvest to resume');
    await expect(r.harvester.start({ format: 'arXiv', set: 'cs' })).rejects.toThrow(
      'no earlier harvest of set cs in arXiv: give the first day with --from YYYY-MM-DD',
    );
    await expect(r.harvester.start({ ...CHAIN_ARGS, from: '2017-02-30' })).rejects.toThrow(
      /from must be a date as YYYY-MM-DD, got "2017-02-30"/,
    );
    await expect(r.harvester.start({ ...CHAIN_ARGS, until: '2017-12-01' })).rejects.toThrow(
      'until 2017-12-01 is before from 2017-12-14',
    );
    expect(r.server.requests).toEqual([]);
    // A harvest that failed half-way is pending: a new one is refused until it is resumed.
    await r.server.close();
    await r.harvester.start(CHAIN_ARGS).catch(() => undefined);
    await expect(r.harvester.start({ format: 'arXivRaw', set: 'cs', from: '2024-10-01' })).rejects.toThrow(
      /an interrupted harvest is pending \(harvest of set physics in arXiv from 2017-12-14, 0 page\(s\) stored\); resume it first/,
    );
  });
});
