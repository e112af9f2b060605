// The discussion's forms: post a comment or reply, edit and delete one's own, report someone else's.
// Each answers 303 back to the paper page at the comment. A comment the rules refuse (empty, too
// long) or the write limit holds back comes back on a page with the form and the text as typed, so
// nothing is lost.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { CommentService } from '../../services/comment-service.ts';
import { InvalidInputError, NotFoundError, RateLimitedError } from '../../services/errors.ts';
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

/** The form a refused comment comes back in. */
interface ProblemForm {
  title: string;
  action: string;
  paperId: string;
  parentId: number | null;
  text: string;
}

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
  // A comment refused by the write limit comes back in the form, as typed, with the wait.
  const keepTextWhenLimited = (
    page: (
      request: FastifyRequest<{ Params: Record<string, string>; Body: Form }>,
    ) => ProblemForm | Promise<ProblemForm>,
  ) => ({
    errorHandler: async (
      error: unknown,
      request: FastifyRequest<{ Params: Record<string, string>; Body: Form }>,
      reply: FastifyReply,
    ) => {
      if (!(error instanceof RateLimitedError)) throw error; // the app's one error handler
      reply.header('retry-after', String(error.retryAfterSeconds));
      return problem(request, reply, error, await page(request), 429);
    },
  });
  const newComment =
    (paperIdOf: (params: Record<string, string>) => string) =>
    (request: FastifyRequest<{ Params: Record<string, string>; Body: Form }>): ProblemForm => {
      const parentId = request.body?.parentId;
      const reply = typeof parentId === 'string' && /^\d{1,15}$/.test(parentId) ? Number(parentId) : null;
      const paperId = paperIdOf(request.params);
      return {
        title: reply === null ? 'Your comment was not posted' : 'Your reply was not posted',
        action: commentsPath(paperId),
        paperId,
        parentId: reply,
        text: text(request.body?.comment),
      };
    };

  app.post<{ Params: { id: string }; Body: Form }>(
    '/papers/:id/comments',
    keepTextWhenLimited(newComment((p) => paperIdOf(p.id ?? ''))),
    (request, reply) => post(request, reply, request.params.id),
  );
  // Old-style ids contain a slash: /papers/hep-th/9901001/comments.
  app.post<{ Params: { archive: string; number: string }; Body: Form }>(
    '/papers/:archive/:number/comments',
    keepTextWhenLimited(newComment((p) => paperIdOf(`${p.archive}/${p.number}`))),
    (request, reply) => post(request, reply, `${request.params.archive}/${request.params.number}`),
  );

  const editedComment = async (
    request: FastifyRequest<{ Params: Record<string, string>; Body: Form }>,
  ): Promise<ProblemForm> => {
    const id = commentId(request.params.id ?? '');
    return {
      title: 'Your changes were not saved',
      action: `/comments/${id}/edit`,
      paperId: (await comments.find(id)).paperId,
      parentId: null,
      text: text(request.body?.comment),
    };
  };

  app.post<{ Params: { id: string }; Body: Form }>(
    '/comments/:id/edit',
    keepTextWhenLimited(editedComment),
    async (request, reply) => {
      const viewer = requireViewer(request);
      const id = commentId(request.params.id);
      const body = text(request.body?.comment);
      try {
        const edited = await comments.edit(viewer, id, body);
        return reply.redirect(`${paperPath(edited.paperId)}#comment-${id}`, 303);
      } catch (err) {
        if (!(err instanceof InvalidInputError)) throw err;
        return problem(request, reply, err, await editedComment(request));
      }
    },
  );

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
    err: InvalidInputError | RateLimitedError,
    page: ProblemForm,
    status = 400,
  ) => {
    reply.code(status);
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
