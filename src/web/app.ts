// Builds the Fastify application from already-constructed services. Knows nothing about how the
// services are made (that is src/main's job), so tests can build it around any database.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JSX } from 'preact';
import type { FeedService } from '../services/feed-service.ts';
import type { OrganizationService } from '../services/organization-service.ts';
import type { PaperService } from '../services/paper-service.ts';
import type { ProfileService } from '../services/profile-service.ts';
import type { SearchService } from '../services/search-service.ts';
import type { RateLimits } from '../config/config.ts';
import type { AccountService } from '../services/account-service.ts';
import type { AuthService } from '../services/auth-service.ts';
import { registerAuth } from './auth-plugin.ts';
import type { RateLimitCounter } from './rate-limit-store.ts';
import { registerErrorHandling } from './error-handling.ts';
import { addVary, anonymousState, sendPersonalPage, withViewer } from './personal-page.ts';
import type { UpvotedBy } from './personal-page.ts';
import { apiAccountRoutes } from './routes/api-account-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { settingsRoutes } from './routes/settings-routes.ts';
import { subscriptionRoutes } from './routes/subscription-routes.ts';
import { adminMailRoutes } from './routes/admin-mail-routes.ts';
import { adminJobsRoutes } from './routes/admin-jobs-routes.ts';
import type { SubscriptionService } from '../services/subscription-service.ts';
import type { MailAdminService } from '../services/mail-admin-service.ts';
import type { JobAdminService } from '../services/job-admin-service.ts';
import { PageCache } from './page-cache.ts';
import { staleTolerantToken } from './stale-tolerant-token.ts';
import { renderDocument } from './render.ts';
import { feedRoutes } from './routes/feed-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { organizationRoutes } from './routes/organization-routes.ts';
import { paperRoutes } from './routes/paper-routes.ts';
import { profileRoutes } from './routes/profile-routes.ts';
import { searchRoutes } from './routes/search-routes.ts';
import { syndicationRoutes } from './routes/syndication-routes.ts';
import { apiRoutes } from './routes/api-routes.ts';
import type { JsonSender } from './routes/api-routes.ts';
import { registerApiDocs } from './api/openapi.ts';
import type { SubmissionRules, SubmissionService } from '../services/submission-service.ts';
import type { VoteService } from '../services/vote-service.ts';
import { apiWriteRoutes } from './routes/api-write-routes.ts';
import { submitRoutes } from './routes/submit-routes.ts';
import { voteRoutes } from './routes/vote-routes.ts';
import type { CommentService } from '../services/comment-service.ts';
import type { ModerationService } from '../services/moderation-service.ts';
import { commentApiRoutes } from './routes/comment-api-routes.ts';
import { commentRoutes } from './routes/comment-routes.ts';
import { moderationRoutes } from './routes/moderation-routes.ts';

export interface WebDeps {
  feeds: FeedService;
  papers: PaperService;
  search: SearchService;
  profiles: ProfileService;
  organizations: OrganizationService;
  /** Changes whenever stored data may have changed; keys the page cache. */
  changeToken: () => string;
  /** How long a cached anonymous page may be served after its data changed (0: never). */
  pageCacheStaleMs?: number;
  /** Resolves when the database answers; throws otherwise. */
  checkHealth: () => Promise<void>;
  categoryName: (code: string) => string | null;
  baseUrl: string;
  logger: FastifyBaseLogger | boolean;
  auth: AuthService;
  accounts: AccountService;
  /** Ids of the papers a user upvoted, for the vote buttons of their pages. */
  upvotedBy: UpvotedBy;
  rateLimits: RateLimits;
  /** Shared rate-limit counters (RATE_LIMIT_STORE=database); null: this process's memory. */
  rateLimitCounter?: RateLimitCounter | null;
  sessionDays: number;
  signinTokenMinutes: number;
  /** Whom to believe about the client's address (X-Forwarded-For); false: the socket's. */
  trustProxy?: boolean | number | string[];
  votes: VoteService;
  submissions: SubmissionService;
  submissionRules: SubmissionRules;
  /** Paper discussions (comments, replies, reports). */
  comments: CommentService;
  /** Moderation actions, the reports queue and the audit log. */
  moderation: ModerationService;
  /** Email subscriptions (digests, topic alerts) and the admin's mail page. */
  subscriptions: SubscriptionService;
  mailAdmin: MailAdminService;
  /** The job queue's page for administrators (/admin/jobs). */
  jobsAdmin: JobAdminService;
}

export interface SendPageOptions {
  /**
   * The page holds a form (sign in, subscribe) or anything else for this one visitor: render it
   * per request with a CSRF token and `Cache-Control: private, no-store`, even when signed out.
   */
  personal?: boolean;
}

export interface PageSender {
  /**
   * Renders (or reuses) an HTML page for GET requests, with ETag revalidation. Pages for a
   * signed-in viewer, and personal pages, are rendered per request and never cached.
   */
  sendPage(
    request: FastifyRequest,
    reply: FastifyReply,
    render: () => Promise<JSX.Element>,
    options?: SendPageOptions,
  ): Promise<FastifyReply>;
}

const ASSETS = fileURLToPath(new URL('./assets/', import.meta.url));
const KATEX_DIST = path.join(path.dirname(fileURLToPath(import.meta.resolve('katex'))), '');

/** A number of proxies becomes the hop test Fastify applies to numbers (its types want a function). */
function trustProxyOption(trust: WebDeps['trustProxy']) {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : (trust ?? false);
}

