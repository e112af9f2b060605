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
import { registerErrorHandling } from './error-handling.ts';
import { PageCache } from './page-cache.ts';
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

export interface WebDeps {
  feeds: FeedService;
  papers: PaperService;
  search: SearchService;
  profiles: ProfileService;
  organizations: OrganizationService;
  /** Changes whenever stored data may have changed; keys the page cache. */
  changeToken: () => string;
  /** Resolves when the database answers; throws otherwise. */
  checkHealth: () => Promise<void>;
  categoryName: (code: string) => string | null;
  baseUrl: string;
  logger: FastifyBaseLogger | boolean;
}

export interface PageSender {
  /** Renders (or reuses) an HTML page for GET requests, with ETag revalidation. */
  sendPage(
    request: FastifyRequest,
    reply: FastifyReply,
    render: () => Promise<JSX.Element>,
  ): Promise<FastifyReply>;
}

const ASSETS = fileURLToPath(new URL('./assets/', import.meta.url));
const KATEX_DIST = path.join(path.dirname(fileURLToPath(import.meta.resolve('katex'))), '');

export async function buildApp(deps: WebDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: typeof deps.logger === 'boolean' ? undefined : deps.logger,
    logger: typeof deps.logger === 'boolean' ? deps.logger : undefined,
    // Let in-flight requests finish on close, but do not wait on idle keep-alive sockets.
    forceCloseConnections: 'idle',
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
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
  await registerApiDocs(app, deps.baseUrl);

  const cache = new PageCache();
  const cached = async (
    request: FastifyRequest,
    reply: FastifyReply,
    type: string,
    build: () => Promise<string>,
  ): Promise<FastifyReply> => {
    const token = deps.changeToken();
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
    sendPage: (request, reply, render) =>
      cached(request, reply, 'text/html; charset=utf-8', async () => renderDocument(await render())),
  };
  const json: JsonSender = {
    sendJson: (request, reply, build) =>
      cached(request, reply, 'application/json; charset=utf-8', async () => JSON.stringify(await build())),
  };

  await app.register(healthRoutes, { checkHealth: deps.checkHealth });
  await app.register(apiRoutes, {
    feeds: deps.feeds,
    papers: deps.papers,
    search: deps.search,
    json,
    baseUrl: deps.baseUrl,
  });
  await app.register(feedRoutes, { feeds: deps.feeds, pages, baseUrl: deps.baseUrl });
  await app.register(searchRoutes, { search: deps.search, pages });
  await app.register(syndicationRoutes, {
    feeds: deps.feeds,
    papers: deps.papers,
    search: deps.search,
    profiles: deps.profiles,
    baseUrl: deps.baseUrl,
    categoryName: deps.categoryName,
    changeToken: deps.changeToken,
  });
  await app.register(profileRoutes, { profiles: deps.profiles, pages, baseUrl: deps.baseUrl });
  await app.register(organizationRoutes, { organizations: deps.organizations, pages, baseUrl: deps.baseUrl });
  await app.register(paperRoutes, {
    papers: deps.papers,
    search: deps.search,
    pages,
    baseUrl: deps.baseUrl,
    categoryName: deps.categoryName,
  });
  return app;
}
