import { afterEach, describe, expect, it } from 'vitest';
import {
  recordedBody,
  startArxivApiServer,
  withoutEntries,
  withTotal,
} from '../../test/helpers/arxiv-api-server.ts';
import type { ArxivApiServer, Handler } from '../../test/helpers/arxiv-api-server.ts';
import { AtomFeedError } from './arxiv-atom.ts';
import type { ArxivApiOptions, FetchedPage } from './arxiv-api-client.ts';
import { arxivDate, ArxivApiClient, ArxivApiError, categoryDateQuery } from './arxiv-api-client.ts';

let server: ArxivApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const UA = 'paperboy-test/0.1 (+http://paperboy.test)';

async function setup(handler?: Handler, over: Partial<ArxivApiOptions> = {}) {
  server = await startArxivApiServer(handler);
  const client = new ArxivApiClient({
    baseUrl: server.url,
    userAgent: UA,
    minIntervalMs: 0,
    backoffMs: 5,
    maxAttempts: 3,
    pageTries: 3,
    ...over,
  });
  return { client, server };
}

async function collect(pages: AsyncIterable<FetchedPage>): Promise<FetchedPage[]> {
  const out: FetchedPage[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

async function caught(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('ArxivApiClient look-ups', () => {
  it('looks up an old-style id with a descriptive User-Agent', async () => {
    const { client, server } = await setup();
    const r = await client.lookup(['astro-ph/0601001']);
    expect(r.entries.map((e) => e.record.arxivId)).toEqual(['astro-ph/0601001']);
    expect(r.notFound).toEqual([]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.userAgent).toBe(UA);
    expect(Object.fromEntries(server.requests[0]!.params)).toEqual({
      search_query: '',
      id_list: 'astro-ph/0601001',
      start: '0',
      max_results: '100',
    });
  });

  it('looks up versioned new- and old-style ids', async () => {
    const { client } = await setup();
    const v1 = await client.lookup(['2104.12255v1']);
    expect(v1.entries.map((e) => [e.record.arxivId, e.version])).toEqual([['2104.12255', 1]]);
    const old = await client.lookup(['arXiv:quant-ph/0201082v1']);
    expect(old.entries.map((e) => [e.record.arxivId, e.version])).toEqual([['quant-ph/0201082', 1]]);
  });

  it('reports ids arXiv returns nothing for, and refuses malformed ids before asking', async () => {
    const { client, server } = await setup();
    const unknown = await client.fetchPage({ idList: ['0000.0000'], start: 0, maxResults: 100 });
    expect([unknown.totalResults, unknown.entryCount]).toEqual([0, 0]);
    const pair = await client.fetchPage({ idList: ['0808.05394', '1707.08567'], start: 0, maxResults: 100 });
    expect(pair.entries.map((e) => e.record.arxivId)).toEqual(['1707.08567']);
    expect(server.requests).toHaveLength(2); // an empty answer with totalResults 0 is not retried
    const err = await caught(client.lookup(['1707.08567', 'abc', '0808.05394']));
    expect(err).toBeInstanceOf(ArxivApiError);
    expect(err.message).toBe('arXiv API: not arXiv ids: abc, 0808.05394');
    expect(server.requests).toHaveLength(2);
  });

  it('gives a clear error for the 400 arXiv answers a malformed id with, without retrying', async () => {
    const { client, server } = await setup();
    const err = await caught(client.fetchPage({ idList: ['abc'], start: 0, maxResults: 100 }));
    expect(err).toBeInstanceOf(ArxivApiError);
    expect(err.message).toMatch(/^arXiv API: the API rejected the request \(HTTP 400\).*id_list=abc/);
    expect(server.requests).toHaveLength(1);
  });
});

describe('ArxivApiClient search paging', () => {
  it('pages with start and max_results through real pages', async () => {
    const { client, server } = await setup();
    const pages = await collect(client.search('testing', { pageSize: 10, limit: 60 }));
    expect(pages.map((p) => [p.start, p.entryCount, p.totalResults])).toEqual(
      [0, 10, 20, 30, 40, 50].map((s) => [s, 10, 214881]),
    );
    expect(server.requests.map((r) => r.key)).toEqual(
      [0, 10, 20, 30, 40, 50].map((s) => `q:testing|${s}|10`),
    );
    // The six pages are the first 60 results of the 100-result page, in order.
    const big = await client.fetchPage({ searchQuery: 'testing', start: 0, maxResults: 100 });
    const ids = pages.flatMap((p) => p.entries.map((e) => e.record.arxivId));
    expect(ids).toEqual(big.entries.slice(0, 60).map((e) => e.record.arxivId));
  });

  it('starts where asked and stops at the limit or at totalResults', async () => {
    const short =
      (total: number): Handler =>
      (req) =>
        req.key.startsWith('q:short')
          ? { body: withTotal(recordedBody('q:testing|0|10'), total) }
          : undefined;
    const { client, server } = await setup(short(10));
    const resumed = await collect(client.search('testing', { pageSize: 15, start: 5, limit: 15 }));
    expect(resumed.map((p) => [p.start, p.entryCount])).toEqual([[5, 15]]);
    const one = await collect(client.search('short', { pageSize: 10 }));
    expect(one.map((p) => p.entryCount)).toEqual([10]);
    expect(server.requests.map((r) => r.key)).toEqual(['q:testing|5|15', 'q:short|0|10']);
  });

  it('asks again for a transient empty page instead of ending', async () => {
    const { client, server } = await setup((req) =>
      req.key === 'q:testing|10|10' && req.nth === 1
        ? { body: withoutEntries(recordedBody('q:testing|10|10')) }
        : undefined,
    );
    const pages = await collect(client.search('testing', { pageSize: 10, limit: 30 }));
    expect(pages.map((p) => [p.start, p.entryCount])).toEqual([
      [0, 10],
      [10, 10],
      [20, 10],
    ]);
    expect(server.requests.map((r) => r.key)).toEqual([
      'q:testing|0|10',
      'q:testing|10|10',
      'q:testing|10|10',
      'q:testing|20|10',
    ]);
  });

  it('treats an empty page that also says totalResults 0 as a glitch when earlier pages said more', async () => {
    const { client } = await setup((req) =>
      req.key === 'q:testing|10|10' && req.nth <= 2
        ? { body: withTotal(withoutEntries(recordedBody('q:testing|10|10')), 0) }
        : undefined,
    );
    const pages = await collect(client.search('testing', { pageSize: 10, limit: 20 }));
    expect(pages.map((p) => p.entryCount)).toEqual([10, 10]);
  });

  it('gives up on a page that stays empty, with an error naming start, total and URL', async () => {
    const { client, server } = await setup((req) =>
      req.key === 'q:testing|10|10' ? { body: withoutEntries(recordedBody('q:testing|10|10')) } : undefined,
    );
    const seen: number[] = [];
    const err = await caught(
      (async () => {
        for await (const p of client.search('testing', { pageSize: 10, limit: 30 })) seen.push(p.start);
      })(),
    );
    expect(seen).toEqual([0]);
    expect(err).toBeInstanceOf(ArxivApiError);
    expect(err.message).toMatch(
      /^arXiv API: empty page at start=10 although totalResults is 214881; gave up after 3 tries \(http:\/\/127\.0\.0\.1:\d+\/api\/query\?search_query=testing&id_list=&start=10&max_results=10\)$/,
    );
    expect(server.requests.filter((r) => r.key === 'q:testing|10|10')).toHaveLength(3);
  });
});

describe('ArxivApiClient politeness and failures', () => {
  it('keeps the configured interval between request starts (3 s by default)', async () => {
    expect(new ArxivApiClient({ baseUrl: 'http://x', userAgent: UA }).minIntervalMs).toBe(3000);
    const { client, server } = await setup(undefined, { minIntervalMs: 250 });
    await (await fetch(`${server.url}?id_list=1605.08386`)).text(); // the first fetch loads undici
    server.requests.length = 0;
    await collect(client.search('testing', { pageSize: 10, limit: 30 }));
    await client.lookup(['1605.08386']);
    const gaps = server.requests.slice(1).map((r, i) => r.at - server.requests[i]!.at);
    expect(gaps).toHaveLength(3);
    // Measured where the requests arrive, so a late arrival can shorten the next gap a little.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(200);
  });

  it('honours Retry-After on a 503, then succeeds', async () => {
    const { client, server } = await setup((req) =>
      req.nth === 1 ? { status: 503, headers: { 'retry-after': '1' }, body: 'busy' } : undefined,
    );
    const started = Date.now();
    const r = await client.lookup(['1605.08386']);
    expect(r.entries).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(990);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('retries a response slower than the timeout, and fails clearly when it stays slow', async () => {
    const { client, server } = await setup(
      (req) => (req.nth === 1 ? { body: 'late', delayMs: 400 } : undefined),
      {
        timeoutMs: 100,
      },
    );
    expect((await client.lookup(['1605.08386'])).entries).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    server.handler = () => ({ body: 'late', delayMs: 400 });
    const err = await caught(client.lookup(['1707.08567']));
    expect(err.message).toMatch(
      /^arXiv API: no response within 100 ms \(http:\/\/127\.0\.0\.1:\d+\/api\/query\?/,
    );
    expect(server.requests).toHaveLength(5);
  });

  it('asks again for a truncated page, and names source and URL when it stays truncated', async () => {
    const cut = (body: string) => body.slice(0, body.indexOf('<summary>'));
    const { client, server } = await setup((req) =>
      req.nth === 1 ? { body: cut(recordedBody(req.key)) } : undefined,
    );
    expect((await client.lookup(['1605.08386'])).entries).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    server.handler = (req) => ({ body: cut(recordedBody(req.key)) });
    const err = await caught(client.lookup(['1707.08567']));
    expect(err).toBeInstanceOf(AtomFeedError);
    expect(err.message).toMatch(
      /^arXiv API \(http:\/\/127\.0\.0\.1:\d+\/api\/query\?search_query=&id_list=1707\.08567&start=0&max_results=100\): malformed or truncated XML at line \d+, column \d+: .* \(3 tries\)$/,
    );
  });

  it('refuses HTML instead of Atom', async () => {
    const page = '<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>';
    const { client, server } = await setup(() => ({ headers: { 'content-type': 'text/html' }, body: page }));
    const err = await caught(client.lookup(['1605.08386']));
    expect(err.message).toMatch(/: got text\/html instead of an Atom feed \(3 tries\)$/);
    server.handler = () => ({ body: page }); // labelled as Atom, but it is not
    expect((await caught(client.lookup(['1605.08386']))).message).toMatch(
      /: got an HTML page instead of an Atom feed \(3 tries\)$/,
    );
  });

  it('refuses a body over the size cap', async () => {
    const { client } = await setup(undefined, { maxBodyBytes: 50_000 });
    const err = await caught(client.fetchPage({ searchQuery: 'testing', start: 0, maxResults: 100 }));
    expect(err.message).toMatch(/^arXiv API: response body larger than 50000 bytes/);
  });
});

describe('categoryDateQuery', () => {
  it('builds a category and date-range query in the API date format', () => {
    const q = categoryDateQuery(
      ['cs.LG', 'cs.CL'],
      'submittedDate',
      new Date('2024-10-20T00:00:00Z'),
      new Date('2024-10-25T23:59:00Z'),
    );
    expect(q).toBe('(cat:cs.LG OR cat:cs.CL) AND submittedDate:[202410200000 TO 202410252359]');
    expect(arxivDate(new Date('2026-02-18T02:07:59.999Z'))).toBe('202602180207');
  });
});
