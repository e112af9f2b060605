// Moderation pages and actions. /admin (the reports queue) is for moderators; /admin/users and
// /admin/audit for admins. Every action is a form post answered with 303: back to the page named
// by the form's `next` field (a local path only), else to the moderation page.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { safeNextPath } from '../../domain/next-path.ts';
import { InvalidInputError } from '../../services/errors.ts';
import { AUDIT_PAGE, QUEUE_PAGE } from '../../services/moderation-service.ts';
import type { ModerationService } from '../../services/moderation-service.ts';
import type { PageSender } from '../app.ts';
import { requireAdmin, requireModerator } from '../guards.ts';
import { paperPath } from '../paths.ts';
import { AdminAuditPage } from '../views/admin-audit-page.tsx';
import { AdminReportsPage } from '../views/admin-reports-page.tsx';
import { AdminUsersPage } from '../views/admin-users-page.tsx';
import { commentId } from './comment-routes.ts';
import { paperIdOf } from './paper-ids.ts';

interface Options {
  moderation: ModerationService;
  pages: PageSender;
}

type Form = Record<string, unknown> | undefined;
type FormRequest = FastifyRequest<{ Params: { id: string }; Body: Form }>;

export const moderationRoutes: FastifyPluginAsync<Options> = async (app, { moderation, pages }) => {
  app.get<{ Querystring: { p?: string } }>('/admin', async (request, reply) => {
    const viewer = requireModerator(request);
    const page = pageNumber(request.query.p);
    const [queue, hiddenPapers] = await Promise.all([
      moderation.reportQueue(viewer, page),
      moderation.hiddenPapers(viewer),
    ]);
    return pages.sendPage(request, reply, async () =>
      h(AdminReportsPage, { ...queue, page, pageSize: QUEUE_PAGE, hiddenPapers }),
    );
  });

  app.get<{ Querystring: { action?: string; p?: string } }>('/admin/audit', async (request, reply) => {
    const viewer = requireAdmin(request);
    const page = pageNumber(request.query.p);
    const action = request.query.action?.trim() || null;
    const { entries, actions } = await moderation.auditLog(viewer, action, page);
    return pages.sendPage(request, reply, async () =>
      h(AdminAuditPage, {
        entries: entries.slice(0, AUDIT_PAGE),
        actions,
        action,
        page,
        hasMore: entries.length > AUDIT_PAGE,
      }),
    );
  });

  app.get<{ Querystring: { q?: string; p?: string } }>('/admin/users', async (request, reply) => {
    const viewer = requireAdmin(request);
    const page = pageNumber(request.query.p);
    const query = typeof request.query.q === 'string' ? request.query.q : '';
    const users = await moderation.users(viewer, query, page);
    return pages.sendPage(request, reply, async () =>
      h(AdminUsersPage, {
        users: users.slice(0, AUDIT_PAGE),
        query,
        page,
        hasMore: users.length > AUDIT_PAGE,
      }),
    );
  });

  const back = (request: FormRequest, reply: FastifyReply, fallback: string) =>
    reply.redirect(typeof request.body?.next === 'string' ? safeNextPath(request.body.next) : fallback, 303);

  app.post<{ Params: { id: string }; Body: Form }>('/admin/comments/:id/hide', async (request, reply) => {
    const viewer = requireModerator(request);
    const id = commentId(request.params.id);
    const { paperId } = await moderation.hideComment(viewer, id, text(request.body?.reason));
    return back(request, reply, `${paperPath(paperId)}#comment-${id}`);
  });

  app.post<{ Params: { id: string }; Body: Form }>('/admin/comments/:id/unhide', async (request, reply) => {
    const viewer = requireModerator(request);
    const id = commentId(request.params.id);
    const { paperId } = await moderation.unhideComment(viewer, id, text(request.body?.reason));
    return back(request, reply, `${paperPath(paperId)}#comment-${id}`);
  });

  app.post<{ Params: { id: string }; Body: Form }>('/admin/comments/:id/dismiss', async (request, reply) => {
    const viewer = requireModerator(request);
    await moderation.dismissReports(viewer, commentId(request.params.id), text(request.body?.reason));
    return back(request, reply, '/admin');
  });

  for (const [path, hidden] of [
    ['/admin/papers/hide', true],
    ['/admin/papers/unhide', false],
  ] as const) {
    app.post<{ Params: { id: string }; Body: Form }>(path, async (request, reply) => {
      const viewer = requireModerator(request);
      const paperId = paperIdOf(text(request.body?.paper));
      await moderation.setPaperHidden(viewer, paperId, hidden, text(request.body?.reason));
      return back(request, reply, '/admin');
    });
  }

  app.post<{ Params: { id: string }; Body: Form }>('/admin/users/:id/ban', async (request, reply) => {
    const viewer = requireModerator(request);
    await moderation.ban(viewer, userId(request.params.id), {
      reason: text(request.body?.reason),
      hideComments: request.body?.hideComments === 'on',
    });
    return back(request, reply, '/admin');
  });

  app.post<{ Params: { id: string }; Body: Form }>('/admin/users/:id/unban', async (request, reply) => {
    const viewer = requireModerator(request);
    await moderation.unban(viewer, userId(request.params.id), text(request.body?.reason));
    return back(request, reply, '/admin');
  });

  app.post<{ Params: { id: string }; Body: Form }>('/admin/users/:id/role', async (request, reply) => {
    const viewer = requireAdmin(request);
    await moderation.setRole(
      viewer,
      userId(request.params.id),
      text(request.body?.role),
      text(request.body?.reason),
    );
    return back(request, reply, '/admin/users');
  });
};

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function userId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new InvalidInputError('not a user id', 'id');
  return Number(raw);
}

function pageNumber(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,4}$/.test(raw)) throw new InvalidInputError('p must be a page number (0–9999).', 'p');
  return Number(raw);
}
