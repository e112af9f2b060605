import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { formatDay } from '../../domain/periods.ts';
import { FeedService } from '../../services/feed-service.ts';
import { InvalidInputError } from '../../services/errors.ts';
import type { PageSender } from '../app.ts';
import { monthPath, weekPath } from '../paths.ts';
import { EmptySitePage, PeriodFeedPage, TrendingPage } from '../views/feed-page.tsx';

interface Options {
  feeds: FeedService;
  pages: PageSender;
  baseUrl: string;
}

/** The `p` query parameter: a page index from 0. */
function pageParam(request: FastifyRequest): number {
  const raw = (request.query as Record<string, unknown>).p;
  if (raw === undefined || raw === '') return 0;
  if (typeof raw !== 'string' || !/^\d{1,4}$/.test(raw)) {
    throw new InvalidInputError('p must be a page number (0, 1, 2 …)', 'p');
  }
  return Number(raw);
}

export const feedRoutes: FastifyPluginAsync<Options> = async (app, { feeds, pages, baseUrl }) => {
  const canonical = (path: string) => `${baseUrl}${path}`;

  app.get('/', (request, reply) =>
    pages.sendPage(request, reply, async () => {
      const day = await feeds.latestDay();
      if (!day) return h(EmptySitePage, {});
      return h(PeriodFeedPage, { feed: await feeds.day(day, pageParam(request)), canonical: canonical('/') });
    }),
  );

  app.get<{ Params: { day: string } }>('/papers/date/:day', (request, reply) =>
    pages.sendPage(request, reply, async () => {
      const feed = await feeds.day(request.params.day, pageParam(request));
      return h(PeriodFeedPage, { feed, canonical: canonical(`/papers/date/${feed.period}`) });
    }),
  );

  app.get<{ Params: { week: string } }>('/papers/week/:week', (request, reply) =>
    pages.sendPage(request, reply, async () => {
      const feed = await feeds.week(request.params.week, pageParam(request));
      return h(PeriodFeedPage, { feed, canonical: canonical(weekPath(feed.period)) });
    }),
  );

  app.get<{ Params: { month: string } }>('/papers/month/:month', (request, reply) =>
    pages.sendPage(request, reply, async () => {
      const feed = await feeds.month(request.params.month, pageParam(request));
      return h(PeriodFeedPage, { feed, canonical: canonical(monthPath(feed.period)) });
    }),
  );

  // /papers/week and /papers/month without a period go to the one holding the latest listed day.
  for (const kind of ['week', 'month'] as const) {
    app.get(`/papers/${kind}`, async (_request, reply) => {
      const day = (await feeds.latestDay()) ?? formatDay(Date.now());
      const period = FeedService.periodOf(kind, day);
      return reply.redirect(kind === 'week' ? weekPath(period) : monthPath(period));
    });
  }

  app.get('/papers/trending', (request, reply) =>
    pages.sendPage(request, reply, async () =>
      h(TrendingPage, {
        feed: await feeds.trending(pageParam(request)),
        canonical: canonical('/papers/trending'),
      }),
    ),
  );
};
