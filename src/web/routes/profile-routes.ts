// /u/:handle: a user's public profile. Tabs and pages are query parameters (?tab=upvoted&p=2).
import type { FastifyPluginAsync } from 'fastify';
import { h } from 'preact';
import { ProfileService } from '../../services/profile-service.ts';
import type { PageSender } from '../app.ts';
import { profilePath } from '../paths.ts';
import { pageHref } from '../views/paged-list.tsx';
import { ProfilePage } from '../views/profile-page.tsx';
import { pageParam, stringParam } from './query-params.ts';

interface Options {
  profiles: ProfileService;
  pages: PageSender;
  baseUrl: string;
}

export const profileRoutes: FastifyPluginAsync<Options> = async (app, { profiles, pages, baseUrl }) => {
  app.get<{ Params: { handle: string } }>('/u/:handle', async (request, reply) => {
    const tab = ProfileService.parseTab(stringParam(request, 'tab'));
    const page = pageParam(request);
    const user = await profiles.user(request.params.handle);
    if (user.handle !== request.params.handle) {
      // /u/Alice → /u/alice: one address per profile.
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      return reply.redirect(`${profilePath(user.handle)}${query}`, 301);
    }
    return pages.sendPage(request, reply, async () =>
      h(ProfilePage, {
        profile: await profiles.profile(user.handle, tab, page),
        canonical: `${baseUrl}${pageHref(profilePath(user.handle), { tab: tab === 'submitted' ? null : tab }, 0)}`,
      }),
    );
  });
};
