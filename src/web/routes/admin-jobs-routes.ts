// /admin/jobs (administrators only): the job queue, and "run now".
import type { FastifyPluginAsync } from 'fastify';
import { h } from 'preact';
import type { JobAdminService } from '../../services/job-admin-service.ts';
import type { PageSender } from '../app.ts';
import { requireAdmin } from '../guards.ts';
import { AdminJobsPage } from '../views/admin-jobs-page.tsx';

interface Options {
  jobsAdmin: JobAdminService;
  pages: PageSender;
}

export const adminJobsRoutes: FastifyPluginAsync<Options> = async (app, { jobsAdmin, pages }) => {
  app.get('/admin/jobs', async (request, reply) => {
    requireAdmin(request);
    const { jobs, schedules } = await jobsAdmin.overview();
    const queued = Number((request.query as Record<string, unknown>).queued);
    const notice =
      Number.isSafeInteger(queued) && queued > 0 ? `Job ${queued} is queued for the next free worker.` : null;
    return pages.sendPage(
      request,
      reply,
      async () => h(AdminJobsPage, { jobs, schedules, runnableKinds: jobsAdmin.runnableKinds, notice }),
      { personal: true },
    );
  });

  app.post('/admin/jobs/run', async (request, reply) => {
    requireAdmin(request);
    const kind = (request.body as Record<string, unknown> | undefined)?.kind;
    const id = await jobsAdmin.runNow(typeof kind === 'string' ? kind : '');
    return reply.redirect(`/admin/jobs?queued=${id}#job-${id}`, 303);
  });
};
