// /admin/mail (administrators only): outbox, paused subscribers, recent deliveries.
import type { FastifyPluginAsync } from 'fastify';
import { h } from 'preact';
import { NotFoundError } from '../../services/errors.ts';
import type { MailAdminService } from '../../services/mail-admin-service.ts';
import type { SubscriptionService } from '../../services/subscription-service.ts';
import type { PageSender } from '../app.ts';
import { requireAdmin } from '../guards.ts';
import { AdminMailMessagePage, AdminMailPage } from '../views/admin-mail-page.tsx';

interface Options {
  mailAdmin: MailAdminService;
  subscriptions: SubscriptionService;
  pages: PageSender;
}

export const adminMailRoutes: FastifyPluginAsync<Options> = async (
  app,
  { mailAdmin, subscriptions, pages },
) => {
  app.get('/admin/mail', async (request, reply) => {
    requireAdmin(request);
    const [outbox, paused, deliveries] = await Promise.all([
      mailAdmin.outboxMessages(),
      subscriptions.paused(),
      mailAdmin.recentDeliveries(),
    ]);
    const resumed = (request.query as Record<string, unknown>).resumed;
    const notice =
      typeof resumed === 'string' ? `Resumed ${resumed.slice(0, 254)}: mail to it is sent again.` : null;
    return pages.sendPage(
      request,
      reply,
      async () =>
        h(AdminMailPage, { transport: mailAdmin.transportDescription, outbox, paused, deliveries, notice }),
      { personal: true },
    );
  });

  app.get('/admin/mail/outbox/:name', async (request, reply) => {
    requireAdmin(request);
    const message = await mailAdmin.outboxMessage((request.params as { name: string }).name);
    return pages.sendPage(request, reply, async () => h(AdminMailMessagePage, { message }), {
      personal: true,
    });
  });

  app.post('/admin/mail/resume/:id', async (request, reply) => {
    requireAdmin(request);
    const id = Number((request.params as { id: string }).id);
    if (!Number.isSafeInteger(id) || id < 1) throw new NotFoundError('No paused subscriber with this id.');
    const email = (await subscriptions.paused()).find((s) => s.id === id)?.email;
    await subscriptions.resume(id);
    return reply.redirect(`/admin/mail?resumed=${encodeURIComponent(email ?? String(id))}`, 303);
  });
};
