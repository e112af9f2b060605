// Pages that carry something of one person (their name, votes, a CSRF token in a form) are
// rendered for each request and marked private: they must never reach the shared page cache or
// a shared HTTP cache, where another visitor could be served them.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { JSX } from 'preact';
import { renderDocument } from './render.ts';
import { NO_UPVOTES, ViewerContext } from './viewer-context.ts';
import type { ViewerState } from './viewer-context.ts';

export type UpvotedBy = (userId: number) => Promise<ReadonlySet<string>>;

export function withViewer(state: ViewerState, page: JSX.Element): JSX.Element {
  return h(ViewerContext.Provider, { value: state }, page);
}

/** The state anonymous (shared, cached) pages are rendered with: the cache key holds the URL. */
export function anonymousState(request: FastifyRequest): ViewerState {
  return { viewer: null, csrfToken: null, currentPath: request.url, upvoted: NO_UPVOTES };
}

export async function sendPersonalPage(
  request: FastifyRequest,
  reply: FastifyReply,
  render: () => Promise<JSX.Element>,
  upvotedBy: UpvotedBy,
): Promise<FastifyReply> {
  const viewer = request.viewer;
  const state: ViewerState = {
    viewer,
    csrfToken: reply.generateCsrf(),
    currentPath: request.url,
    upvoted: viewer ? await upvotedBy(viewer.id) : NO_UPVOTES,
  };
  const body = renderDocument(withViewer(state, await render()));
  return reply.header('cache-control', 'private, no-store').type('text/html; charset=utf-8').send(body);
}

/** Adds `value` to the Vary header without dropping what others (CORS) put there. */
export function addVary(reply: FastifyReply, value: string): void {
  const current = reply.getHeader('vary');
  const parts = new Set(
    String(current ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  );
  for (const v of value.split(',')) parts.add(v.trim());
  reply.header('vary', [...parts].join(', '));
}
