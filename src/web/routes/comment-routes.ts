// The discussion's forms: post a comment or reply, edit and delete one's own, report someone else's.
// Each answers 303 back to the paper page at the comment. A comment the rules refuse (empty, too
// long) comes back on a page with the form and the text as typed, so nothing is lost.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { CommentService } from '../../services/comment-service.ts';
import { InvalidInputError, NotFoundError } from '../../services/errors.ts';
import type { PageSender } from '../app.ts';
import { requireViewer } from '../guards.ts';
import { paperPath } from '../paths.ts';
import { CommentProblemPage } from '../views/comment-problem-page.tsx';
import { commentsPath } from '../views/comments-section.tsx';
import { paperIdOf } from './paper-ids.ts';

interface Options {
  comments: CommentService;
  pages: PageSender;
}

type Form = Record<string, unknown> | undefined;

export const commentRoutes: FastifyPluginAsync<Options> = async (app, { comments, pages }) => {
  const post = async (request: FastifyRequest<{ Body: Form }>, reply: FastifyReply, raw: string) => {
    const viewer = requireViewer(request);
    const paperId = paperIdOf(raw);
    const body = text(request.body?.comment);
    const parentId = optionalId(request.body?.parentId);
    try {
      const posted = await comments.post(viewer, paperId, body, parentId);
      return reply.redirect(`${paperPath(paperId)}#comment-${posted.id}`, 303);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      return problem(request, reply, err, {
        title: parentId === null ? 'Your comment was not posted' : 'Your reply was not posted',
        action: commentsPath(paperId),
        paperId,
        parentId,
        text: body,
      });
    }
  };
  app.post<{ Params: { id: string }; Body: Form }>('/papers/:id/comments', (request, reply) =>
    post(request, reply, request.params.id),
  );
  // Old-style ids contain a slash: /papers/hep-th/9901001/comments.
  app.post<{ Params: { archive: string; number: string }; Body: Form }>(
    '/papers/:archive/:number/comments',
    (request, reply) => post(request, reply, `${request.params.archive}/${request.params.number}`),
  );

  app.post<{ Params: { id: string }; Body: Form }>('/comments/:id/edit', async (request, reply) => {
    const viewer = requireViewer(request);
    const id = commentId(request.params.id);
    const body = text(request.body?.comment);
    try {
      const edited = await comments.edit(viewer, id, body);
      return reply.redirect(`${paperPath(edited.paperId)}#comment-${id}`, 303);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      const { paperId } = await comments.find(id);
      return problem(request, reply, err, {
        title: 'Your changes were not saved',
        action: `/comments/${id}/edit`,
        paperId,
        parentId: null,
        text: body,
      });
    }
  });

  app.post<{ Params: { id: string } }>('/comments/:id/delete', async (request, reply) => {
    const viewer = requireViewer(request);
    const deleted = await comments.delete(viewer, commentId(request.params.id));
    return reply.redirect(`${paperPath(deleted.paperId)}#comments`, 303);
  });

  app.post<{ Params: { id: string }; Body: Form }>('/comments/:id/report', async (request, reply) => {
    const viewer = requireViewer(request);
    const id = commentId(request.params.id);
    const reported = await comments.report(viewer, id, text(request.body?.reason), text(request.body?.note));
    return reply.redirect(`${paperPath(reported.paperId)}?reported=${id}#comment-${id}`, 303);
  });

  const problem = (
    request: FastifyRequest,
    reply: FastifyReply,
    err: InvalidInputError,
    page: { title: string; action: string; paperId: string; parentId: number | null; text: string },
  ) => {
    reply.code(400);
    return pages.sendPage(
      request,
      reply,
      async () => h(CommentProblemPage, { ...page, message: err.message }),
      {
        personal: true,
      },
    );
  };
};

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function optionalId(value: unknown): number | null {
  if (value === undefined || value === '') return null;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  throw new InvalidInputError('parentId must be a comment id.', 'parentId');
}

/** Comment ids in paths are positive integers; anything else names no comment. */
export function commentId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new NotFoundError(`not a comment id: ${raw}`);
  return Number(raw);
}
