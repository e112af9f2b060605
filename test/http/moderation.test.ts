// Moderation over real HTTP on the real app: who may open the moderation pages and act, hidden
// comments and papers as readers and moderators see them, bans that end sessions and block writes,
// roles, and the audit row each action leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { signInAs } from '../helpers/session.ts';
import type { Session } from '../helpers/session.ts';

const PAPER = '2410.17243';
let t: TestApp;
let ada: Session;
let bob: Session;
let mod: Session;
let admin: Session;

beforeAll(async () => {
  t = await createTestApp();
  ada = await signInAs(t, { email: 'ada@example.org', handle: 'ada', displayName: 'Ada' });
  bob = await signInAs(t, { email: 'bob@example.org', handle: 'bob', displayName: 'Bob' });
  mod = await signInAs(t, {
    email: 'mod@example.org',
    handle: 'moddy',
    displayName: 'Mod',
    role: 'moderator',
  });
  admin = await signInAs(t, {
    email: 'chief@example.org',
    handle: 'chief',
    displayName: 'Chief',
    role: 'admin',
  });
});
afterAll(async () => {
  await t.close();
});

function form(fields: Record<string, string> = {}) {
  return {
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

async function postComment(s: Session, body: string, paper = PAPER): Promise<number> {
  const res = await s.inject({
    method: 'POST',
    url: `/papers/${paper}/comments`,
    ...form({ comment: body }),
  });
  expect(res.statusCode).toBe(303);
  return Number(/#comment-(\d+)$/.exec(res.headers.location as string)![1]);
}

async function auditRows(action?: string) {
  let q = t.container.database.db.selectFrom('auditLog').selectAll().orderBy('id');
  if (action) q = q.where('action', '=', action);
  return q.execute();
}

async function numComments(paper = PAPER): Promise<number> {
  return ((await t.app.inject(`/api/papers/${paper}`)).json() as { numComments: number }).numComments;
}

describe('access', () => {
  it('sends signed-out visitors to sign in and refuses readers with 403', async () => {
    const anonymous = await t.app.inject('/admin');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/signin?next=%2Fadmin');
    expect((await ada.inject({ url: '/admin' })).statusCode).toBe(403);
    expect((await ada.inject({ url: '/admin/audit' })).statusCode).toBe(403);
    expect((await ada.inject({ url: '/admin/users' })).statusCode).toBe(403);
  });

  it('links moderators, and only them, to the moderation pages from the header', async () => {
    const link = '<a class="account-link" href="/admin">Moderation</a>';
    expect((await mod.inject({ url: '/' })).body).toContain(link);
    expect((await admin.inject({ url: '/' })).body).toContain(link);
    expect((await ada.inject({ url: '/' })).body).not.toContain(link);
    expect((await t.app.inject('/')).body).not.toContain(link);
  });

  it('opens the reports queue to moderators, and the audit log and users only to admins', async () => {
    const queue = await mod.inject({ url: '/admin' });
    expect(queue.statusCode).toBe(200);
    expect(queue.headers['cache-control']).toBe('private, no-store');
    expect(queue.body).toContain('Reported comments');
    expect(queue.body).not.toContain('href="/admin/audit"');
    expect((await mod.inject({ url: '/admin/audit' })).statusCode).toBe(403);
    expect((await mod.inject({ url: '/admin/users' })).statusCode).toBe(403);
    const audit = await admin.inject({ url: '/admin/audit' });
    expect(audit.statusCode).toBe(200);
    expect(audit.body).toContain('href="/admin/audit"');
  });

  it('refuses moderation actions from readers with 403 and changes nothing', async () => {
    const id = await postComment(ada, 'fine comment');
    const hide = await bob.inject({ method: 'POST', url: `/admin/comments/${id}/hide`, ...form() });
    expect(hide.statusCode).toBe(403);
    const paper = await bob.inject({ method: 'POST', url: '/admin/papers/hide', ...form({ paper: PAPER }) });
    expect(paper.statusCode).toBe(403);
    const ban = await bob.inject({ method: 'POST', url: `/admin/users/${ada.userId}/ban`, ...form() });
    expect(ban.statusCode).toBe(403);
    const role = await mod.inject({
      method: 'POST',
      url: `/admin/users/${bob.userId}/role`,
      ...form({ role: 'moderator' }),
    });
    expect(role.statusCode).toBe(403);
    expect(await auditRows()).toEqual([]);
  });
});

describe('hiding comments', () => {
  it('shows readers a placeholder and moderators the text with an unhide form; logs each action', async () => {
    const before = await numComments();
    const id = await postComment(ada, 'rude remark');
    const hide = await mod.inject({
      method: 'POST',
      url: `/admin/comments/${id}/hide`,
      ...form({ reason: 'insulting', next: `/papers/${PAPER}#comment-${id}` }),
    });
    expect(hide.statusCode).toBe(303);
    expect(hide.headers.location).toBe(`/papers/${PAPER}#comment-${id}`);
    expect(await numComments()).toBe(before);

    for (const page of [
      await t.app.inject(`/papers/${PAPER}`),
      await bob.inject({ url: `/papers/${PAPER}` }),
    ]) {
      expect(page.body).toContain('[hidden by a moderator]');
      expect(page.body).not.toContain('rude remark');
    }
    const modPage = (await mod.inject({ url: `/papers/${PAPER}` })).body;
    expect(modPage).toContain('rude remark');
    expect(modPage).toContain('Hidden from readers');
    expect(modPage).toContain(`action="/admin/comments/${id}/unhide"`);
    expect((await t.app.inject(`/api/papers/${PAPER}/comments`)).body).not.toContain('rude remark');

    const unhide = await mod.inject({ method: 'POST', url: `/admin/comments/${id}/unhide`, ...form() });
    expect(unhide.statusCode).toBe(303);
    expect((await t.app.inject(`/papers/${PAPER}`)).body).toContain('rude remark');
    expect(await numComments()).toBe(before + 1);

    const rows = (await auditRows()).filter((r) => r.targetId === String(id));
    expect(rows.map((r) => [r.actorId, r.action, r.reason])).toEqual([
      [mod.userId, 'comment.hide', 'insulting'],
      [mod.userId, 'comment.unhide', null],
    ]);
  });
});

describe('the reports queue', () => {
  it('shows a reported comment in context and dismisses its reports', async () => {
    const id = await postComment(ada, 'buy cheap pills');
    const report = await bob.inject({
      method: 'POST',
      url: `/comments/${id}/report`,
      ...form({ reason: 'spam', note: 'a pharmacy link' }),
    });
    expect(report.statusCode).toBe(303);
    const queue = (await mod.inject({ url: '/admin' })).body;
    expect(queue).toContain('buy cheap pills');
    expect(queue).toContain('Spam or advertising');
    expect(queue).toContain('a pharmacy link');
    expect(queue).toContain(`href="/papers/${PAPER}#comment-${id}"`);
    expect(queue).toContain(`action="/admin/comments/${id}/dismiss"`);
    const dismiss = await mod.inject({ method: 'POST', url: `/admin/comments/${id}/dismiss`, ...form() });
    expect(dismiss.statusCode).toBe(303);
    expect(dismiss.headers.location).toBe('/admin');
    expect((await mod.inject({ url: '/admin' })).body).not.toContain('buy cheap pills');
    expect((await auditRows('report.dismiss')).map((r) => r.targetId)).toEqual([String(id)]);
  });
});

describe('hiding papers', () => {
  const HIDDEN = '2410.18234';

  it('removes a paper from lists, search and the API, answers 404 to readers, and lets moderators unhide it', async () => {
    const title = 'Unbounded: A Generative Infinite Game';
    expect((await t.app.inject('/')).body).toContain(`/papers/${HIDDEN}"`);
    const hide = await mod.inject({
      method: 'POST',
      url: '/admin/papers/hide',
      ...form({ paper: HIDDEN, reason: 'duplicate', next: `/papers/${HIDDEN}` }),
    });
    expect(hide.statusCode).toBe(303);

    expect((await t.app.inject('/')).body).not.toContain(`/papers/${HIDDEN}"`);
    expect((await t.app.inject(`/papers/${HIDDEN}`)).statusCode).toBe(404);
    expect((await bob.inject({ url: `/papers/${HIDDEN}` })).statusCode).toBe(404);
    expect((await t.app.inject(`/api/papers/${HIDDEN}`)).statusCode).toBe(404);
    const daily = (await t.app.inject('/api/daily_papers?date=2026-11-27&limit=100')).json() as {
      paper: { id: string };
    }[];
    expect(daily.map((d) => d.paper.id)).not.toContain(HIDDEN);
    const search = await t.app.inject(`/api/papers/search?q=${encodeURIComponent(`"${title}"`)}`);
    expect((search.json() as { paper: { id: string } }[]).map((d) => d.paper.id)).not.toContain(HIDDEN);
    expect((await t.app.inject(`/search?q=${encodeURIComponent(`"${title}"`)}`)).body).not.toContain(
      `/papers/${HIDDEN}"`,
    );

    const modPage = await mod.inject({ url: `/papers/${HIDDEN}` });
    expect(modPage.statusCode).toBe(200);
    expect(modPage.body).toContain('Hidden by a moderator');
    expect(modPage.body).toContain('action="/admin/papers/unhide"');
    expect((await mod.inject({ url: '/admin' })).body).toContain(`href="/papers/${HIDDEN}"`);

    const unhide = await mod.inject({
      method: 'POST',
      url: '/admin/papers/unhide',
      ...form({ paper: HIDDEN }),
    });
    expect(unhide.statusCode).toBe(303);
    expect((await t.app.inject(`/papers/${HIDDEN}`)).statusCode).toBe(200);
    expect((await t.app.inject('/')).body).toContain(`/papers/${HIDDEN}"`);
    expect((await auditRows()).filter((r) => r.targetId === HIDDEN).map((r) => [r.action, r.reason])).toEqual(
      [
        ['paper.hide', 'duplicate'],
        ['paper.unhide', null],
      ],
    );
  });

  it('offers moderators, and only them, the hide-paper form', async () => {
    expect((await mod.inject({ url: `/papers/${PAPER}` })).body).toContain('action="/admin/papers/hide"');
    expect((await bob.inject({ url: `/papers/${PAPER}` })).body).not.toContain('/admin/papers/hide');
    expect((await t.app.inject(`/papers/${PAPER}`)).body).not.toContain('/admin/papers/hide');
  });
});

describe('bans', () => {
  it('ends the user’s sessions, blocks their writes, hides their comments on request, and is logged', async () => {
    const carol = await signInAs(t, { email: 'carol@example.org', handle: 'carol', displayName: 'Carol' });
    const id = await postComment(carol, 'carol says hi');
    const token = (await t.container.accounts.createApiToken(carol.userId, 'script')).token;
    const ban = await mod.inject({
      method: 'POST',
      url: `/admin/users/${carol.userId}/ban`,
      ...form({ reason: 'spam account', hideComments: 'on' }),
    });
    expect(ban.statusCode).toBe(303);

    // The old session cookie signs nobody in any more: writes are sent to sign in.
    const page = await carol.inject({ url: `/papers/${PAPER}` });
    expect(page.body).not.toContain('href="/u/carol" title');
    const write = await carol.inject({
      method: 'POST',
      url: `/papers/${PAPER}/comments`,
      ...form({ comment: 'x' }),
    });
    expect(write.statusCode).toBe(303);
    expect(write.headers.location).toMatch(/^\/signin\?next=/);
    const api = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${PAPER}/comments`,
      headers: { authorization: `Bearer ${token}` },
      payload: { comment: 'from a script' },
    });
    expect([401, 403]).toContain(api.statusCode); // unknown token, or a banned user's
    const scripted = await t.container.database.db
      .selectFrom('comments')
      .select('id')
      .where('body', '=', 'from a script')
      .execute();
    expect(scripted).toEqual([]);
    expect((await t.app.inject(`/papers/${PAPER}`)).body).not.toContain('carol says hi');
    expect(
      await t.container.database.db
        .selectFrom('sessions')
        .select('idHash')
        .where('userId', '=', carol.userId)
        .execute(),
    ).toEqual([]);
    const [row] = await auditRows('user.ban');
    expect(row).toMatchObject({
      actorId: mod.userId,
      targetId: String(carol.userId),
      reason: 'spam account',
    });
    expect(JSON.parse(row!.details!)).toMatchObject({
      handle: 'carol',
      endedSessions: 1,
      hiddenComments: [id],
    });
  });

  it('does not let moderators ban moderators or admins', async () => {
    const res = await mod.inject({ method: 'POST', url: `/admin/users/${admin.userId}/ban`, ...form() });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('You cannot do this to an administrator.');
  });
});

describe('admin pages', () => {
  it('lets admins find users and make one a moderator, logged', async () => {
    const found = await admin.inject({ url: '/admin/users?q=BOB' });
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain('@bob');
    expect(found.body).not.toContain('@ada');
    const promote = await admin.inject({
      method: 'POST',
      url: `/admin/users/${bob.userId}/role`,
      ...form({ role: 'moderator', next: '/admin/users?q=bob' }),
    });
    expect(promote.statusCode).toBe(303);
    expect(promote.headers.location).toBe('/admin/users?q=bob');
    expect((await bob.inject({ url: '/admin' })).statusCode).toBe(200);
    const demote = await admin.inject({
      method: 'POST',
      url: `/admin/users/${bob.userId}/role`,
      ...form({ role: 'user' }),
    });
    expect(demote.statusCode).toBe(303);
    expect((await bob.inject({ url: '/admin' })).statusCode).toBe(403);
    const rows = await auditRows('user.role');
    expect(rows.map((r) => JSON.parse(r.details!))).toEqual([
      { handle: 'bob', from: 'user', to: 'moderator' },
      { handle: 'bob', from: 'moderator', to: 'user' },
    ]);
  });

  it('shows the audit log newest first, filtered by action', async () => {
    const all = (await admin.inject({ url: '/admin/audit' })).body;
    const rows = await auditRows();
    expect(rows.length).toBeGreaterThan(3);
    const newest = rows[rows.length - 1]!;
    expect(all.indexOf(`<code>${newest.action}</code>`)).toBeLessThan(
      all.indexOf('<code>comment.hide</code>'),
    );
    const filtered = (await admin.inject({ url: '/admin/audit?action=paper.hide' })).body;
    expect(filtered).toContain('<code>paper.hide</code>');
    expect(filtered).not.toContain('<code>comment.hide</code>');
    expect(filtered).toContain('<option value="paper.hide" selected>');
    expect((await admin.inject({ url: '/admin/audit?p=x' })).statusCode).toBe(400);
  });
});
