// The one place that turns errors into HTTP responses. A 500 says nothing about its cause.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
} from '../services/errors.ts';
import { safeNextPath } from '../domain/next-path.ts';
import { withViewer } from './personal-page.ts';
import { renderDocument } from './render.ts';
import { NO_UPVOTES } from './viewer-context.ts';
import { ErrorPage } from './views/error-page.tsx';

export function statusOf(error: unknown): number {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof InvalidInputError) return 400;
  if (error instanceof UnauthorizedError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof ConflictError) return 409;
  if (error instanceof RateLimitedError) return 429;
  if (error instanceof UnavailableError) return 503;
  const status = (error as FastifyError | undefined)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return status;
  return 500;
}

/** @fastify/csrf-protection's rejections: no CSRF cookie, or a token that does not match it. */
const CSRF_CODES = new Set(['FST_CSRF_MISSING_SECRET', 'FST_CSRF_INVALID_TOKEN']);
export const CSRF_MESSAGE = 'The form expired; reload the page and try again.';

function publicMessage(status: number, error: unknown): string {
  if (CSRF_CODES.has((error as FastifyError | undefined)?.code ?? '')) return CSRF_MESSAGE;
  // These errors' messages are written for the person reading them.
  if (
    error instanceof UnauthorizedError ||
    error instanceof ForbiddenError ||
    error instanceof ConflictError ||
    error instanceof RateLimitedError ||
    error instanceof UnavailableError
  )
    return error.message;
  if (status === 404)
    return 'There is no page at this address. It may have moved, or the link may be mistyped.';
  if (status >= 500)
    return 'The server could not complete this request. It has been logged; please try again.';
  if (error instanceof InvalidInputError) return error.message;
  return 'The request could not be understood.';
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const status = statusOf(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status, msg: (error as Error).message }, 'request rejected');
    if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
    if (error instanceof UnauthorizedError && !wantsJson(request)) {
      return reply
        .header('cache-control', 'no-store')
        .redirect(`/signin?next=${encodeURIComponent(returnPath(request))}`, 303);
    }
    const invalid = validationProblem(error);
    if (invalid) return send(request, reply, 400, invalid.message, invalid.parameter);
    const parameter =
      error instanceof InvalidInputError || error instanceof ConflictError ? error.parameter : undefined;
    return send(request, reply, status, publicMessage(status, error), parameter);
  });
  app.setNotFoundHandler((request, reply) => send(request, reply, 404, publicMessage(404, null)));
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  parameter?: string,
) {
  reply.code(status).header('cache-control', 'no-store');
  if (wantsJson(request))
    return reply.send({ error: { status, message, ...(parameter ? { parameter } : {}) } });
  // The header still shows who is signed in; there is no form, so no CSRF token.
  const state = {
    viewer: request.viewer ?? null,
    csrfToken: null,
    currentPath: request.url,
    upvoted: NO_UPVOTES,
  };
  return reply
    .type('text/html; charset=utf-8')
    .send(renderDocument(withViewer(state, h(ErrorPage, { status, message }))));
}

/** JSON for the API and for script requests (fetch with Accept: application/json). */
export function wantsJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/') || request.url === '/healthz') return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/**
 * Where to come back after signing in: the page itself for a GET; for a form POST, the page the
 * form was on (same-origin Referer), since the POST's own address may not be a page.
 */
function returnPath(request: FastifyRequest): string {
  if (request.method === 'GET' || request.method === 'HEAD') return safeNextPath(request.url);
  const referer = request.headers.referer;
  if (!referer) return '/';
  try {
    const url = new URL(referer);
    const host = request.headers.host;
    if (!host || url.host !== host) return '/';
    return safeNextPath(url.pathname + url.search);
  } catch {
    return '/';
  }
}

/** Fastify's schema validation failures, phrased for API clients with the parameter's name. */
function validationProblem(error: unknown): { message: string; parameter: string } | null {
  const e = error as FastifyError & {
    validation?: { instancePath: string; message?: string; params?: Record<string, unknown> }[];
  };
  const first = e?.validation?.[0];
  if (!first) return null;
  const missing = first.params?.missingProperty;
  const parameter =
    typeof missing === 'string' ? missing : first.instancePath.replace(/^\//, '') || 'request';
  const allowed = Array.isArray(first.params?.allowedValues)
    ? ` (${first.params.allowedValues.join(', ')})`
    : '';
  const what = typeof missing === 'string' ? 'is required' : (first.message ?? 'is invalid');
  return { message: `${parameter} ${what}${allowed}`, parameter };
}
