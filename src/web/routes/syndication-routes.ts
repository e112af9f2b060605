// Open interfaces: feeds (RSS, Atom, JSON Feed) of every list, and citation exports (BibTeX, RIS,
// Markdown) of papers and lists. Everything is text built from the same records the pages show,
// cached and revalidated like the pages.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parseArxivId } from '../../domain/arxiv-id.ts';
import { toBibtex, toBibtexList, toRis, toRisList } from '../../domain/citation.ts';
import type { CitablePaper } from '../../domain/citation.ts';
import type { PaperDetail } from '../../db/repositories/paper-repository.ts';
import { NotFoundError } from '../../services/errors.ts';
import { toCitable } from '../feeds/citable.ts';
import type { FeedFormat } from '../feeds/feed-document.ts';
import { feedDocument } from '../feeds/feed-document.ts';
import type { FeedSource } from '../feeds/feed-sources.ts';
import { FeedSources, readSearchRequest } from '../feeds/feed-sources.ts';
import {
  DAILY_FEED,
  FEED_FORMAT_NAMES,
  FEED_FORMATS,
  feedPath,
  isFeedFormat,
  SEARCH_FEED,
  TRENDING_FEED,
} from '../feeds/formats.ts';
import { paperMarkdown } from '../feeds/paper-markdown.ts';
import type { ListServices } from '../feeds/paper-lists.ts';
import { periodList, searchList, trendingList } from '../feeds/paper-lists.ts';
import { PageCache } from '../page-cache.ts';
import { paperPath } from '../paths.ts';

interface Options extends ListServices {
  baseUrl: string;
  categoryName: (code: string) => string | null;
  /** Changes whenever stored data may have changed; keys the cache as for pages. */
  changeToken: () => string;
}

type ExportFormat = 'bib' | 'ris';

const EXPORTS: Readonly<
  Record<
    ExportFormat,
    {
      contentType: string;
      one: (p: CitablePaper) => string;
      list: (ps: readonly CitablePaper[]) => string;
    }
  >
> = {
  bib: { contentType: 'application/x-bibtex', one: (p) => toBibtex(p), list: toBibtexList },
  ris: { contentType: 'application/x-research-info-systems', one: toRis, list: toRisList },
};
const EXPORT_FORMATS = Object.keys(EXPORTS) as ExportFormat[];

/** Ids of papers that have no arXiv id (demo cards), as the paper page accepts them. */
const LOCAL_ID = /^pb-[0-9a-f]{8,40}$/;

/** What a response is, known before its body is built (so cached bodies need nothing else). */
interface TextKind {
  contentType: string;
  /** Offered as the file name when saved; absent for feeds. */
  filename?: string;
}

