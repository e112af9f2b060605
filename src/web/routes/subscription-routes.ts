// Email subscriptions: /subscribe (double opt-in), /subscribe/confirm/:token, one-click
// /unsubscribe/:token (RFC 8058: POST without cookies or CSRF token; the signed token is the
// authentication), /subscriptions/manage/:token, and /settings/email for signed-in users.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { JSX } from 'preact';
import { InvalidInputError, NotFoundError, RateLimitedError } from '../../services/errors.ts';
import type { Subscription, SubscriptionService } from '../../services/subscription-service.ts';
import { describe } from '../../services/subscription-service.ts';
import type { PageSender } from '../app.ts';
import { requireViewer } from '../guards.ts';
import { DEFAULT_VALUES } from '../views/subscription-form.tsx';
import type { FieldErrors, SubscribeValues } from '../views/subscription-form.tsx';
import {
  ConfirmPage,
  EmailSettingsPage,
  ManagePage,
  SubscribePage,
  SubscribeSentPage,
  UnsubscribePage,
} from '../views/subscription-pages.tsx';

interface Options {
  subscriptions: SubscriptionService;
  pages: PageSender;
}

const NOTICES: Record<string, string> = {
  saved: 'The schedule was saved.',
  removed: 'Unsubscribed.',
  added: 'Subscribed.',
};

