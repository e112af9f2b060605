// The OAI-PMH client against a real HTTP server on loopback that replays REAL arXiv responses.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from '../../test/helpers/oai-replay-server.ts';
import {
  OaiReplayServer,
  exact,
  failFirst,
  recordedRoutes,
  recording,
} from '../../test/helpers/oai-replay-server.ts';
import { OaiError, OaiPmhClient, OaiResponseError } from './oai-pmh.ts';
import { HttpSourceError, PoliteHttpClient } from './polite-http.ts';

const RAW_PAGE = 'arXivRaw_mikesaelim-2015/ListRecordsResponse.xml';
const CANNOT = fs.readFileSync(
  path.resolve(import.meta.dirname, '../../test/fixtures/ingest/oai-cannot-disseminate-format.xml'),
  'utf8',
);
const list = (extra: Record<string, string>) => ({
  verb: 'ListRecords',
  metadataPrefix: 'arXivRaw',
  ...extra,
});

/** Pages made from real ones, for the failure cases (each says what was changed). */
const damaged: Route[] = [
  // Cut off half-way, as a dropped connection leaves it.
  exact(list({ set: 'truncated', from: '2014-10-01' }), { body: recording(RAW_PAGE).slice(0, 5000) }),
  exact(list({ set: 'html', from: '2014-10-01' }), {
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: '<html><body><h1>503 Service Unavailable</h1></body></html>',
  }),
  exact(list({ set: 'empty-body', from: '2014-10-01' }), { body: '' }),
  exact(list({ set: 'not-oai', from: '2014-10-01' }), {
    body: '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>arXiv</title></feed>',
  }),
  exact(list({ set: 'dtd', from: '2014-10-01' }), {
    body: '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><OAI-PMH>&b;</OAI-PMH>',
  }),
  // Record 2 loses its identifier; record 3 becomes a deleted record (header status, no metadata).
  exact(list({ set: 'odd-records', from: '2014-10-01' }), {
    body: recording(RAW_PAGE)
      .replace('<identifier>oai:arXiv.org:0704.0716</identifier>', '')
      .replace(
        /<header>\s*<identifier>oai:arXiv.org:0704.0874<\/identifier>([\s\S]*?)<\/header>\s*<metadata>[\s\S]*?<\/metadata>/,
        '<header status="deleted"><identifier>oai:arXiv.org:0704.0874</identifier>$1</header>',
      ),
  }),
  exact(list({ set: 'bad-verb', from: '2014-10-01' }), {
    body: recording('arXivRaw_mikesaelim-2015/ErrorResponseBadVerb.xml'),
  }),
  exact({ verb: 'ListRecords', metadataPrefix: 'marc21', set: 'cs', from: '2024-10-01' }, { body: CANNOT }),
  failFirst(exact(list({ set: 'busy', from: '2014-10-01' }), { body: recording(RAW_PAGE) }), 1, 503, {
    'retry-after': '1',
  }),
];

let server: OaiReplayServer;
let client: OaiPmhClient;

beforeAll(async () => {
  server = await OaiReplayServer.start([...damaged, ...recordedRoutes()]);
  const http = new PoliteHttpClient({
    source: 'arXiv OAI-PMH',
    userAgent: 'paperboy-test/1',
    minIntervalMs: 0,
    backoffMs: 10,
  });
  client = new OaiPmhClient(server.url, http);
});
afterAll(() => server.close());

const lastQuery = () => server.requests.at(-1)!.query;

