// The JSON API, compatible with Hugging Face's papers API (paths, parameters, field names).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parseArxivId } from '../../domain/arxiv-id.ts';
import { formatDay } from '../../domain/periods.ts';
import type { FeedService } from '../../services/feed-service.ts';
import type { PaperService } from '../../services/paper-service.ts';
import type { SearchService } from '../../services/search-service.ts';
import type { SubmissionService } from '../../services/submission-service.ts';
import { NotFoundError } from '../../services/errors.ts';
import type { PaperSummary } from '../../db/repositories/paper-summaries.ts';
import { apiDailyItem, apiPaperDetail, apiPaper } from '../api/hf-presenter.ts';
import { dailyPapersRoute, listRoute, paperRoute, searchRoute } from '../api/schemas.ts';

export interface JsonSender {
  /** Sends JSON built by `build`, cached and revalidated like the pages (ETag, Last-Modified). */
  sendJson(
    request: FastifyRequest,
    reply: FastifyReply,
    build: () => Promise<unknown>,
  ): Promise<FastifyReply>;
}

interface Options {
  feeds: FeedService;
  papers: PaperService;
  search: SearchService;
  json: JsonSender;
  baseUrl: string;
  /** Who submitted listed papers (the items' submittedBy). */
  submissions: SubmissionService;
}

interface DailyQuery {
  p: number;
  limit: number;
  date?: string;
  week?: string;
  month?: string;
  submitter?: string;
  sort: 'publishedAt' | 'trending';
}

export const apiRoutes: FastifyPluginAsync<Options> = async (
  app,
  { feeds, papers, search, json, baseUrl, submissions },
) => {
  const dailyItems = async (summaries: PaperSummary[]) => {
    const [items, submitters] = await Promise.all([
      papers.withFullAuthors(summaries),
      submissions.submittersOf(summaries.map((s) => s.id)),
    ]);
    return items.map((item) => apiDailyItem(item, baseUrl, undefined, submitters.get(item.id) ?? null));
  };
  app.get<{ Querystring: DailyQuery }>('/api/daily_papers', { schema: dailyPapersRoute }, (request, reply) =>
    json.sendJson(request, reply, async () => {
      const q = request.query;
      const options = { limit: q.limit, submitter: q.submitter ?? null };
      let page;
      if (q.sort === 'trending' && !q.date && !q.week && !q.month) {
        page = (await feeds.trending(q.p, options)).papers;
      } else if (q.week) page = (await feeds.week(q.week, q.p, options)).papers;
      else if (q.month) page = (await feeds.month(q.month, q.p, options)).papers;
      else {
        const day = q.date ?? (await feeds.latestDay()) ?? formatDay(Date.now());
        page = (await feeds.day(day, q.p, options)).papers;
      }
      return dailyItems(page.items);
    }),
  );

  app.get<{ Querystring: { q: string; limit: number } }>(
    '/api/papers/search',
    { schema: searchRoute },
    (request, reply) =>
      json.sendJson(request, reply, async () => {
        const results = await search.search(request.query.q, { limit: request.query.limit });
        return dailyItems(results.items);
      }),
  );

  app.get<{ Querystring: { cursor?: string; limit: number } }>(
    '/api/papers',
    { schema: listRoute },
    (request, reply) =>
      json.sendJson(request, reply, async () => {
        const page = await papers.list(request.query.cursor ?? null, request.query.limit);
        if (page.nextCursor) {
          const next = new URLSearchParams({ cursor: page.nextCursor, limit: String(request.query.limit) });
          reply.header('link', `<${baseUrl}/api/papers?${next.toString()}>; rel="next"`);
        }
        return page.items.map((item) => apiPaper(item, baseUrl));
      }),
  );

  const onePaper = (raw: string) => async () => {
    const id = parseArxivId(raw)?.base ?? (/^pb-[0-9a-f]{8,40}$/.test(raw) ? raw : null);
    if (!id) throw new NotFoundError(`not a paper id: ${raw}`);
    return apiPaperDetail(await papers.get(id), baseUrl);
  };
  app.get<{ Params: { id: string } }>('/api/papers/:id', { schema: paperRoute }, (request, reply) =>
    json.sendJson(request, reply, onePaper(request.params.id)),
  );
  // Old-style ids contain a slash: /api/papers/hep-th/9901001.
  app.get<{ Params: { archive: string; number: string } }>(
    '/api/papers/:archive/:number',
    { schema: { hide: true } },
    (request, reply) =>
      json.sendJson(request, reply, onePaper(`${request.params.archive}/${request.params.number}`)),
  );
};
