// /settings: the signed-in person's profile, sessions and API tokens.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { AccountService } from '../../services/account-service.ts';
import { ConflictError, InvalidInputError } from '../../services/errors.ts';
import type { PageSender } from '../app.ts';
import { SESSION_COOKIE } from '../auth-plugin.ts';
import { requireViewer } from '../guards.ts';
import type { SettingsPageProps } from '../views/settings-page.tsx';
import { SettingsPage } from '../views/settings-page.tsx';

interface Options {
  accounts: AccountService;
  pages: PageSender;
}

const NOTICES: Record<string, string> = {
  profile: 'Your profile was saved.',
  revoked: 'The token was revoked; it no longer works.',
};

function field(body: unknown, name: string, max = 200): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

export const settingsRoutes: FastifyPluginAsync<Options> = async (app, { accounts, pages }) => {
  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Partial<SettingsPageProps> = {},
  ): Promise<FastifyReply> {
    const viewer = requireViewer(request);
    const [user, sessions, tokens] = await Promise.all([
      accounts.profile(viewer.id),
      accounts.sessionsOf(viewer.id, request.cookies[SESSION_COOKIE]),
      accounts.apiTokensOf(viewer.id),
    ]);
    const props: SettingsPageProps = {
      email: user.email,
      handle: user.handle,
      displayName: user.displayName,
      sessions,
      tokens,
      newToken: null,
      notice: null,
      errors: {},
      ...extra,
    };
    return pages.sendPage(request, reply, async () => h(SettingsPage, props), { personal: true });
  }

  app.get('/settings', (request, reply) => {
    const saved = (request.query as Record<string, unknown>).saved;
    return show(request, reply, { notice: typeof saved === 'string' ? (NOTICES[saved] ?? null) : null });
  });

  app.post('/settings/profile', async (request, reply) => {
    const viewer = requireViewer(request);
    const input = {
      handle: field(request.body, 'handle', 100),
      displayName: field(request.body, 'displayName'),
    };
    try {
      await accounts.updateProfile(viewer.id, input);
      return reply.redirect('/settings?saved=profile', 303);
    } catch (err) {
      if (!(err instanceof InvalidInputError || err instanceof ConflictError)) throw err;
      reply.code(err instanceof ConflictError ? 409 : 400);
      const key = err.parameter === 'displayName' ? 'displayName' : 'handle';
      // Keep what was typed, so nothing is lost.
      return show(request, reply, { ...input, errors: { [key]: err.message } });
    }
  });

  app.post('/settings/tokens', async (request, reply) => {
    const viewer = requireViewer(request);
    try {
      const created = await accounts.createApiToken(viewer.id, field(request.body, 'name'));
      return await show(request, reply, { newToken: { name: created.summary.name, token: created.token } });
    } catch (err) {
      if (!(err instanceof InvalidInputError || err instanceof ConflictError)) throw err;
      reply.code(err instanceof ConflictError ? 409 : 400);
      return show(request, reply, { errors: { name: err.message } });
    }
  });

  app.post<{ Params: { id: string } }>('/settings/tokens/:id/revoke', async (request, reply) => {
    const viewer = requireViewer(request);
    const id = /^\d{1,12}$/.test(request.params.id) ? Number(request.params.id) : -1;
    await accounts.revokeApiToken(viewer.id, id);
    return reply.redirect('/settings?saved=revoked', 303);
  });
};
