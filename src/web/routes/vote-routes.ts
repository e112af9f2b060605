// POST /papers/:id/upvote from the vote buttons' forms (field vote=on|off). Without JavaScript the
// answer is a 303 back to the page the form was on; assets/upvote.js asks for JSON instead
// (Accept: application/json) and updates the button in place.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { safeNextPath } from '../../domain/next-path.ts';
import { InvalidInputError } from '../../services/errors.ts';
import type { VoteService } from '../../services/vote-service.ts';
import { wantsJson } from '../error-handling.ts';
import { requireViewer } from '../guards.ts';
import { paperPath } from '../paths.ts';
import { paperIdOf } from './paper-ids.ts';

interface Options {
  votes: VoteService;
}

interface VoteForm {
  vote?: unknown;
  next?: unknown;
}

export const voteRoutes: FastifyPluginAsync<Options> = async (app, { votes }) => {
  const handle = async (
    request: FastifyRequest<{ Body: VoteForm | undefined }>,
    reply: FastifyReply,
    raw: string,
  ) => {
    const viewer = requireViewer(request);
    const id = paperIdOf(raw);
    const on = voteValue(request.body?.vote);
    const result = await votes.setVote(viewer, id, on);
    if (wantsJson(request)) {
      return reply
        .header('cache-control', 'no-store')
        .send({ upvotes: result.upvotes, upvoted: result.upvoted });
    }
    return reply.redirect(backTo(request, id), 303);
  };
  // Signed-out visitors go to sign in before the CSRF check could call their form expired.
  const signedIn = { onRequest: async (request: FastifyRequest) => void requireViewer(request) };
  app.post<{ Params: { id: string }; Body: VoteForm | undefined }>(
    '/papers/:id/upvote',
    signedIn,
    (request, reply) => handle(request, reply, request.params.id),
  );
  // Old-style ids contain a slash: /papers/hep-th/9901001/upvote.
  app.post<{ Params: { archive: string; number: string }; Body: VoteForm | undefined }>(
    '/papers/:archive/:number/upvote',
    signedIn,
    (request, reply) => handle(request, reply, `${request.params.archive}/${request.params.number}`),
  );
};

function voteValue(value: unknown): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new InvalidInputError('vote must be "on" or "off".', 'vote');
}

/**
 * The page the vote came from: the form's `next` field, else the Referer when it is this site, else
 * the paper. Only local paths, so the redirect can never lead elsewhere.
 */
function backTo(request: FastifyRequest<{ Body: VoteForm | undefined }>, id: string): string {
  const next = request.body?.next;
  if (typeof next === 'string' && next !== '') return safeNextPath(next);
  const referer = request.headers.referer;
  if (referer) {
    try {
      const url = new URL(referer);
      // Normalised the same way, so "host:80" and "host" compare equal.
      const host = new URL(`${url.protocol}//${request.headers.host ?? ''}`).host;
      if (url.host === host) return safeNextPath(url.pathname + url.search);
    } catch {
      // not a URL: fall through to the paper
    }
  }
  return paperPath(id);
}
