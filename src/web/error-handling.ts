// The one place that turns errors into HTTP responses. A 500 says nothing about its cause.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { InvalidInputError, NotFoundError } from '../services/errors.ts';
import { renderDocument } from './render.ts';
import { ErrorPage } from './views/error-page.tsx';

export function statusOf(error: unknown): number {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof InvalidInputError) return 400;
  const status = (error as FastifyError | undefined)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return status;
  return 500;
}

function publicMessage(status: number, error: unknown): string {
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
    const invalid = validationProblem(error);
    if (invalid) return send(request, reply, 400, invalid.message, invalid.parameter);
    const parameter = error instanceof InvalidInputError ? error.parameter : undefined;
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
  return reply.type('text/html; charset=utf-8').send(renderDocument(h(ErrorPage, { status, message })));
}

function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.url === '/healthz';
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