export const syndicationRoutes: FastifyPluginAsync<Options> = async (app, opts) => {
  const cache = new PageCache();
  const sources = new FeedSources(opts, opts.baseUrl, opts.categoryName);
  const ctx = { baseUrl: opts.baseUrl, categoryName: opts.categoryName };
  const citable = (papers: PaperDetail[]) => papers.map((p) => toCitable(p, opts.baseUrl));

  /** Like PageSender.sendPage: one rendering per URL and data version, ETag revalidation. */
  async function send(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: TextKind,
    render: () => Promise<string>,
  ): Promise<FastifyReply> {
    const token = opts.changeToken();
    const hit = cache.get(request.url, token) ?? cache.set(request.url, token, await render());
    reply
      .header('etag', hit.etag)
      .header('last-modified', hit.lastModified)
      .header('cache-control', 'public, max-age=0, must-revalidate');
    if (kind.filename) {
      const filename = kind.filename.replace(/[^\w.-]/g, '_');
      reply.header('content-disposition', `inline; filename="${filename}"`);
    }
    if (request.headers['if-none-match'] === hit.etag) return reply.code(304).send();
    return reply.type(`${kind.contentType}; charset=utf-8`).send(hit.body);
  }

  function sendFeed(
    request: FastifyRequest,
    reply: FastifyReply,
    format: FeedFormat,
    source: () => Promise<FeedSource>,
  ) {
    return send(request, reply, { contentType: FEED_FORMATS[format].contentType }, async () => {
      const { head, papers } = await source();
      return FEED_FORMATS[format].render(feedDocument(head, papers, ctx));
    });
  }

  // ---- Feeds with fixed names: /feeds/daily.rss, /feeds/trending.atom, /feeds/search.json?q=
  for (const format of FEED_FORMAT_NAMES) {
    app.get(feedPath(DAILY_FEED, format), (req, reply) =>
      sendFeed(req, reply, format, () => sources.daily()),
    );
    app.get(feedPath(TRENDING_FEED, format), (req, reply) =>
      sendFeed(req, reply, format, () => sources.trending()),
    );
    app.get(feedPath(SEARCH_FEED, format), (req, reply) =>
      sendFeed(req, reply, format, () => sources.search(readSearchRequest(req.query))),
    );
  }

  // ---- Feeds named by a value that may itself contain dots (cs.LG, "C. Balázs"): the format is
  // what follows the last dot, so one route per kind serves every format.
  const named: [string, (value: string) => Promise<FeedSource>][] = [
    ['/feeds/date/:file', (day) => sources.day(day)],
    ['/feeds/category/:file', (code) => sources.category(code)],
    ['/feeds/author/:file', (name) => sources.author(name)],
    ['/feeds/org/:file', (name) => sources.organization(name)],
    ['/feeds/user/:file', (handle) => sources.user(handle)],
  ];
  for (const [route, source] of named) {
    app.get<{ Params: { file: string } }>(route, (req, reply) => {
      const dot = req.params.file.lastIndexOf('.');
      const format = req.params.file.slice(dot + 1);
      const value = req.params.file.slice(0, Math.max(dot, 0));
      if (dot <= 0 || !isFeedFormat(format)) throw new NotFoundError(`no feed ${req.params.file}`);
      return sendFeed(req, reply, format, () => source(value));
    });
  }

  // ---- Citations of one paper: /papers/0704.0001.bib, /papers/hep-th/9901001.ris, /papers/….md
  // The paper page's /papers/* wildcard stays as it is: these more specific routes win only for
  // the three extensions, which no arXiv id ends with.
  async function sendPaper(
    request: FastifyRequest,
    reply: FastifyReply,
    raw: string,
    ext: ExportFormat | 'md',
  ) {
    const parsed = parseArxivId(raw);
    if (parsed && (parsed.version !== null || parsed.base !== raw)) {
      return reply.redirect(`${paperPath(parsed.base)}.${ext}`, 301);
    }
    const id = parsed?.base ?? (LOCAL_ID.test(raw) ? raw : null);
    if (!id) throw new NotFoundError(`not a paper id: ${raw}`);
    const filename = `${id}.${ext}`;
    const contentType = ext === 'md' ? 'text/markdown' : EXPORTS[ext].contentType;
    return send(request, reply, { contentType, filename }, async () => {
      const paper = await opts.papers.get(id);
      return ext === 'md'
        ? paperMarkdown(paper, opts.baseUrl)
        : EXPORTS[ext].one(toCitable(paper, opts.baseUrl));
    });
  }
  for (const ext of [...EXPORT_FORMATS, 'md'] as const) {
    app.get<{ Params: { id: string } }>(`/papers/:id.${ext}`, (req, reply) =>
      sendPaper(req, reply, req.params.id, ext),
    );
    app.get<{ Params: { archive: string; num: string } }>(`/papers/:archive/:num.${ext}`, (req, reply) =>
      sendPaper(req, reply, `${req.params.archive}/${req.params.num}`, ext),
    );
  }

  // ---- Citations of a list: /papers/date/2026-11-27.bib, /papers/trending.ris, /search.bib?q=
  function sendList(
    request: FastifyRequest,
    reply: FastifyReply,
    ext: ExportFormat,
    name: string,
    load: () => Promise<PaperDetail[]>,
  ) {
    const kind = { contentType: EXPORTS[ext].contentType, filename: `${name}.${ext}` };
    return send(request, reply, kind, async () => EXPORTS[ext].list(citable(await load())));
  }
  for (const ext of EXPORT_FORMATS) {
    for (const kind of ['day', 'week', 'month'] as const) {
      const segment = kind === 'day' ? 'date' : kind;
      app.get<{ Params: { period: string } }>(`/papers/${segment}/:period.${ext}`, (req, reply) =>
        sendList(req, reply, ext, req.params.period, () => periodList(opts, kind, req.params.period)),
      );
    }
    app.get(`/papers/trending.${ext}`, (req, reply) =>
      sendList(req, reply, ext, 'trending', () => trendingList(opts)),
    );
    app.get(`/search.${ext}`, (req, reply) => {
      const { query, sort } = readSearchRequest(req.query);
      return sendList(req, reply, ext, 'search', () => searchList(opts, query, sort ?? 'relevance'));
    });
  }
};