export async function buildApp(deps: WebDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: typeof deps.logger === 'boolean' ? undefined : deps.logger,
    logger: typeof deps.logger === 'boolean' ? deps.logger : undefined,
    // Let in-flight requests finish on close, but do not wait on idle keep-alive sockets.
    forceCloseConnections: 'idle',
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: trustProxyOption(deps.trustProxy),
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // KaTeX positions glyphs with inline style attributes.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: deps.baseUrl.startsWith('https:') ? [] : null,
      },
    },
    strictTransportSecurity: deps.baseUrl.startsWith('https:'),
    // Same-origin requests keep their Referer (a form post that needs a sign-in returns to its
    // page); other sites learn nothing.
    referrerPolicy: { policy: 'same-origin' },
  });

  await app.register(fastifyStatic, {
    root: ASSETS,
    prefix: '/assets/',
    maxAge: '1h',
    index: false,
  });
  await app.register(fastifyStatic, {
    root: KATEX_DIST,
    prefix: '/assets/katex/',
    decorateReply: false,
    maxAge: '7d',
    index: false,
    allowedPath: (p) => p === '/katex.min.css' || p.startsWith('/fonts/'),
  });

  registerErrorHandling(app);
  const limits = await registerAuth(app, deps);
  await registerApiDocs(app, deps.baseUrl);

  // Anonymous pages and feeds are cached per data version; PAGE_CACHE_STALE_MS bounds how often
  // a stream of writes may empty the caches.
  const changeToken = staleTolerantToken(deps.changeToken, deps.pageCacheStaleMs ?? 0);
  const cache = new PageCache();
  const cached = async (
    request: FastifyRequest,
    reply: FastifyReply,
    type: string,
    build: () => Promise<string>,
  ): Promise<FastifyReply> => {
    // What a signed-in viewer (or API token) sees may depend on who they are: never shared.
    if (request.viewer) {
      const body = await build();
      return reply.header('cache-control', 'private, no-store').type(type).send(body);
    }
    addVary(reply, type.startsWith('text/html') ? 'Cookie' : 'Cookie, Authorization');
    const token = changeToken();
    const key = `${type} ${request.url}`;
    const page = cache.get(key, token) ?? cache.set(key, token, await build());
    reply
      .header('etag', page.etag)
      .header('last-modified', page.lastModified)
      .header('cache-control', 'public, max-age=0, must-revalidate');
    if (request.headers['if-none-match'] === page.etag) return reply.code(304).send();
    return reply.type(type).send(page.body);
  };
  const pages: PageSender = {
    sendPage: (request, reply, render, options = {}) =>
      request.viewer || options.personal
        ? sendPersonalPage(request, reply, render, deps.upvotedBy)
        : cached(request, reply, 'text/html; charset=utf-8', async () =>
            renderDocument(withViewer(anonymousState(request), await render())),
          ),
  };
  const json: JsonSender = {
    sendJson: (request, reply, build) =>
      cached(request, reply, 'application/json; charset=utf-8', async () => JSON.stringify(await build())),
  };

  await app.register(healthRoutes, { checkHealth: deps.checkHealth });
  await app.register(authRoutes, {
    auth: deps.auth,
    pages,
    limits,
    baseUrl: deps.baseUrl,
    sessionDays: deps.sessionDays,
    signinTokenMinutes: deps.signinTokenMinutes,
  });
  await app.register(settingsRoutes, { accounts: deps.accounts, pages });
  await app.register(subscriptionRoutes, { subscriptions: deps.subscriptions, pages });
  await app.register(adminMailRoutes, {
    mailAdmin: deps.mailAdmin,
    subscriptions: deps.subscriptions,
    pages,
  });
  await app.register(adminJobsRoutes, { jobsAdmin: deps.jobsAdmin, pages });
  await app.register(apiAccountRoutes);
  await app.register(apiRoutes, {
    feeds: deps.feeds,
    papers: deps.papers,
    search: deps.search,
    json,
    baseUrl: deps.baseUrl,
    submissions: deps.submissions,
  });
  await app.register(feedRoutes, { feeds: deps.feeds, pages, baseUrl: deps.baseUrl });
  await app.register(searchRoutes, { search: deps.search, pages, upvotedBy: deps.upvotedBy });
  await app.register(syndicationRoutes, {
    feeds: deps.feeds,
    papers: deps.papers,
    search: deps.search,
    profiles: deps.profiles,
    baseUrl: deps.baseUrl,
    categoryName: deps.categoryName,
    changeToken,
  });
  await app.register(profileRoutes, { profiles: deps.profiles, pages, baseUrl: deps.baseUrl });
  await app.register(organizationRoutes, { organizations: deps.organizations, pages, baseUrl: deps.baseUrl });
  await app.register(paperRoutes, {
    papers: deps.papers,
    search: deps.search,
    comments: deps.comments,
    submissions: deps.submissions,
    pages,
    baseUrl: deps.baseUrl,
    categoryName: deps.categoryName,
  });
  await app.register(voteRoutes, { votes: deps.votes });
  await app.register(commentRoutes, { comments: deps.comments, pages });
  await app.register(moderationRoutes, { moderation: deps.moderation, pages });
  await app.register(commentApiRoutes, {
    comments: deps.comments,
    papers: deps.papers,
    json,
    baseUrl: deps.baseUrl,
  });
  await app.register(submitRoutes, {
    submissions: deps.submissions,
    papers: deps.papers,
    pages,
    rules: deps.submissionRules,
  });
  await app.register(apiWriteRoutes, {
    votes: deps.votes,
    submissions: deps.submissions,
    papers: deps.papers,
    baseUrl: deps.baseUrl,
  });
  return app;
}
