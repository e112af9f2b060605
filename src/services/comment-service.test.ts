// The discussion rules on every SQL backend (SQLite, PostgreSQL): threading and the depth cap,
// edit and delete of one's own comments only, soft deletion, reports once per reader, bans, and
// comment_count.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeBackends } from '../../test/helpers/backends.ts';
import { MAX_COMMENT_CHARS, MAX_COMMENT_DEPTH } from '../domain/comment-rules.ts';
import { flattenThread } from '../domain/comment-thread.ts';
import { openCommunityDb, PAPER_A, PAPER_B, tickingClock, USERS } from '../../test/helpers/community-db.ts';
import type { CommunityDb } from '../../test/helpers/community-db.ts';
import { CommentService } from './comment-service.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';

const { ada, bob, mod } = USERS;
describeBackends('CommentService', (backend) => {
  let env: CommunityDb;
  let comments: CommentService;

  beforeEach(async () => {
    env = await openCommunityDb(() => backend.open());
    comments = new CommentService(env.db, tickingClock());
  });
  afterEach(async () => {
    await env.close();
  });

  async function commentCount(paperId = PAPER_A): Promise<number> {
    const row = await env.db.db
      .selectFrom('papers')
      .select('commentCount')
      .where('id', '=', paperId)
      .executeTakeFirstOrThrow();
    return row.commentCount;
  }

  describe('posting', () => {
    it('stores a comment, counts it and refreshes cached pages', async () => {
      const posted = await comments.post(ada, PAPER_A, '  Nice **result**  \r\n', null);
      expect(posted.paperId).toBe(PAPER_A);
      expect(await commentCount()).toBe(1);
      expect(env.writes()).toBe(1);
      const [node] = await comments.thread(PAPER_A, null);
      expect(node).toMatchObject({
        id: posted.id,
        body: '  Nice **result**',
        state: 'visible',
        edited: false,
      });
      expect(node!.author).toEqual({ id: ada.id, handle: 'ada', displayName: 'Ada' });
    });

    it('refuses empty and overlong comments with a clear message, storing nothing', async () => {
      await expect(comments.post(ada, PAPER_A, ' \n\t ', null)).rejects.toThrow(
        new InvalidInputError('The comment is empty.', 'comment'),
      );
      await expect(comments.post(ada, PAPER_A, 'x'.repeat(MAX_COMMENT_CHARS + 1), null)).rejects.toThrow(
        /10,001 characters long; the limit is 10,000/,
      );
      await comments.post(ada, PAPER_A, 'x'.repeat(MAX_COMMENT_CHARS), null);
      expect(await commentCount()).toBe(1);
    });

    it('refuses unknown and hidden papers', async () => {
      await expect(comments.post(ada, '2611.99999', 'hi', null)).rejects.toBeInstanceOf(NotFoundError);
      await env.db.db.updateTable('papers').set({ hiddenAt: '2026-11-20T00:00:00.000Z' }).execute();
      await expect(comments.post(ada, PAPER_A, 'hi', null)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses banned users', async () => {
      await env.db.db
        .updateTable('users')
        .set({ bannedAt: '2026-11-20T00:00:00.000Z' })
        .where('id', '=', ada.id)
        .execute();
      await expect(comments.post(ada, PAPER_A, 'hi', null)).rejects.toThrow(
        new ForbiddenError('Your account has been suspended, so you cannot comment.'),
      );
      expect(await commentCount()).toBe(0);
    });
  });

  describe('threads', () => {
    it('nests replies under their parents, oldest first', async () => {
      const root = await comments.post(ada, PAPER_A, 'root', null);
      const second = await comments.post(bob, PAPER_A, 'second root', null);
      const reply = await comments.post(bob, PAPER_A, 'reply', root.id);
      const replyToReply = await comments.post(ada, PAPER_A, 'reply to reply', reply.id);
      const thread = await comments.thread(PAPER_A, null);
      expect(thread.map((n) => n.id)).toEqual([root.id, second.id]);
      expect(thread[0]!.children.map((n) => n.id)).toEqual([reply.id]);
      expect(thread[0]!.children[0]!.children[0]).toMatchObject({ id: replyToReply.id, depth: 2 });
      expect(await commentCount()).toBe(4);
    });

    it('refuses replies to a comment on another paper, or to one that is gone', async () => {
      const other = await comments.post(ada, PAPER_B, 'elsewhere', null);
      await expect(comments.post(bob, PAPER_A, 'reply', other.id)).rejects.toThrow(
        'You can only reply to a comment on the same paper.',
      );
      await expect(comments.post(bob, PAPER_A, 'reply', 424242)).rejects.toBeInstanceOf(InvalidInputError);
      await comments.delete(ada, other.id);
      await expect(comments.post(bob, PAPER_B, 'reply', other.id)).rejects.toThrow(/no longer exists/);
    });

    it('attaches replies beyond the depth cap to the deepest level', async () => {
      let parent = (await comments.post(ada, PAPER_A, 'level 0', null)).id;
      for (let depth = 1; depth <= MAX_COMMENT_DEPTH; depth++) {
        parent = (await comments.post(depth % 2 ? bob : ada, PAPER_A, `level ${depth}`, parent)).id;
      }
      const deepest = parent;
      const beyond = await comments.post(ada, PAPER_A, 'too deep', deepest);
      const nodes = flattenThread(await comments.thread(PAPER_A, null));
      const placed = nodes.find((n) => n.id === beyond.id)!;
      expect(placed.depth).toBe(MAX_COMMENT_DEPTH);
      const deepestNode = nodes.find((n) => n.id === deepest)!;
      expect(placed.parentId).toBe(deepestNode.parentId);
      expect(Math.max(...nodes.map((n) => n.depth))).toBe(MAX_COMMENT_DEPTH);
    });
  });

  describe('editing and deleting', () => {
    it('lets authors edit their own comments, marked as edited', async () => {
      const posted = await comments.post(ada, PAPER_A, 'first', null);
      await comments.edit(ada, posted.id, 'second');
      const [node] = await comments.thread(PAPER_A, null);
      expect(node).toMatchObject({ body: 'second', edited: true });
      expect(node!.updatedAt > node!.createdAt).toBe(true);
    });

    it("refuses to edit or delete someone else's comment", async () => {
      const posted = await comments.post(ada, PAPER_A, 'mine', null);
      await expect(comments.edit(bob, posted.id, 'hacked')).rejects.toThrow(
        new ForbiddenError('You can only edit your own comments.'),
      );
      await expect(comments.delete(bob, posted.id)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(comments.delete(mod, posted.id)).rejects.toBeInstanceOf(ForbiddenError);
      const [node] = await comments.thread(PAPER_A, null);
      expect(node!.body).toBe('mine');
    });

    it('keeps a deleted comment with replies as [deleted], and drops one without', async () => {
      const root = await comments.post(ada, PAPER_A, 'root', null);
      const reply = await comments.post(bob, PAPER_A, 'reply', root.id);
      const lonely = await comments.post(ada, PAPER_A, 'lonely', null);
      await comments.delete(ada, root.id);
      await comments.delete(ada, lonely.id);
      const thread = await comments.thread(PAPER_A, null);
      expect(thread).toHaveLength(1);
      expect(thread[0]).toMatchObject({ id: root.id, state: 'deleted', body: null, author: null });
      expect(thread[0]!.children.map((n) => n.id)).toEqual([reply.id]);
      expect(await commentCount()).toBe(1);
      // Once the reply goes too, nothing is left.
      await comments.delete(bob, reply.id);
      expect(await comments.thread(PAPER_A, null)).toEqual([]);
      expect(await commentCount()).toBe(0);
    });

    it('cannot edit or delete a deleted comment again', async () => {
      const posted = await comments.post(ada, PAPER_A, 'x', null);
      await comments.delete(ada, posted.id);
      await expect(comments.delete(ada, posted.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(comments.edit(ada, posted.id, 'y')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('cannot edit a comment a moderator hid', async () => {
      const posted = await comments.post(ada, PAPER_A, 'x', null);
      await env.db.db.updateTable('comments').set({ hiddenAt: '2026-11-21T00:00:00.000Z' }).execute();
      await expect(comments.edit(ada, posted.id, 'y')).rejects.toThrow(/moderator hid this comment/);
    });
  });

  describe('hidden comments in threads', () => {
    it('shows readers a placeholder and moderators the text', async () => {
      const posted = await comments.post(ada, PAPER_A, 'rude', null);
      await env.db.db.updateTable('comments').set({ hiddenAt: '2026-11-21T00:00:00.000Z' }).execute();
      const [forReader] = await comments.thread(PAPER_A, bob);
      expect(forReader).toMatchObject({ id: posted.id, state: 'hidden', body: null, author: null });
      const [forModerator] = await comments.thread(PAPER_A, mod);
      expect(forModerator).toMatchObject({ state: 'visible', hiddenByModerator: true, body: 'rude' });
    });
  });

  describe('reports', () => {
    it('records one report per reader per comment', async () => {
      const posted = await comments.post(ada, PAPER_A, 'spam spam', null);
      await comments.report(bob, posted.id, 'spam', '  buy now links \r\n');
      await expect(comments.report(bob, posted.id, 'abuse', '')).rejects.toBeInstanceOf(ConflictError);
      await comments.report(mod, posted.id, 'other', '');
      const rows = await env.db.db.selectFrom('commentReports').selectAll().orderBy('id').execute();
      expect(rows.map((r) => [r.reporterId, r.reason])).toEqual([
        [bob.id, 'spam\nbuy now links'],
        [mod.id, 'other'],
      ]);
    });

    it('refuses bad reasons, long notes, own comments and banned reporters', async () => {
      const posted = await comments.post(ada, PAPER_A, 'hello', null);
      await expect(comments.report(bob, posted.id, 'boring', '')).rejects.toThrow(
        'Choose a reason for the report.',
      );
      await expect(comments.report(bob, posted.id, 'spam', 'x'.repeat(501))).rejects.toThrow(/limit is 500/);
      await expect(comments.report(ada, posted.id, 'spam', '')).rejects.toThrow(
        'You cannot report your own comment.',
      );
      await env.db.db
        .updateTable('users')
        .set({ bannedAt: '2026-11-20T00:00:00.000Z' })
        .where('id', '=', bob.id)
        .execute();
      await expect(comments.report(bob, posted.id, 'spam', '')).rejects.toBeInstanceOf(ForbiddenError);
      expect(await env.db.db.selectFrom('commentReports').selectAll().execute()).toEqual([]);
    });
  });
});
