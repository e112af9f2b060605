// The API's write endpoints: upvotes and submissions. A personal API token (Bearer pb_…) sets
// request.viewer and exempts the request from the CSRF check; without one the answer is 401 JSON.
// Answers are never cached: they depend on who asks.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { PaperService } from '../../services/paper-service.ts';
import type { SubmissionService } from '../../services/submission-service.ts';
import type { VoteService } from '../../services/vote-service.ts';
import { apiPaperDetail } from '../api/hf-presenter.ts';
import { removeUpvoteRoute, submitRoute, upvoteRoute } from '../api/write-schemas.ts';
import { requireViewer } from '../guards.ts';
import { paperIdOf } from './paper-ids.ts';

interface Options {
  votes: VoteService;
  submissions: SubmissionService;
  papers: PaperService;
  baseUrl: string;
}

interface SubmitBody {
  id: string;
  githubRepo?: string | null;
  projectPage?: string | null;
  organization?: string | null;
}

export const apiWriteRoutes: FastifyPluginAsync<Options> = async (
  app,
  { votes, submissions, papers, baseUrl },
) => {
  // The upvote body is optional, and some clients send Content-Type: application/json with no body
  // at all: in these routes (this plugin only) an empty JSON body means "no body".
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, null);
    return parseJson(request, text, done);
  });

  const vote = async (request: FastifyRequest, reply: FastifyReply, raw: string, on: boolean) => {
    const viewer = requireViewer(request);
    const result = await votes.setVote(viewer, paperIdOf(raw), on);
    return reply
      .header('cache-control', 'no-store')
      .send({ upvotes: result.upvotes, upvoted: result.upvoted });
  };
  const wanted = (body: { upvote?: boolean } | null | undefined) => body?.upvote ?? true;
  // Without credentials the answer is 401, before the CSRF check (which only guards cookie sessions)
  // could answer 403: the client needs a token, not a form token.
  const signedIn = { onRequest: async (request: FastifyRequest) => void requireViewer(request) };

  app.post<{ Params: { id: string }; Body: { upvote?: boolean } | null }>(
    '/api/papers/:id/upvote',
    { schema: upvoteRoute, ...signedIn },
    (request, reply) => vote(request, reply, request.params.id, wanted(request.body)),
  );
  app.delete<{ Params: { id: string } }>(
    '/api/papers/:id/upvote',
    { schema: removeUpvoteRoute, ...signedIn },
    (request, reply) => vote(request, reply, request.params.id, false),
  );
  // Old-style ids contain a slash: /api/papers/hep-th/9901001/upvote.
  const oldStyle = {
    type: 'object',
    properties: { archive: { type: 'string' }, number: { type: 'string' } },
    required: ['archive', 'number'],
  } as const;
  app.post<{ Params: { archive: string; number: string }; Body: { upvote?: boolean } | null }>(
    '/api/papers/:archive/:number/upvote',
    { schema: { ...upvoteRoute, params: oldStyle, hide: true }, ...signedIn },
    (request, reply) =>
      vote(request, reply, `${request.params.archive}/${request.params.number}`, wanted(request.body)),
  );
  app.delete<{ Params: { archive: string; number: string } }>(
    '/api/papers/:archive/:number/upvote',
    { schema: { ...removeUpvoteRoute, params: oldStyle, hide: true }, ...signedIn },
    (request, reply) => vote(request, reply, `${request.params.archive}/${request.params.number}`, false),
  );

  app.post<{ Body: SubmitBody }>(
    '/api/papers',
    { schema: submitRoute, ...signedIn },
    async (request, reply) => {
      const viewer = requireViewer(request);
      const submitted = await submissions.submit(viewer, request.body);
      const paper = await papers.get(submitted.paperId);
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .header('location', `/api/papers/${paper.id}`)
        .send(apiPaperDetail(paper, baseUrl));
    },
  );
};
