// A real OAI-PMH endpoint on loopback that answers with the REAL arXiv responses recorded in
// ../shared/data/arxiv/oai-pmh (see its MANIFEST.md). Requests are matched on their exact query
// (verb, metadataPrefix, set, from, until, identifier, resumptionToken); an unmatched request gets a
// 404 naming it, so a test never passes on a response nobody recorded.
//
// The recordings hold only one page with a real resumptionToken (arXivRaw, "726959|1001"), so paging
// beyond it is DERIVED and said so where it is built: real page files served in sequence with a
// <resumptionToken> written into them (chainRoutes), and the real GetRecord arXivRaw record served as
// the page after "726959|1001" (rawSecondPage).
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const OAI_DATA = path.resolve(import.meta.dirname, '../../../shared/data/arxiv/oai-pmh');

/** A recorded file, byte for byte. */
export function recording(relative: string): string {
  return fs.readFileSync(path.join(OAI_DATA, relative), 'utf8');
}

export interface Reply {
  /** Names the answer in the request log and in 'served' events. */
  name: string;
  status?: number;
  headers?: Record<string, string>;
  /** A body, or a writer for streamed answers (huge or cut-off bodies). */
  body: string | ((res: http.ServerResponse) => void);
}

/** Answers a query, or null to let the next route try. `hit` counts earlier requests with this query. */
export type Route = (query: Record<string, string>, hit: number) => Reply | null;

export interface Served {
  name: string;
  query: Record<string, string>;
  status: number;
}

const XML = { 'content-type': 'text/xml; charset=utf-8' };

/** A route for requests whose query is exactly `expected` (no parameter more or less). */
export function exact(
  expected: Record<string, string>,
  reply: Omit<Reply, 'name'> & { name?: string },
): Route {
  const want = canonical(expected);
  return (query) => (canonical(query) === want ? { name: reply.name ?? want, headers: XML, ...reply } : null);
}

function canonical(q: Record<string, string>): string {
  return Object.keys(q)
    .sort()
    .map((k) => `${k}=${q[k]}`)
    .join('&');
}

/** Answers `status` (with headers) the first `times` times a route matches, then the route's answer. */
export function failFirst(
  route: Route,
  times: number,
  status: number,
  headers: Record<string, string> = {},
): Route {
  return (query, hit) => {
    const reply = route(query, hit);
    if (reply === null || hit >= times) return reply;
    return {
      name: `${reply.name} (HTTP ${status})`,
      status,
      headers,
      body: 'Service temporarily unavailable',
    };
  };
}

const file = (name: string, relative: string): Omit<Reply, 'name'> & { name: string } => ({
  name,
  body: recording(relative),
});

/** Writes a <resumptionToken> into a recorded page (DERIVED); an empty token marks the last page. */
export function withToken(page: string, token: string, cursor: number, size: number): string {
  const element =
    token === ''
      ? `<resumptionToken cursor="${cursor}" completeListSize="${size}"/>`
      : `<resumptionToken cursor="${cursor}" completeListSize="${size}">${token}</resumptionToken>`;
  if (!page.includes('</ListRecords>')) throw new Error('not a ListRecords page');
  return page.replace('</ListRecords>', `${element}\n</ListRecords>`);
}

/** DERIVED: the recorded GetRecord arXivRaw record (1302.2146) as the last page after "726959|1001". */
export function rawSecondPage(): string {
  const page = recording('arXivRaw_mikesaelim-2015/GetRecordResponse.xml')
    .replace('<GetRecord>', '<ListRecords>')
    .replace('</GetRecord>', '</ListRecords>');
  return withToken(page, '', 1001, 1002);
}