describe('ListRecords', () => {
  it('reads a real arXivRaw page: records, headers and the resumptionToken', async () => {
    const page = await client.listRecords({ metadataPrefix: 'arXivRaw', from: '2014-10-01' });
    expect(lastQuery()).toEqual({ verb: 'ListRecords', metadataPrefix: 'arXivRaw', from: '2014-10-01' });
    expect(page.responseDate).toBe('2015-01-06T20:49:59.000Z');
    expect(page.records.map((r) => r.identifier)).toEqual([
      'oai:arXiv.org:0704.0471',
      'oai:arXiv.org:0704.0716',
      'oai:arXiv.org:0704.0874',
      'oai:arXiv.org:0704.1109',
      'oai:arXiv.org:0704.1114',
      'oai:arXiv.org:0704.1586',
    ]);
    expect(page.records[0]).toMatchObject({
      datestamp: '2014-11-18',
      setSpecs: ['physics:nucl-ex', 'physics:nucl-th'],
      deleted: false,
    });
    expect(page.records[0]!.metadata!.format).toBe('arXivRaw');
    expect(page.records[2]!.setSpecs).toEqual(['math']);
    expect(page).toMatchObject({
      resumptionToken: '726959|1001',
      completeListSize: 58011,
      cursor: 0,
      rejected: [],
    });
  });

  it('follows a token with the token alone, as the protocol requires', async () => {
    const page = await client.listRecords({ metadataPrefix: 'arXivRaw', from: '2014-10-01' }, '726959|1001');
    expect(lastQuery()).toEqual({ verb: 'ListRecords', resumptionToken: '726959|1001' });
    expect(page.url).toContain('resumptionToken=726959%7C1001');
    expect(page.records.map((r) => r.identifier)).toEqual(['oai:arXiv.org:1302.2146']);
    // The derived last page carries an empty token: the list is complete.
    expect(page.resumptionToken).toBeNull();
  });

  it('treats a page without a resumptionToken as the complete list (46 records of set cs)', async () => {
    const page = await client.listRecords({
      metadataPrefix: 'arXiv',
      set: 'cs',
      from: '2015-01-16',
      until: '2015-01-18',
    });
    expect(lastQuery()).toEqual({
      verb: 'ListRecords',
      metadataPrefix: 'arXiv',
      set: 'cs',
      from: '2015-01-16',
      until: '2015-01-18',
    });
    expect(page.records).toHaveLength(46);
    expect(page.resumptionToken).toBeNull();
    expect(page.records.every((r) => r.metadata?.format === 'arXiv')).toBe(true);
  });

  it('answers noRecordsMatch (both recordings) with an empty, complete page', async () => {
    const empty = await client.listRecords({
      metadataPrefix: 'arXiv',
      set: 'physics:hep-lat',
      from: '2015-01-17',
      until: '2015-01-17',
    });
    expect(empty).toMatchObject({
      records: [],
      resumptionToken: null,
      responseDate: '2016-06-02T19:13:02.000Z',
    });
    const moo = await client.listRecords({ metadataPrefix: 'arXivRaw', set: 'moo' });
    expect(moo).toMatchObject({
      records: [],
      resumptionToken: null,
      responseDate: '2015-06-23T13:28:30.000Z',
    });
  });

  it('reports an expired token as OaiError badResumptionToken', async () => {
    const err = await client
      .listRecords({ metadataPrefix: 'arXivRaw' }, 'no-such-token')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OaiError);
    expect((err as OaiError).code).toBe('badResumptionToken');
    expect((err as Error).message).toMatch(
      /^arXiv OAI-PMH: error badResumptionToken: The resumptionToken supplied is illegal for this repository \(http:\/\/127\.0\.0\.1:\d+\/oai\?verb=ListRecords&resumptionToken=no-such-token\)$/,
    );
  });

  it('turns badArgument, badVerb and cannotDisseminateFormat into clear errors', async () => {
    const cases: [Promise<unknown>, string, RegExp][] = [
      [
        client.listRecords({ metadataPrefix: 'arXivRaw', set: 'bad-argument', from: '2024-10-01' }),
        'badArgument',
        /error badArgument: Verb 'ListRecords', illegal argument 'identifier'\./,
      ],
      [
        client.listRecords({ metadataPrefix: 'arXivRaw', set: 'bad-verb', from: '2014-10-01' }),
        'badVerb',
        /error badVerb: Bad verb\. Verb 'wah' not implemented\./,
      ],
      [
        client.listRecords({ metadataPrefix: 'marc21', set: 'cs', from: '2024-10-01' }),
        'cannotDisseminateFormat',
        /error cannotDisseminateFormat: Format 'marc21' is not supported/,
      ],
    ];
    for (const [attempt, code, message] of cases) {
      const err = await attempt.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OaiError);
      expect((err as OaiError).code).toBe(code);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('waits out a 503 with Retry-After and then reads the page', async () => {
    const started = Date.now();
    const page = await client.listRecords({ metadataPrefix: 'arXivRaw', set: 'busy', from: '2014-10-01' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(page.records).toHaveLength(6);
    const busy = server.requests.filter((r) => r.query.set === 'busy');
    expect(busy.map((r) => r.status)).toEqual([503, 200]);
  });

  it('skips records without an identifier and marks deleted records, keeping the rest', async () => {
    const page = await client.listRecords({
      metadataPrefix: 'arXivRaw',
      set: 'odd-records',
      from: '2014-10-01',
    });
    expect(page.rejected).toEqual([
      { position: 2, identifier: null, reason: 'record header without identifier' },
    ]);
    expect(page.records.map((r) => r.identifier)).toEqual([
      'oai:arXiv.org:0704.0471',
      'oai:arXiv.org:0704.0874',
      'oai:arXiv.org:0704.1109',
      'oai:arXiv.org:0704.1114',
      'oai:arXiv.org:0704.1586',
    ]);
    expect(page.records[1]).toMatchObject({
      deleted: true,
      metadata: null,
      datestamp: '2014-11-21',
      setSpecs: ['math'],
    });
  });
});

describe('responses that are not OAI-PMH', () => {
  const attempt = (set: string) =>
    client.listRecords({ metadataPrefix: 'arXivRaw', set, from: '2014-10-01' }).catch((e: unknown) => e);

  it('names a truncated page as malformed XML, with the URL', async () => {
    const err = await attempt('truncated');
    expect(err).toBeInstanceOf(OaiResponseError);
    expect((err as Error).message).toMatch(
      /^arXiv OAI-PMH: malformed XML at line \d+, column \d+: .+ \(http:\/\/127.0.0.1:\d+\/oai\?.*set=truncated/,
    );
  });

  it('refuses HTML, empty bodies, other XML and DTDs', async () => {
    expect(String(await attempt('html'))).toMatch(
      /expected XML, got text\/html; charset=utf-8: "<html><body><h1>503 Service Unavailable/,
    );
    expect(String(await attempt('empty-body'))).toMatch(
      /OaiResponseError: arXiv OAI-PMH: (malformed XML|not an OAI-PMH response)/,
    );
    expect(String(await attempt('not-oai'))).toMatch(
      /not an OAI-PMH response: "<\?xml version=\\"1.0\\"\?><feed/,
    );
    expect(String(await attempt('dtd'))).toMatch(/refusing an XML document with a DTD/);
  });

  it('stops reading a 100 MB body at the cap instead of buffering it', async () => {
    const big = await OaiReplayServer.start([
      () => ({
        name: 'huge',
        headers: { 'content-type': 'text/xml' },
        body: (res) => {
          const head = recording(RAW_PAGE).split('<record>')[0]!;
          const chunk = Buffer.from(`<record>${'x'.repeat(1024 * 1024 - 17)}</record>`);
          let sent = 0;
          res.write(head);
          const pump = () => {
            while (sent < 100 && res.write(chunk)) sent++;
            if (sent < 100) res.once('drain', pump);
            else res.end('</ListRecords></OAI-PMH>');
          };
          res.on('close', () => (sent = 100));
          pump();
        },
      }),
    ]);
    try {
      const http = new PoliteHttpClient({
        source: 'arXiv OAI-PMH',
        userAgent: 't',
        minIntervalMs: 0,
        maxBodyBytes: 8 * 1024 * 1024,
      });
      const err = await new OaiPmhClient(big.url, http)
        .listRecords({ metadataPrefix: 'arXivRaw', from: '2024-10-01' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpSourceError);
      expect((err as Error).message).toMatch(/response body larger than 8388608 bytes/);
    } finally {
      await big.close();
    }
  });
});

describe('GetRecord', () => {
  it('reads one record', async () => {
    const { responseDate, record } = await client.getRecord('oai:arXiv.org:1302.2146', 'arXivRaw');
    expect(lastQuery()).toEqual({
      verb: 'GetRecord',
      identifier: 'oai:arXiv.org:1302.2146',
      metadataPrefix: 'arXivRaw',
    });
    expect(responseDate).toBe('2015-01-06T20:48:16.000Z');
    expect(record).toMatchObject({
      identifier: 'oai:arXiv.org:1302.2146',
      datestamp: '2013-04-03',
      setSpecs: ['physics:hep-ex', 'physics:hep-ph'],
    });
  });

  it('reports idDoesNotExist', async () => {
    const err = await client.getRecord('oai:arXiv.org:0813.2274', 'arXivRaw').catch((e: unknown) => e);
    expect((err as OaiError).code).toBe('idDoesNotExist');
    expect((err as Error).message).toContain(
      "Identifier 'oai:arXiv.org:0813.2274' has correct form but does not correspond",
    );
  });
});
