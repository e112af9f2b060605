// Moderation: hiding comments and papers, banning users, dismissing reports, and (admins only)
// changing roles. Every action writes its audit_log row in the same transaction, so the log holds
// exactly the actions that happened. Permission checks are repeated here (not only in the routes),
// so no other caller can skip them.
import type { DatabaseHandle } from '../db/database.ts';
import { AuditRepository } from '../db/repositories/audit-repository.ts';
import type { AuditEntry, AuditRecord } from '../db/repositories/audit-repository.ts';
import { CommentRepository } from '../db/repositories/comment-repository.ts';
import { ModerationRepository } from '../db/repositories/moderation-repository.ts';
import type { ModeratedPaper, UserListing } from '../db/repositories/moderation-repository.ts';
import { ReportRepository } from '../db/repositories/report-repository.ts';
import type { OpenReport } from '../db/repositories/report-repository.ts';
import { SessionRepository } from '../db/repositories/session-repository.ts';
import { UserRepository } from '../db/repositories/user-repository.ts';
import { withTransaction } from '../db/transaction.ts';
import { MAX_MODERATION_REASON_CHARS, isModeratorRole, mayModerateUser } from '../domain/comment-rules.ts';
import type { StoredComment } from '../domain/comment-thread.ts';
import type { Actor } from './comment-service.ts';
import { ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';

export interface ReportedComment {
  comment: StoredComment;
  paper: ModeratedPaper;
  /** The comment it answers, for context. */
  parent: StoredComment | null;
  reports: OpenReport[];
}

export interface BanOptions {
  reason: string;
  /** Also hide every comment the user wrote. */
  hideComments: boolean;
}

export const QUEUE_PAGE = 20;
export const AUDIT_PAGE = 50;

export class ModerationService {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async hideComment(actor: Actor, commentId: number, reason: string): Promise<{ paperId: string }> {
    requireModerator(actor);
    return this.act(actor, async (tx, now) => {
      const comments = new CommentRepository(tx);
      const comment = await comments.findById(commentId);
      if (!comment || comment.deletedAt !== null) throw new NotFoundError(`no comment ${commentId}`);
      const resolved = await new ReportRepository(tx).resolveAllFor(commentId, actor.id, now);
      if (comment.hiddenAt === null) {
        await comments.setHidden(commentId, now);
        await comments.refreshCount(comment.paperId);
      }
      return {
        result: { paperId: comment.paperId },
        audit: {
          action: 'comment.hide',
          targetType: 'comment',
          targetId: String(commentId),
          reason: validReason(reason),
          details: {
            paperId: comment.paperId,
            authorId: comment.userId,
            body: comment.body,
            resolvedReports: resolved,
          },
        },
      };
    });
  }

  async unhideComment(actor: Actor, commentId: number, reason: string): Promise<{ paperId: string }> {
    requireModerator(actor);
    return this.act(actor, async (tx) => {
      const comments = new CommentRepository(tx);
      const comment = await comments.findById(commentId);
      if (!comment || comment.deletedAt !== null) throw new NotFoundError(`no comment ${commentId}`);
      await comments.setHidden(commentId, null);
      await comments.refreshCount(comment.paperId);
      return {
        result: { paperId: comment.paperId },
        audit: {
          action: 'comment.unhide',
          targetType: 'comment',
          targetId: String(commentId),
          reason: validReason(reason),
          details: { paperId: comment.paperId, authorId: comment.userId },
        },
      };
    });
  }

  /** Closes a comment's open reports without hiding it. */
  async dismissReports(actor: Actor, commentId: number, reason: string): Promise<{ dismissed: number }> {
    requireModerator(actor);
    return this.act(actor, async (tx, now) => {
      const dismissed = await new ReportRepository(tx).resolveAllFor(commentId, actor.id, now);
      if (dismissed === 0) throw new NotFoundError(`no open reports of comment ${commentId}`);
      return {
        result: { dismissed },
        audit: {
          action: 'report.dismiss',
          targetType: 'comment',
          targetId: String(commentId),
          reason: validReason(reason),
          details: { dismissed },
        },
      };
    });
  }

  /** Hides a paper from every list, search and the API; its page answers 404 except to moderators. */
  async setPaperHidden(actor: Actor, paperId: string, hidden: boolean, reason: string): Promise<void> {
    requireModerator(actor);
    await this.act(actor, async (tx, now) => {
      const papers = new ModerationRepository(tx);
      const paper = await papers.paper(paperId);
      if (!paper) throw new NotFoundError(`no paper ${paperId}`);
      await papers.setPaperHidden(paperId, hidden ? (paper.hiddenAt ?? now) : null);
      return {
        result: undefined,
        audit: {
          action: hidden ? 'paper.hide' : 'paper.unhide',
          targetType: 'paper',
          targetId: paperId,
          reason: validReason(reason),
          details: { title: paper.title },
        },
      };
    });
  }

  /** Bans a user: they are signed out everywhere and can no longer write; optionally hides their comments. */
  async ban(actor: Actor, userId: number, options: BanOptions): Promise<void> {
    requireModerator(actor);
    await this.act(actor, async (tx, now) => {
      const users = new UserRepository(tx);
      const target = await this.targetUser(users, actor, userId);
      if (target.bannedAt === null) await users.setBanned(userId, now);
      const sessions = await new SessionRepository(tx).deleteAllOf(userId);
      const hidden = options.hideComments ? await new CommentRepository(tx).hideAllBy(userId, now) : [];
      const comments = new CommentRepository(tx);
      for (const paperId of new Set(hidden.map((h) => h.paperId))) await comments.refreshCount(paperId);
      return {
        result: undefined,
        audit: {
          action: 'user.ban',
          targetType: 'user',
          targetId: String(userId),
          reason: validReason(options.reason),
          details: {
            handle: target.handle,
            endedSessions: sessions,
            hiddenComments: hidden.map((h) => h.id),
          },
        },
      };
    });
  }

  /** Lifts a ban. Comments hidden with the ban stay hidden; moderators unhide them one by one. */
  async unban(actor: Actor, userId: number, reason: string): Promise<void> {
    requireModerator(actor);
    await this.act(actor, async (tx) => {
      const users = new UserRepository(tx);
      const target = await this.targetUser(users, actor, userId);
      await users.setBanned(userId, null);
      return {
        result: undefined,
        audit: {
          action: 'user.unban',
          targetType: 'user',
          targetId: String(userId),
          reason: validReason(reason),
          details: { handle: target.handle },
        },
      };
    });
  }

  /** Admins make users moderators and back; admin accounts are set up by the operator (CLI). */
  async setRole(actor: Actor, userId: number, role: string, reason: string): Promise<void> {
    if (actor.role !== 'admin') throw new ForbiddenError('Only administrators can change roles.');
    if (role !== 'user' && role !== 'moderator') {
      throw new InvalidInputError('The role must be user or moderator.', 'role');
    }
    await this.act(actor, async (tx) => {
      const users = new UserRepository(tx);
      const target = await this.targetUser(users, actor, userId);
      if (target.role !== role) await users.setRole(userId, role);
      return {
        result: undefined,
        audit: {
          action: 'user.role',
          targetType: 'user',
          targetId: String(userId),
          reason: validReason(reason),
          details: { handle: target.handle, from: target.role, to: role },
        },
      };
    });
  }

  /** The open reports, a page of reported comments at a time, each with its paper and parent. */
  async reportQueue(actor: Actor, page: number): Promise<{ items: ReportedComment[]; total: number }> {
    requireModerator(actor);
    const reports = new ReportRepository(this.handle);
    const [open, total] = await Promise.all([
      reports.openQueue(QUEUE_PAGE, page * QUEUE_PAGE),
      reports.openCommentCount(),
    ]);
    const commentIds = [...new Set(open.map((r) => r.commentId))];
    const commentRepo = new CommentRepository(this.handle);
    const comments = await commentRepo.withAuthors(commentIds);
    const parentIds = [...comments.values()].flatMap((c) => (c.parentId === null ? [] : [c.parentId]));
    const parents = await commentRepo.withAuthors(parentIds);
    const papers = new ModerationRepository(this.handle);
    const items: ReportedComment[] = [];
    for (const id of commentIds) {
      const comment = comments.get(id);
      const paper = comment ? await papers.paper(comment.paperId) : null;
      if (!comment || !paper) continue;
      const parent = comment.parentId === null ? null : (parents.get(comment.parentId) ?? null);
      items.push({ comment, paper, parent, reports: open.filter((r) => r.commentId === id) });
    }
    return { items, total };
  }

  async hiddenPapers(actor: Actor): Promise<ModeratedPaper[]> {
    requireModerator(actor);
    return new ModerationRepository(this.handle).hiddenPapers(100);
  }

  /** A page of users matching `query`, plus one more when there is a further page. */
  async users(actor: Actor, query: string, page: number): Promise<UserListing[]> {
    if (actor.role !== 'admin') throw new ForbiddenError('Only administrators can list users.');
    return new ModerationRepository(this.handle).searchUsers(
      query.slice(0, 200),
      AUDIT_PAGE + 1,
      page * AUDIT_PAGE,
    );
  }

  async auditLog(
    actor: Actor,
    action: string | null,
    page: number,
  ): Promise<{ entries: AuditRecord[]; actions: string[] }> {
    if (actor.role !== 'admin') throw new ForbiddenError('Only administrators can read the audit log.');
    const audit = new AuditRepository(this.handle);
    const [entries, actions] = await Promise.all([
      audit.page({ action, limit: AUDIT_PAGE + 1, offset: page * AUDIT_PAGE }),
      audit.actions(),
    ]);
    return { entries, actions };
  }

  private async targetUser(users: UserRepository, actor: Actor, userId: number) {
    const target = await users.findById(userId);
    if (!target) throw new NotFoundError(`no user ${userId}`);
    if (!mayModerateUser(actor, target)) {
      throw new ForbiddenError(
        target.id === actor.id
          ? 'You cannot do this to your own account.'
          : `You cannot do this to ${target.role === 'admin' ? 'an administrator' : 'a moderator'}.`,
      );
    }
    return target;
  }

  /** Runs an action and writes its audit row in one transaction; refreshes cached pages after. */
  private async act<T>(
    actor: Actor,
    fn: (
      tx: DatabaseHandle,
      now: string,
    ) => Promise<{ result: T; audit: Omit<AuditEntry, 'actorId' | 'createdAt'> }>,
  ): Promise<T> {
    return withTransaction(this.handle, async (tx) => {
      const now = this.now().toISOString();
      const { result, audit } = await fn(tx, now);
      await new AuditRepository(tx).insert({ ...audit, actorId: actor.id, createdAt: now });
      tx.noteWrite();
      return result;
    });
  }
}

function requireModerator(actor: Actor): void {
  if (!isModeratorRole(actor.role)) throw new ForbiddenError('Only moderators can do this.');
}

/** A moderator's reason: optional, trimmed, bounded. */
function validReason(reason: string): string | null {
  const text = reason.trim();
  if (text.length > MAX_MODERATION_REASON_CHARS) {
    throw new InvalidInputError(
      `The reason is ${text.length} characters long; the limit is ${MAX_MODERATION_REASON_CHARS}.`,
      'reason',
    );
  }
  return text === '' ? null : text;
}
