// Sign in by magic link, and sign out. Pages here hold forms, so they are personal (per request,
// with a CSRF token, never cached).
import type { FastifyPluginAsync } from 'fastify';
import { h } from 'preact';
import { safeNextPath } from '../../domain/next-path.ts';
import type { AuthService } from '../../services/auth-service.ts';
import { InvalidInputError, RateLimitedError } from '../../services/errors.ts';
import type { PageSender } from '../app.ts';
import { CSRF_COOKIE, SESSION_COOKIE, clearSessionCookie, setSessionCookie } from '../auth-plugin.ts';
import type { RouteLimits } from '../auth-plugin.ts';
import { requireViewer } from '../guards.ts';
import { LinkProblemPage, SigninPage, SigninSentPage, VerifyPage } from '../views/signin-pages.tsx';

interface Options {
  auth: AuthService;
  pages: PageSender;
  limits: RouteLimits;
  baseUrl: string;
  sessionDays: number;
  signinTokenMinutes: number;
}

function field(body: unknown, name: string, max = 2000): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

export const authRoutes: FastifyPluginAsync<Options> = async (app, opts) => {
  const { auth, pages } = opts;

  app.get('/signin', (request, reply) => {
    const next = safeNextPath((request.query as Record<string, unknown>).next);
    // Already signed in: nothing to do here.
    if (request.viewer) return reply.redirect(next, 303);
    return pages.sendPage(request, reply, async () => h(SigninPage, { next, email: '', error: null }), {
      personal: true,
    });
  });

  app.post('/signin', { config: { rateLimit: opts.limits.signin } }, async (request, reply) => {
    const email = field(request.body, 'email', 320);
    const next = safeNextPath(field(request.body, 'next'));
    try {
      const sent = await auth.requestLink(email, next);
      return pages.sendPage(
        request,
        reply,
        async () => h(SigninSentPage, { email: sent.email, minutes: opts.signinTokenMinutes }),
        { personal: true },
      );
    } catch (err) {
      if (!(err instanceof InvalidInputError) && !(err instanceof RateLimitedError)) throw err;
      if (err instanceof RateLimitedError)
        reply.code(429).header('retry-after', String(err.retryAfterSeconds));
      else reply.code(400);
      return pages.sendPage(request, reply, async () => h(SigninPage, { next, email, error: err.message }), {
        personal: true,
      });
    }
  });

  // GET only shows a button: mail scanners open links, and must not use up the token.
  app.get('/signin/verify', async (request, reply) => {
    const token = String((request.query as Record<string, unknown>).token ?? '').slice(0, 200);
    const link = await auth.inspectLink(token);
    const state = link.state;
    if (state !== 'valid') {
      reply.code(state === 'unknown' ? 400 : 410);
      return pages.sendPage(request, reply, async () => h(LinkProblemPage, { problem: state }), {
        personal: true,
      });
    }
    return pages.sendPage(request, reply, async () => h(VerifyPage, { token, email: link.email ?? '' }), {
      personal: true,
    });
  });

  app.post('/signin/verify', async (request, reply) => {
    const token = field(request.body, 'token', 200);
    const result = await auth.verifyLink(
      token,
      request.headers['user-agent'] ?? null,
      request.cookies[SESSION_COOKIE],
    );
    if (!result.ok) {
      reply.code(result.reason === 'banned' ? 403 : result.reason === 'unknown' ? 400 : 410);
      return pages.sendPage(request, reply, async () => h(LinkProblemPage, { problem: result.reason }), {
        personal: true,
      });
    }
    request.log.info({ userId: result.user.id, created: result.created }, 'signed in');
    setSessionCookie(reply, result.sessionId, opts);
    // A new CSRF secret too: one planted before sign-in (e.g. by a sibling subdomain) stops counting.
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
    return reply.header('cache-control', 'no-store').redirect(result.next, 303);
  });

  app.post('/signout', async (request, reply) => {
    const sessionId = request.cookies[SESSION_COOKIE];
    if (sessionId) await auth.signOut(sessionId);
    clearSessionCookie(reply, opts.baseUrl);
    return reply.header('cache-control', 'no-store').redirect('/', 303);
  });

  app.post('/signout/everywhere', async (request, reply) => {
    const viewer = requireViewer(request);
    const ended = await auth.signOutEverywhere(viewer.id);
    request.log.info({ userId: viewer.id, sessions: ended }, 'signed out everywhere');
    clearSessionCookie(reply, opts.baseUrl);
    return reply.header('cache-control', 'no-store').redirect('/', 303);
  });
};
