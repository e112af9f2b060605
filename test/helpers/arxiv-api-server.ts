// A loopback stand-in for export.arxiv.org/api/query that replays real recorded responses
// (../shared/data/arxiv/api-atom, see its MANIFEST.md), matched by the request's query string, and
// lets a test answer some requests itself (empty pages, 503s, slow or truncated responses).
//
// The 2026 recordings are JSON wrappers {url, status_code, body}. Their recorder decoded arXiv's
// UTF-8 bytes as Latin-1 ("WÃ¼bben"), so the body is turned back into those bytes (every body
// round-trips exactly) and served as UTF-8, as arXiv served it.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const RECORDINGS = path.resolve(import.meta.dirname, '../../../shared/data/arxiv/api-atom');
const DIR_2026 = path.join(RECORDINGS, 'arxiv.py-recorded-2026');
const DIR_2016 = path.join(RECORDINGS, 'arxiv.py-fixtures-2016');

export interface Recording {
  status: number;
  /** The bytes arXiv sent. */
  bytes: Buffer;
}

/** What identifies a response: the ids asked for, or the query and the page. */
export function recordingKey(params: URLSearchParams): string {
  const ids = params.get('id_list') ?? '';
  if (ids !== '') return `id:${ids}`;
  return `q:${params.get('search_query') ?? ''}|${params.get('start') ?? '0'}|${params.get('max_results') ?? '10'}`;
}

let cache: Map<string, Recording> | null = null;

export function recordings(): Map<string, Recording> {
  if (cache) return cache;
  cache = new Map();
  for (const name of fs.readdirSync(DIR_2026).filter((n) => n.endsWith('.json'))) {
    const r = JSON.parse(fs.readFileSync(path.join(DIR_2026, name), 'utf8')) as {
      url: string;
      status_code: number;
      body: string;
    };
    const key = recordingKey(new URL(r.url).searchParams);
    cache.set(key, { status: r.status_code, bytes: Buffer.from(r.body, 'latin1') });
  }
  return cache;
}

/** The body of a 2026 recording as text, e.g. recordedBody('q:testing|0|10'). */
export function recordedBody(key: string): string {
  const r = recordings().get(key);
  if (!r) throw new Error(`no recording ${key}`);
  return r.bytes.toString('utf8');
}

/** A 2016-era fixture (raw Atom) by file name. */
export function fixture2016(name: string): string {
  return fs.readFileSync(path.join(DIR_2016, name), 'utf8');
}

/** The same page saying the query has `total` results (to play a short result set with real pages). */
export function withTotal(body: string, total: number): string {
  return body.replace(/(<opensearch:totalResults[^>]*>)\d+(<)/, `$1${total}$2`);
}

/** The same feed with no entries: what arXiv's transient empty pages look like. */
export function withoutEntries(body: string): string {
  return body.replace(/<entry>[\s\S]*<\/entry>\s*/, '');
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: string | Buffer;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface SeenRequest {
  params: URLSearchParams;
  key: string;
  userAgent: string;
  at: number;
  /** How many requests with this key came before, this one included. */
  nth: number;
}

/** Answers a request itself, or returns undefined to replay the recording. */
export type Handler = (req: SeenRequest) => Reply | undefined | Promise<Reply | undefined>;

export interface ArxivApiServer {
  /** The query endpoint, for ARXIV_API_URL. */
  url: string;
  requests: SeenRequest[];
  handler: Handler;
  close(): Promise<void>;
}

const ATOM = 'application/atom+xml; charset=utf-8';

export async function startArxivApiServer(handler: Handler = () => undefined): Promise<ArxivApiServer> {
  const counts = new Map<string, number>();
  const state: ArxivApiServer = { url: '', requests: [], handler, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const params = new URL(req.url ?? '/', 'http://x').searchParams;
    const key = recordingKey(params);
    const nth = (counts.get(key) ?? 0) + 1;
    counts.set(key, nth);
    const seen = { params, key, userAgent: String(req.headers['user-agent']), at: Date.now(), nth };
    state.requests.push(seen);
    void Promise.resolve(state.handler(seen)).then((reply) => {
      const r = reply ?? replay(key);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(r.status ?? 200, { 'content-type': ATOM, ...r.headers });
        res.end(r.body);
      };
      if (r.delayMs) setTimeout(send, r.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/query`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

function replay(key: string): Reply {
  const r = recordings().get(key);
  if (!r) return { status: 404, headers: { 'content-type': 'text/plain' }, body: `no recording for ${key}` };
  return { status: r.status, body: r.bytes };
}

/**
 * Answers category/date searches (the poller's and --from/--to queries, which no recording has)
 * with the recorded `search_query=testing` pages of the same start and size, saying the query has
 * `total` results.
 */
export function categorySearchAs(total: number): Handler {
  return (req) => {
    const query = req.params.get('search_query') ?? '';
    if (!/Date:\[/.test(query)) return undefined;
    const key = `q:testing|${req.params.get('start')}|${req.params.get('max_results')}`;
    return { body: withTotal(recordedBody(key), total) };
  };
}
