// Moderation on every SQL backend (SQLite, PostgreSQL): who may do what, the effects of each
// action, and the audit row each action writes in its own transaction.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeBackends } from '../../test/helpers/backends.ts';
import { openCommunityDb, PAPER_A, PAPER_B, tickingClock, USERS } from '../../test/helpers/community-db.ts';
import type { CommunityDb } from '../../test/helpers/community-db.ts';
import { CommentService } from './comment-service.ts';
import { ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';
import { ModerationService } from './moderation-service.ts';

const { ada, bob, mod, admin, mod2 } = USERS;
describeBackends('ModerationService', (backend) => {
  let env: CommunityDb;
  let comments: CommentService;
  let moderation: ModerationService;

  beforeEach(async () => {
    env = await openCommunityDb(() => backend.open());
    const clock = tickingClock();
    comments = new CommentService(env.db, clock);
    moderation = new ModerationService(env.db, clock);
  });
  afterEach(async () => {
    await env.close();
  });

  async function audit() {
    return env.db.db.selectFrom('auditLog').selectAll().orderBy('id').execute();
  }

  async function commentCount(paperId = PAPER_A): Promise<number> {
    const row = await env.db.db
      .selectFrom('papers')
      .select('commentCount')
      .where('id', '=', paperId)
      .executeTakeFirstOrThrow();
    return row.commentCount;
  }

  describe('hiding comments', () => {
    it('hides and unhides, keeps the count in step, resolves reports and logs both actions', async () => {
      const posted = await comments.post(ada, PAPER_A, 'rude words', null);
      await comments.report(bob, posted.id, 'abuse', '');
      await moderation.hideComment(mod, posted.id, 'insults');
      expect(await commentCount()).toBe(0);
      expect((await moderation.reportQueue(mod, 0)).total).toBe(0);
      await moderation.unhideComment(mod, posted.id, '');
      expect(await commentCount()).toBe(1);
      const rows = await audit();
      expect(rows.map((r) => [r.actorId, r.action, r.targetType, r.targetId, r.reason])).toEqual([
        [mod.id, 'comment.hide', 'comment', String(posted.id), 'insults'],
        [mod.id, 'comment.unhide', 'comment', String(posted.id), null],
      ]);
      expect(JSON.parse(rows[0]!.details!)).toEqual({
        paperId: PAPER_A,
        authorId: ada.id,
        body: 'rude words',
        resolvedReports: 1,
      });
    });

    it('refuses readers and writes nothing', async () => {
      const posted = await comments.post(ada, PAPER_A, 'x', null);
      await expect(moderation.hideComment(bob, posted.id, '')).rejects.toBeInstanceOf(ForbiddenError);
      expect(await audit()).toEqual([]);
      expect(await commentCount()).toBe(1);
    });

    it('rolls back the action when the reason is too long', async () => {
      const posted = await comments.post(ada, PAPER_A, 'x', null);
      await expect(moderation.hideComment(mod, posted.id, 'r'.repeat(501))).rejects.toBeInstanceOf(
        InvalidInputError,
      );
      expect(await commentCount()).toBe(1);
      expect(await audit()).toEqual([]);
    });
  });

  describe('reports queue', () => {
    it('lists reported comments with their paper, parent and reports, and dismisses them', async () => {
      const root = await comments.post(bob, PAPER_A, 'question', null);
      const reply = await comments.post(ada, PAPER_A, 'buy pills', root.id);
      await comments.report(bob, reply.id, 'spam', 'pills');
      await comments.report(mod2, reply.id, 'spam', '');
      const queue = await moderation.reportQueue(mod, 0);
      expect(queue.total).toBe(1);
      expect(queue.items).toHaveLength(1);
      const [item] = queue.items;
      expect(item!.comment).toMatchObject({ id: reply.id, body: 'buy pills' });
      expect(item!.parent).toMatchObject({ id: root.id, body: 'question' });
      expect(item!.paper).toMatchObject({ id: PAPER_A, title: `Paper ${PAPER_A}` });
      expect(item!.reports.map((r) => [r.reporter.handle, r.reason])).toEqual([
        ['bob', 'spam\npills'],
        ['mod2', 'spam'],
      ]);
      await expect(moderation.reportQueue(bob, 0)).rejects.toBeInstanceOf(ForbiddenError);
      expect(await moderation.dismissReports(mod, reply.id, 'fine')).toEqual({ dismissed: 2 });
      expect((await moderation.reportQueue(mod, 0)).items).toEqual([]);
      await expect(moderation.dismissReports(mod, reply.id, '')).rejects.toBeInstanceOf(NotFoundError);
      expect((await audit()).map((r) => r.action)).toEqual(['report.dismiss']);
      expect(await commentCount()).toBe(2);
    });
  });

  describe('hiding papers', () => {
    it('hides a paper from readers and logs it with the title', async () => {
      await moderation.setPaperHidden(mod, PAPER_B, true, 'duplicate');
      const row = await env.db.db
        .selectFrom('papers')
        .select('hiddenAt')
        .where('id', '=', PAPER_B)
        .executeTakeFirst();
      expect(row!.hiddenAt).not.toBeNull();
      expect((await moderation.hiddenPapers(mod)).map((p) => p.id)).toEqual([PAPER_B]);
      await moderation.setPaperHidden(mod, PAPER_B, false, '');
      expect(await moderation.hiddenPapers(mod)).toEqual([]);
      const rows = await audit();
      expect(rows.map((r) => [r.action, r.targetId, r.reason])).toEqual([
        ['paper.hide', PAPER_B, 'duplicate'],
        ['paper.unhide', PAPER_B, null],
      ]);
      expect(JSON.parse(rows[0]!.details!)).toEqual({ title: `Paper ${PAPER_B}` });
      await expect(moderation.setPaperHidden(bob, PAPER_B, true, '')).rejects.toBeInstanceOf(ForbiddenError);
      await expect(moderation.setPaperHidden(mod, '2611.99999', true, '')).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });

  describe('bans', () => {
    async function addSession(userId: number, idHash: string) {
      await env.db.db
        .insertInto('sessions')
        .values({
          idHash,
          userId,
          createdAt: '2026-11-20T00:00:00.000Z',
          lastSeenAt: '2026-11-20T00:00:00.000Z',
          expiresAt: '2027-11-20T00:00:00.000Z',
          userAgent: null,
        })
        .execute();
    }

    it('bans a user, ends their sessions, optionally hides their comments, and logs it', async () => {
      await addSession(ada.id, 'a1');
      await addSession(ada.id, 'a2');
      await addSession(bob.id, 'b1');
      const first = await comments.post(ada, PAPER_A, 'one', null);
      const second = await comments.post(ada, PAPER_B, 'two', null);
      await comments.post(bob, PAPER_A, 'bob', null);
      await moderation.ban(mod, ada.id, { reason: 'spammer', hideComments: true });
      const user = await env.db.db
        .selectFrom('users')
        .select('bannedAt')
        .where('id', '=', ada.id)
        .executeTakeFirst();
      expect(user!.bannedAt).not.toBeNull();
      const sessions = await env.db.db.selectFrom('sessions').select('idHash').execute();
      expect(sessions.map((s) => s.idHash)).toEqual(['b1']);
      expect(await commentCount(PAPER_A)).toBe(1);
      expect(await commentCount(PAPER_B)).toBe(0);
      await expect(comments.post(ada, PAPER_A, 'again', null)).rejects.toBeInstanceOf(ForbiddenError);
      const [row] = await audit();
      expect(row).toMatchObject({
        action: 'user.ban',
        targetType: 'user',
        targetId: String(ada.id),
        reason: 'spammer',
      });
      expect(JSON.parse(row!.details!)).toEqual({
        handle: 'ada',
        endedSessions: 2,
        hiddenComments: [first.id, second.id],
      });
      await moderation.unban(mod, ada.id, 'appealed');
      await comments.post(ada, PAPER_A, 'back', null);
      expect((await audit()).map((r) => r.action)).toEqual(['user.ban', 'user.unban']);
    });

    it('keeps comments visible when asked to', async () => {
      await comments.post(ada, PAPER_A, 'one', null);
      await moderation.ban(mod, ada.id, { reason: '', hideComments: false });
      expect(await commentCount()).toBe(1);
    });

    it('lets moderators ban users only, admins also moderators, nobody admins or themselves', async () => {
      await expect(moderation.ban(bob, ada.id, { reason: '', hideComments: false })).rejects.toThrow(
        'Only moderators can do this.',
      );
      await expect(moderation.ban(mod, mod2.id, { reason: '', hideComments: false })).rejects.toThrow(
        'You cannot do this to a moderator.',
      );
      await expect(moderation.ban(mod, admin.id, { reason: '', hideComments: false })).rejects.toThrow(
        'You cannot do this to an administrator.',
      );
      await expect(moderation.ban(admin, admin.id, { reason: '', hideComments: false })).rejects.toThrow(
        'You cannot do this to your own account.',
      );
      await moderation.ban(admin, mod2.id, { reason: '', hideComments: false });
      await expect(moderation.ban(mod, 999, { reason: '', hideComments: false })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect((await audit()).map((r) => [r.actorId, r.targetId])).toEqual([[admin.id, String(mod2.id)]]);
    });
  });

  describe('roles', () => {
    it('lets admins make users moderators and back, logging the change', async () => {
      await moderation.setRole(admin, ada.id, 'moderator', 'trusted');
      await moderation.setRole(admin, ada.id, 'user', '');
      const rows = await audit();
      expect(rows.map((r) => [r.action, r.targetId, JSON.parse(r.details!)])).toEqual([
        ['user.role', String(ada.id), { handle: 'ada', from: 'user', to: 'moderator' }],
        ['user.role', String(ada.id), { handle: 'ada', from: 'moderator', to: 'user' }],
      ]);
    });

    it('refuses moderators, unknown roles and admin accounts', async () => {
      await expect(moderation.setRole(mod, ada.id, 'moderator', '')).rejects.toThrow(
        'Only administrators can change roles.',
      );
      await expect(moderation.setRole(admin, ada.id, 'admin', '')).rejects.toThrow(
        'The role must be user or moderator.',
      );
      await expect(moderation.setRole(admin, admin.id, 'user', '')).rejects.toBeInstanceOf(ForbiddenError);
      expect(await audit()).toEqual([]);
    });
  });

  describe('audit log and users', () => {
    it('is for admins only, newest first, filterable by action', async () => {
      await moderation.setPaperHidden(mod, PAPER_A, true, '');
      await moderation.setPaperHidden(mod, PAPER_A, false, '');
      await moderation.ban(mod, bob.id, { reason: '', hideComments: false });
      await expect(moderation.auditLog(mod, null, 0)).rejects.toBeInstanceOf(ForbiddenError);
      const all = await moderation.auditLog(admin, null, 0);
      expect(all.entries.map((e) => e.action)).toEqual(['user.ban', 'paper.unhide', 'paper.hide']);
      expect(all.entries[0]!.actor).toEqual({ id: mod.id, handle: 'mod', displayName: 'Mod' });
      expect(all.actions).toEqual(['paper.hide', 'paper.unhide', 'user.ban']);
      const hides = await moderation.auditLog(admin, 'paper.hide', 0);
      expect(hides.entries.map((e) => e.action)).toEqual(['paper.hide']);
    });

    it('finds users by handle, name or email for admins', async () => {
      expect((await moderation.users(admin, 'BO', 0)).map((u) => u.handle)).toEqual(['bob']);
      expect((await moderation.users(admin, 'example.org', 0)).length).toBe(5);
      expect(await moderation.users(admin, '%', 0)).toEqual([]);
      await expect(moderation.users(mod, '', 0)).rejects.toBeInstanceOf(ForbiddenError);
    });
  });
});