function field(source: unknown, name: string, max = 300): string {
  const value = (source as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

function valuesFrom(body: unknown): SubscribeValues {
  return {
    email: field(body, 'email', 254).trim(),
    kind: field(body, 'kind', 10),
    query: field(body, 'query'),
    hour: field(body, 'hour', 2),
    timeZone: field(body, 'timeZone', 64).trim(),
  };
}

function errorsFrom(err: InvalidInputError | RateLimitedError): FieldErrors {
  const key = err instanceof InvalidInputError ? err.parameter : undefined;
  const known = ['email', 'kind', 'query', 'hour', 'timeZone'];
  return { [key && known.includes(key) ? key : 'form']: err.message };
}

function idParam(request: FastifyRequest): number {
  const id = Number((request.params as { id: string }).id);
  if (!Number.isSafeInteger(id) || id < 1) throw new NotFoundError('No such subscription.');
  return id;
}

function tokenParam(request: FastifyRequest): string {
  return (request.params as { token: string }).token.slice(0, 100);
}

function noticeFrom(request: FastifyRequest): string | null {
  const key = field(request.query, 'saved', 20);
  return NOTICES[key] ?? null;
}

export const subscriptionRoutes: FastifyPluginAsync<Options> = async (app, { subscriptions, pages }) => {
  // RFC 8058 lets mail providers send the one-click POST as multipart/form-data too; only this
  // plugin's routes accept it, as text (the body is not needed: the token decides).
  app.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => done(null, { raw: String(body) }),
  );
  const page = (request: FastifyRequest, reply: FastifyReply, render: () => JSX.Element) =>
    pages.sendPage(request, reply, async () => render(), { personal: true });

  app.get('/subscribe', (request, reply) => {
    const q = field(request.query, 'q').trim();
    const values = q ? { ...DEFAULT_VALUES, kind: 'topic', query: q } : DEFAULT_VALUES;
    return page(request, reply, () => h(SubscribePage, { values, errors: {}, zoneFromBrowser: true }));
  });

  app.post('/subscribe', async (request, reply) => {
    const values = valuesFrom(request.body);
    try {
      const outcome = await subscriptions.subscribe(values, request.viewer?.id ?? null);
      const sub = outcome.subscription;
      const confirmed = outcome.status === 'subscribed';
      return await page(request, reply, () =>
        h(SubscribeSentPage, {
          email: sub.email,
          what: describe(sub),
          confirmed,
          manageUrl: confirmed && request.viewer ? '/settings/email' : null,
        }),
      );
    } catch (err) {
      if (!(err instanceof InvalidInputError || err instanceof RateLimitedError)) throw err;
      reply.code(err instanceof RateLimitedError ? 429 : 400);
      // What was typed stays in the form: nothing is lost.
      return page(request, reply, () =>
        h(SubscribePage, { values, errors: errorsFrom(err), zoneFromBrowser: false }),
      );
    }
  });

  // Opening the link shows a button; only the POST confirms, so link scanners in mail systems
  // (which fetch every link) cannot confirm a subscription nobody asked for.
  app.get('/subscribe/confirm/:token', async (request, reply) => {
    const token = tokenParam(request);
    const sub = await subscriptions.pendingConfirmation(token);
    return page(request, reply, () =>
      h(ConfirmPage, {
        token,
        sub,
        confirmed: sub.confirmed,
        manageUrl: sub.confirmed ? subscriptions.manageUrl(sub.id) : null,
      }),
    );
  });

  app.post('/subscribe/confirm/:token', async (request, reply) => {
    const token = tokenParam(request);
    const sub = await subscriptions.confirm(token);
    return page(request, reply, () =>
      h(ConfirmPage, { token, sub, confirmed: true, manageUrl: subscriptions.manageUrl(sub.id) }),
    );
  });

  app.get('/unsubscribe/:token', async (request, reply) => {
    const token = tokenParam(request);
    const sub = await subscriptions.byUnsubscribeToken(token);
    return page(request, reply, () =>
      h(UnsubscribePage, { token, sub, done: sub.unsubscribed, manageUrl: subscriptions.manageUrl(sub.id) }),
    );
  });

  app.post(
    '/unsubscribe/:token',
    // Mail providers send the one-click POST from a few addresses for many readers.
    { config: { csrf: false, rateLimit: false } },
    async (request, reply) => {
      const token = tokenParam(request);
      const sub = await subscriptions.unsubscribe(token);
      const body = request.body as Record<string, unknown> | undefined;
      const oneClick =
        field(body, 'List-Unsubscribe', 20) === 'One-Click' ||
        (typeof body?.raw === 'string' && /List-Unsubscribe[\s\S]*One-Click/.test(body.raw));
      if (oneClick) {
        return reply
          .header('cache-control', 'no-store')
          .type('text/plain; charset=utf-8')
          .send('Unsubscribed.\n');
      }
      return page(request, reply, () =>
        h(UnsubscribePage, { token, sub, done: true, manageUrl: subscriptions.manageUrl(sub.id) }),
      );
    },
  );

  async function showManage(
    request: FastifyRequest,
    reply: FastifyReply,
    notice: string | null,
    error: string | null,
  ) {
    const managed = await subscriptions.manage(tokenParam(request));
    return page(request, reply, () => h(ManagePage, { ...managed, notice, error }));
  }

  app.get('/subscriptions/manage/:token', (request, reply) =>
    showManage(request, reply, noticeFrom(request), null),
  );

  app.post('/subscriptions/manage/:token/:id', async (request, reply) => {
    const token = tokenParam(request);
    try {
      await subscriptions.updateByManageToken(
        token,
        idParam(request),
        field(request.body, 'hour', 2),
        field(request.body, 'timeZone', 64),
      );
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      reply.code(400);
      return showManage(request, reply, null, err.message);
    }
    return reply.redirect(`/subscriptions/manage/${token}?saved=saved`, 303);
  });

  app.post('/subscriptions/manage/:token/:id/remove', async (request, reply) => {
    const token = tokenParam(request);
    await subscriptions.removeByManageToken(token, idParam(request));
    return reply.redirect(`/subscriptions/manage/${token}?saved=removed`, 303);
  });

  async function showSettings(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { values?: SubscribeValues; errors?: FieldErrors; notice?: string | null } = {},
  ) {
    const viewer = requireViewer(request);
    const mine = await subscriptions.forUser(viewer.id);
    return page(request, reply, () =>
      h(EmailSettingsPage, {
        email: mine.email,
        subscriptions: mine.subscriptions,
        values: extra.values ?? DEFAULT_VALUES,
        errors: extra.errors ?? {},
        notice: extra.notice ?? null,
      }),
    );
  }

  app.get('/settings/email', (request, reply) =>
    showSettings(request, reply, { notice: noticeFrom(request) }),
  );

  app.post('/settings/email', async (request, reply) => {
    const viewer = requireViewer(request);
    const values = valuesFrom(request.body);
    try {
      const { email } = await subscriptions.forUser(viewer.id);
      await subscriptions.subscribe({ ...values, email: email ?? '' }, viewer.id);
    } catch (err) {
      if (!(err instanceof InvalidInputError || err instanceof RateLimitedError)) throw err;
      reply.code(err instanceof RateLimitedError ? 429 : 400);
      return showSettings(request, reply, { values, errors: errorsFrom(err) });
    }
    return reply.redirect('/settings/email?saved=added', 303);
  });

  app.post('/settings/email/:id', async (request, reply) => {
    const viewer = requireViewer(request);
    try {
      await subscriptions.updateForUser(
        viewer.id,
        idParam(request),
        field(request.body, 'hour', 2),
        field(request.body, 'timeZone', 64),
      );
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      reply.code(400);
      return showSettings(request, reply, { errors: { form: err.message } });
    }
    return reply.redirect('/settings/email?saved=saved', 303);
  });

  app.post('/settings/email/:id/remove', async (request, reply) => {
    const viewer = requireViewer(request);
    await subscriptions.removeForUser(viewer.id, idParam(request));
    return reply.redirect('/settings/email?saved=removed', 303);
  });
};

export type { Subscription };
