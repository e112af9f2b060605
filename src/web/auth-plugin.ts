// Who is asking, and may they change things: cookies, form bodies, the session and API-token
// hook that sets request.viewer, the CSRF check on every state-changing request, and rate limits.
// Registered on the root instance (not as an encapsulated plugin) so every route sees it.
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import type { RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { RateLimits } from '../config/config.ts';
import type { AuthService } from '../services/auth-service.ts';
import { RateLimitedError, UnauthorizedError } from '../services/errors.ts';
import { databaseRateLimitStore } from './rate-limit-store.ts';
import type { RateLimitCounter } from './rate-limit-store.ts';
import type { Viewer } from './viewer-context.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: no CSRF check (only for routes authenticated by a signed token in the URL). */
    csrf?: boolean;
  }
  interface FastifyRequest {
    /** The signed-in person (session cookie, or a `pb_` API token on /api/ routes), or null. */
    viewer: Viewer | null;
    /** How the viewer was recognised; token requests skip the CSRF check. */
    authMethod: 'session' | 'token' | null;
  }
}

export const SESSION_COOKIE = 'pb_session';
export const CSRF_COOKIE = 'pb_csrf';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuthWebDeps {
  auth: AuthService;
  rateLimits: RateLimits;
  baseUrl: string;
  sessionDays: number;
  /** Shared rate-limit counters (RATE_LIMIT_STORE=database); null or absent: this process's memory. */
  rateLimitCounter?: RateLimitCounter | null;
}

/** Limits routes can name in `config: { rateLimit: … }`. Built from configuration at start. */
export interface RouteLimits {
  /** The default of every POST/PUT/PATCH/DELETE route: per account, or per IP when signed out. */
  writes: RateLimitOptions;
  /** Asking for sign-in links, per IP address. */
  signin: RateLimitOptions;
}

function isWrite(method: string | string[]): boolean {
  return (Array.isArray(method) ? method : [method]).some((m) => WRITE_METHODS.has(m.toUpperCase()));
}

export function routeLimits(limits: RateLimits): RouteLimits {
  return {
    writes: {
      max: limits.writesPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => (request.viewer ? `user:${request.viewer.id}` : `ip:${request.ip}`),
      // Counted once the body is parsed and the CSRF token checked: a forged request spends no
      // one's allowance, and a form refused for the limit can hand back what was typed into it.
      hook: 'preHandler',
    },
    signin: { max: limits.signinPerIp, timeWindow: 60 * 60_000, groupId: 'signin' },
  };
}

export async function registerAuth(app: FastifyInstance, deps: AuthWebDeps): Promise<RouteLimits> {
  const secure = deps.baseUrl.startsWith('https:');
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(fastifyFormbody);
  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure },
    sessionPlugin: '@fastify/cookie',
  });

  app.decorateRequest('viewer', null);
  app.decorateRequest('authMethod', null);
  app.addHook('onRequest', async (request, reply) => identify(request, reply, deps.auth));

  // Every state-changing route gets the write limit unless it names its own (or `false`). This
  // hook must run before the rate-limit plugin's own onRoute hook, so it is added first.
  const limits = routeLimits(deps.rateLimits);
  app.addHook('onRoute', (route) => {
    if (isWrite(route.method) && route.config?.rateLimit === undefined) {
      route.config = { ...route.config, rateLimit: limits.writes };
    }
  });
  await app.register(fastifyRateLimit, {
    global: false,
    ...(deps.rateLimitCounter && {
      store: databaseRateLimitStore(deps.rateLimitCounter, {
        onPruneError: (err) => app.log.warn({ err }, 'could not delete expired rate-limit rows'),
      }),
    }),
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new RateLimitedError(
        `Too many requests. Please wait ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`} and try again.`,
        seconds,
      );
    },
  });

  // After the body is parsed (so a form's _csrf field is readable), before any route handler.
  app.addHook(
    'preValidation',
    (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (!WRITE_METHODS.has(request.method) || request.authMethod === 'token') return done();
      // Routes authenticated by a signed token in their URL (one-click unsubscribe, RFC 8058: mail
      // clients POST without cookies) declare `config: { csrf: false }`.
      if (request.routeOptions.config?.csrf === false) return done();
      app.csrfProtection(request, reply, done);
    },
  );
  return limits;
}

async function identify(request: FastifyRequest, reply: FastifyReply, auth: AuthService): Promise<void> {
  if (request.url.startsWith('/assets/')) return;
  const authorization = request.headers.authorization;
  // Only our own tokens count: Hugging Face clients may send their hf_… token to any host.
  if (request.url.startsWith('/api/') && authorization?.startsWith('Bearer pb_')) {
    const viewer = await auth.viewerForApiToken(authorization.slice('Bearer '.length).trim());
    if (!viewer) throw new UnauthorizedError('This API token is not valid: it is unknown or was revoked.');
    request.viewer = viewer;
    request.authMethod = 'token';
    return;
  }
  const sessionId = request.cookies[SESSION_COOKIE];
  if (!sessionId) return;
  const viewer = await auth.viewerForSession(sessionId);
  if (viewer) {
    request.viewer = viewer;
    request.authMethod = 'session';
  } else {
    // Expired, signed out elsewhere, or banned: forget the cookie.
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }
}

export function setSessionCookie(
  reply: FastifyReply,
  sessionId: string,
  deps: Pick<AuthWebDeps, 'baseUrl' | 'sessionDays'>,
): void {
  reply.setCookie(SESSION_COOKIE, sessionId, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.baseUrl.startsWith('https:'),
    maxAge: deps.sessionDays * 24 * 60 * 60,
  });
}

export function clearSessionCookie(reply: FastifyReply, baseUrl: string): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: baseUrl.startsWith('https:'),
  });
}
