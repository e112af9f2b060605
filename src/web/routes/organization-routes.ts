// /org/:name (an organization's papers, ?sort=upvotes, ?p=) and /orgs (every organization).
import type { FastifyPluginAsync } from 'fastify';
import { h } from 'preact';
import { OrganizationService } from '../../services/organization-service.ts';
import type { PageSender } from '../app.ts';
import { organizationPath } from '../paths.ts';
import { OrganizationsIndexView, OrganizationView } from '../views/organization-page.tsx';
import { pageParam, stringParam } from './query-params.ts';

interface Options {
  organizations: OrganizationService;
  pages: PageSender;
  baseUrl: string;
}

export const organizationRoutes: FastifyPluginAsync<Options> = async (app, opts) => {
  const { organizations, pages, baseUrl } = opts;

  app.get<{ Params: { name: string } }>('/org/:name', (request, reply) => {
    const sort = OrganizationService.parseSort(stringParam(request, 'sort'));
    const page = pageParam(request);
    return pages.sendPage(request, reply, async () => {
      const org = await organizations.page(request.params.name, sort, page);
      return h(OrganizationView, {
        org,
        canonical: `${baseUrl}${organizationPath(org.organization.name)}`,
      });
    });
  });

  app.get('/orgs', (request, reply) => {
    const page = pageParam(request);
    return pages.sendPage(request, reply, async () =>
      h(OrganizationsIndexView, { index: await organizations.index(page), canonical: `${baseUrl}/orgs` }),
    );
  });
};