/** Every recording, at the request that produced it (as its <request> element says) or a stand-in. */
export function recordedRoutes(): Route[] {
  const raw = 'arXivRaw_mikesaelim-2015/';
  const inv = 'arXiv_invenio-2015-2017/';
  const hep = 'arXiv_hepcrawl-2017/';
  const list = { verb: 'ListRecords' };
  const get = { verb: 'GetRecord' };
  return [
    exact(
      { ...list, metadataPrefix: 'arXivRaw', from: '2014-10-01' },
      file('raw-page-1', `${raw}ListRecordsResponse.xml`),
    ),
    exact(
      { ...list, resumptionToken: '726959|1001' },
      { name: 'raw-page-2 (derived)', body: rawSecondPage() },
    ),
    exact(
      { ...list, metadataPrefix: 'arXiv', set: 'cs', from: '2015-01-16', until: '2015-01-18' },
      file('cs', `${inv}sample_arxiv_response_listrecords_cs.xml`),
    ),
    exact(
      { ...list, metadataPrefix: 'arXiv', set: 'physics', from: '2015-01-16', until: '2015-01-18' },
      file('physics', `${inv}sample_arxiv_response_listrecords_physics.xml`),
    ),
    exact(
      { ...list, metadataPrefix: 'arXiv', set: 'physics:hep-ex', from: '2017-12-14' },
      file('hep-ex', `${hep}arxiv-physics-hep-ex.xml`),
    ),
    exact(
      { ...list, metadataPrefix: 'arXiv', set: 'physics:hep-th', from: '2017-12-14' },
      file('hep-th', `${hep}arxiv-physics-hep-th.xml`),
    ),
    exact(
      { ...list, metadataPrefix: 'arXiv', set: 'physics:hep-lat', from: '2015-01-17', until: '2015-01-17' },
      file('empty', `${inv}sample_empty_response.xml`),
    ),
    exact(
      { ...list, metadataPrefix: 'arXivRaw', set: 'moo' },
      file('no-records', `${raw}ErrorResponseNoRecordsMatch.xml`),
    ),
    // Stand-in request for the recorded badArgument answer (recorded for an `identifier` argument).
    exact(
      { ...list, metadataPrefix: 'arXivRaw', set: 'bad-argument', from: '2024-10-01' },
      file('bad-argument', `${raw}ErrorResponseBadArgument.xml`),
    ),
    exact(
      { ...get, identifier: 'oai:arXiv.org:1302.2146', metadataPrefix: 'arXivRaw' },
      file('get-raw', `${raw}GetRecordResponse.xml`),
    ),
    exact(
      { ...get, identifier: 'oai:arXiv.org:0813.2274', metadataPrefix: 'arXivRaw' },
      file('id-does-not-exist', `${raw}ErrorResponseIdDoesNotExist.xml`),
    ),
    exact(
      { ...get, identifier: 'oai:arXiv.org:1507.03011', metadataPrefix: 'arXiv' },
      file('get-arxiv', `${inv}sample_arxiv_response.xml`),
    ),
    exact(
      { ...get, identifier: 'oai:arXiv.org:1401.2122', metadataPrefix: 'arXiv' },
      file('get-arxiv-single', `${hep}arxiv-single.xml`),
    ),
    exact(
      { ...get, identifier: 'oai:arXiv.org:1207.1019', metadataPrefix: 'oai_dc' },
      file('get-oai-dc', `${inv}sample_arxiv_response_utf8.xml`),
    ),
    exact({ verb: 'wah' }, file('bad-verb', `${raw}ErrorResponseBadVerb.xml`)),
    // A token the repository does not know (expired): the recorded badResumptionToken answer.
    (query) =>
      query.verb === 'ListRecords' && query.resumptionToken !== undefined
        ? {
            name: 'bad-resumption-token',
            headers: XML,
            body: recording(`${raw}ErrorResponseBadResumptionToken.xml`),
          }
        : null,
  ];
}

/** The four arXiv-format page files as one list of set "physics" from 2017-12-14 (DERIVED paging). */
export const CHAIN = [
  { token: 'chain-1', relative: 'arXiv_hepcrawl-2017/arxiv-physics-hep-ex.xml', records: 3 },
  { token: 'chain-2', relative: 'arXiv_hepcrawl-2017/arxiv-physics-hep-th.xml', records: 3 },
  {
    token: 'chain-3',
    relative: 'arXiv_invenio-2015-2017/sample_arxiv_response_listrecords_cs.xml',
    records: 46,
  },
  {
    token: '',
    relative: 'arXiv_invenio-2015-2017/sample_arxiv_response_listrecords_physics.xml',
    records: 150,
  },
] as const;
export const CHAIN_START = {
  verb: 'ListRecords',
  metadataPrefix: 'arXiv',
  set: 'physics',
  from: '2017-12-14',
};

export function chainRoutes(): Route[] {
  const size = CHAIN.reduce((n, p) => n + p.records, 0);
  let cursor = 0;
  return CHAIN.map((page, i) => {
    const body = withToken(recording(page.relative), page.token, cursor, size);
    cursor += page.records;
    const query = i === 0 ? CHAIN_START : { verb: 'ListRecords', resumptionToken: CHAIN[i - 1]!.token };
    return exact(query, { name: `chain page ${i + 1}`, body });
  });
}

export class OaiReplayServer extends EventEmitter {
  readonly requests: Served[] = [];
  private readonly hits = new Map<string, number>();

  private readonly server = http.createServer((req, res) => this.answer(req, res));
  private address = '';

  private constructor(private readonly routes: Route[]) {
    super();
  }

  /** The base URL to give the client, e.g. http://127.0.0.1:PORT/oai. */
  get url(): string {
    return this.address;
  }

  static async start(routes: Route[]): Promise<OaiReplayServer> {
    const replay = new OaiReplayServer(routes);
    await new Promise<void>((r) => replay.server.listen(0, '127.0.0.1', r));
    replay.address = `http://127.0.0.1:${(replay.server.address() as AddressInfo).port}/oai`;
    return replay;
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
    const key = canonical(query);
    const hit = this.hits.get(key) ?? 0;
    this.hits.set(key, hit + 1);
    let reply: Reply | null = null;
    for (const route of this.routes) if ((reply = route(query, hit)) !== null) break;
    const chosen = reply ?? { name: 'unmatched', status: 404, body: `no recording answers ${key}` };
    const served: Served = { name: chosen.name, query, status: chosen.status ?? 200 };
    this.requests.push(served);
    res.on('finish', () => this.emit('served', served));
    res.writeHead(served.status, chosen.headers ?? {});
    if (typeof chosen.body === 'function') chosen.body(res);
    else res.end(chosen.body);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
