// The comment API: GET /api/papers/:id/comments (anyone; cached like other reads) and
// POST /api/papers/:id/comments (a personal API token, Authorization: Bearer pb_…).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { flattenThread } from '../../domain/comment-thread.ts';
import type { ThreadNode } from '../../domain/comment-thread.ts';
import type { CommentService } from '../../services/comment-service.ts';
import type { PaperService } from '../../services/paper-service.ts';
import { listCommentsRoute, postCommentRoute } from '../api/comment-schemas.ts';
import { requireViewer } from '../guards.ts';
import { renderCommentMarkdown } from '../markdown.ts';
import { paperPath } from '../paths.ts';
import type { JsonSender } from './api-routes.ts';
import { paperIdOf } from './paper-ids.ts';

interface Options {
  comments: CommentService;
  papers: PaperService;
  json: JsonSender;
  baseUrl: string;
}

interface PostBody {
  comment: string;
  parentId?: number | null;
}

export const commentApiRoutes: FastifyPluginAsync<Options> = async (
  app,
  { comments, papers, json, baseUrl },
) => {
  const present = (node: ThreadNode) => ({
    id: node.id,
    paperId: node.paperId,
    parentId: node.parentId,
    depth: node.depth,
    status: node.state,
    author: node.author ? { name: node.author.handle, fullname: node.author.displayName } : null,
    raw: node.body,
    html: node.body === null ? null : renderCommentMarkdown(node.body),
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
    edited: node.edited,
    paperboyUrl: `${baseUrl}${paperPath(node.paperId)}#comment-${node.id}`,
  });

  // Everyone gets the readers' view (hidden comments withheld), so the answer can be cached.
  const list = (request: FastifyRequest, reply: FastifyReply, raw: string) =>
    json.sendJson(request, reply, async () => {
      const paper = await papers.get(paperIdOf(raw));
      return flattenThread(await comments.thread(paper.id, null)).map(present);
    });

  const post = async (request: FastifyRequest<{ Body: PostBody }>, reply: FastifyReply, raw: string) => {
    const viewer = requireViewer(request);
    const paperId = paperIdOf(raw);
    const posted = await comments.post(viewer, paperId, request.body.comment, request.body.parentId ?? null);
    const node = flattenThread(await comments.thread(paperId, viewer)).find((n) => n.id === posted.id);
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send(node ? present(node) : null);
  };

  app.get<{ Params: { id: string } }>(
    '/api/papers/:id/comments',
    { schema: listCommentsRoute },
    (request, reply) => list(request, reply, request.params.id),
  );
  app.post<{ Params: { id: string }; Body: PostBody }>(
    '/api/papers/:id/comments',
    { schema: postCommentRoute },
    (request, reply) => post(request, reply, request.params.id),
  );
  // Old-style ids contain a slash: /api/papers/hep-th/9901001/comments.
  const oldStyle = {
    type: 'object',
    properties: { archive: { type: 'string' }, number: { type: 'string' } },
    required: ['archive', 'number'],
  } as const;
  app.get<{ Params: { archive: string; number: string } }>(
    '/api/papers/:archive/:number/comments',
    { schema: { ...listCommentsRoute, params: oldStyle, hide: true } },
    (request, reply) => list(request, reply, `${request.params.archive}/${request.params.number}`),
  );
  app.post<{ Params: { archive: string; number: string }; Body: PostBody }>(
    '/api/papers/:archive/:number/comments',
    { schema: { ...postCommentRoute, params: oldStyle, hide: true } },
    (request, reply) => post(request, reply, `${request.params.archive}/${request.params.number}`),
  );
};
