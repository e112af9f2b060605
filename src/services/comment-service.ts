// Discussions on paper pages: threaded comments, editing and deleting one's own, reporting others'.
// Each write and the paper's comment_count change in one transaction; committed writes refresh
// the cached pages (noteWrite).
import type { DatabaseHandle } from '../db/database.ts';
import { CommentRepository } from '../db/repositories/comment-repository.ts';
import type { CommentRow } from '../db/repositories/comment-repository.ts';
import { ModerationRepository } from '../db/repositories/moderation-repository.ts';
import { ReportRepository } from '../db/repositories/report-repository.ts';
import { UserRepository } from '../db/repositories/user-repository.ts';
import { withTransaction } from '../db/transaction.ts';
import {
  MAX_COMMENT_DEPTH,
  MAX_REPORT_NOTE_CHARS,
  commentBodyProblem,
  encodeReport,
  isReportReason,
  normalizeCommentBody,
} from '../domain/comment-rules.ts';
import { buildThread } from '../domain/comment-thread.ts';
import type { ThreadNode } from '../domain/comment-thread.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';

/** Who is acting: the signed-in viewer (id and role are all the rules need). */
export interface Actor {
  id: number;
  role: 'user' | 'moderator' | 'admin';
}

export interface PostedComment {
  id: number;
  paperId: string;
}

const isStaff = (actor: Actor | null) => actor?.role === 'moderator' || actor?.role === 'admin';

export class CommentService {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The thread of a paper as `viewer` may see it (moderators see hidden comments, marked). */
  async thread(paperId: string, viewer: Actor | null): Promise<ThreadNode[]> {
    const comments = await new CommentRepository(this.handle).ofPaper(paperId);
    return buildThread(comments, { moderator: isStaff(viewer) });
  }

  /** One comment's paper, for redirects and API answers; NotFoundError when there is none. */
  async find(commentId: number): Promise<CommentRow> {
    const row = await new CommentRepository(this.handle).findById(commentId);
    if (!row) throw new NotFoundError(`no comment ${commentId}`);
    return row;
  }

  /**
   * Posts a comment, or a reply when `parentId` is given. A reply to a comment at the deepest level
   * is attached to that comment's parent, so threads stay at most MAX_COMMENT_DEPTH + 1 deep.
   */
  async post(
    actor: Actor,
    paperId: string,
    rawBody: string,
    parentId: number | null,
  ): Promise<PostedComment> {
    const body = validBody(rawBody);
    return withTransaction(this.handle, async (tx) => {
      await ensureMayWrite(tx, actor, 'comment');
      const paper = await new ModerationRepository(tx).paper(paperId);
      if (!paper || paper.hiddenAt !== null) throw new NotFoundError(`no paper ${paperId}`);
      const comments = new CommentRepository(tx);
      const parent = parentId === null ? null : await this.replyTarget(comments, actor, paperId, parentId);
      const id = await comments.insert({
        paperId,
        userId: actor.id,
        parentId: parent,
        body,
        createdAt: this.now().toISOString(),
      });
      await comments.refreshCount(paperId);
      tx.noteWrite();
      return { id, paperId };
    });
  }

  private async replyTarget(
    comments: CommentRepository,
    actor: Actor,
    paperId: string,
    parentId: number,
  ): Promise<number> {
    const parent = await comments.findById(parentId);
    if (!parent || parent.deletedAt !== null || (parent.hiddenAt !== null && !isStaff(actor))) {
      throw new InvalidInputError('The comment you are replying to no longer exists.', 'parentId');
    }
    if (parent.paperId !== paperId) {
      throw new InvalidInputError('You can only reply to a comment on the same paper.', 'parentId');
    }
    const depth = await comments.depthOf(parent.id, MAX_COMMENT_DEPTH);
    return depth >= MAX_COMMENT_DEPTH && parent.parentId !== null ? parent.parentId : parent.id;
  }

  /** Replaces the text of one's own comment; the comment then shows as edited. */
  async edit(actor: Actor, commentId: number, rawBody: string): Promise<PostedComment> {
    const body = validBody(rawBody);
    return withTransaction(this.handle, async (tx) => {
      await ensureMayWrite(tx, actor, 'edit comments');
      const comments = new CommentRepository(tx);
      const comment = await ownComment(comments, actor, commentId, 'edit');
      if (comment.hiddenAt !== null) {
        throw new ForbiddenError('A moderator hid this comment, so it can no longer be edited.');
      }
      if (comment.body !== body) {
        await comments.updateBody(commentId, body, this.now().toISOString());
        tx.noteWrite();
      }
      return { id: commentId, paperId: comment.paperId };
    });
  }

  /**
   * Deletes one's own comment. It is kept (soft-deleted) so that replies keep their place; readers
   * see "[deleted]" while it has replies, and nothing otherwise.
   */
  async delete(actor: Actor, commentId: number): Promise<PostedComment> {
    return withTransaction(this.handle, async (tx) => {
      const comments = new CommentRepository(tx);
      const comment = await ownComment(comments, actor, commentId, 'delete');
      await comments.markDeleted(commentId, this.now().toISOString());
      await comments.refreshCount(comment.paperId);
      tx.noteWrite();
      return { id: commentId, paperId: comment.paperId };
    });
  }

  /** Reports someone else's comment to the moderators, once per reader. */
  async report(actor: Actor, commentId: number, reason: string, rawNote: string): Promise<PostedComment> {
    if (!isReportReason(reason)) throw new InvalidInputError('Choose a reason for the report.', 'reason');
    const note = rawNote.replace(/\r\n?/g, '\n').trim();
    if (note.length > MAX_REPORT_NOTE_CHARS) {
      throw new InvalidInputError(
        `The note is ${note.length} characters long; the limit is ${MAX_REPORT_NOTE_CHARS}.`,
        'note',
      );
    }
    return withTransaction(this.handle, async (tx) => {
      await ensureMayWrite(tx, actor, 'report comments');
      const comment = await new CommentRepository(tx).findById(commentId);
      if (!comment || comment.deletedAt !== null) throw new NotFoundError(`no comment ${commentId}`);
      if (comment.userId === actor.id) throw new InvalidInputError('You cannot report your own comment.');
      const reports = new ReportRepository(tx);
      if (await reports.exists(commentId, actor.id)) {
        throw new ConflictError('You have already reported this comment; the moderators will look at it.');
      }
      await reports.insert({
        commentId,
        reporterId: actor.id,
        reason: encodeReport(reason, note),
        createdAt: this.now().toISOString(),
      });
      return { id: commentId, paperId: comment.paperId };
    });
  }
}

function validBody(raw: string): string {
  const body = normalizeCommentBody(raw);
  const problem = commentBodyProblem(body);
  if (problem) throw new InvalidInputError(problem, 'comment');
  return body;
}

async function ensureMayWrite(tx: DatabaseHandle, actor: Actor, what: string): Promise<void> {
  const user = await new UserRepository(tx).findById(actor.id);
  if (!user) throw new ForbiddenError('Your account no longer exists.');
  if (user.bannedAt !== null) {
    throw new ForbiddenError(`Your account has been suspended, so you cannot ${what}.`);
  }
}

async function ownComment(
  comments: CommentRepository,
  actor: Actor,
  commentId: number,
  verb: 'edit' | 'delete',
): Promise<CommentRow> {
  const comment = await comments.findById(commentId);
  if (!comment || comment.deletedAt !== null) throw new NotFoundError(`no comment ${commentId}`);
  if (comment.userId !== actor.id) throw new ForbiddenError(`You can only ${verb} your own comments.`);
  return comment;
}
