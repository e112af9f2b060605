// The moderation audit log: who did what to which comment, paper or user, when and why. Rows are
// only ever added, in the same transaction as the action they record.
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import type { Database } from '../schema.ts';

export interface AuditEntry {
  actorId: number;
  /** e.g. comment.hide, paper.unhide, user.ban, user.role, report.dismiss */
  action: string;
  targetType: 'comment' | 'paper' | 'user';
  targetId: string;
  reason: string | null;
  /** Kept as JSON: whatever the action wants remembered (the hidden text, the old role …). */
  details: Record<string, unknown> | null;
  createdAt: string;
}

export interface AuditRecord extends Omit<AuditEntry, 'actorId' | 'targetType'> {
  id: number;
  targetType: string;
  actor: { id: number; handle: string; displayName: string } | null;
}

export class AuditRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db(): Kysely<Database> {
    return this.handle.db;
  }

  async insert(entry: AuditEntry): Promise<void> {
    await this.db
      .insertInto('auditLog')
      .values({ ...entry, details: entry.details === null ? null : JSON.stringify(entry.details) })
      .execute();
  }

  /** Newest first; `limit` rows after skipping `offset`, optionally of one action only. */
  async page(options: { action: string | null; limit: number; offset: number }): Promise<AuditRecord[]> {
    let query = this.db
      .selectFrom('auditLog')
      .leftJoin('users', 'users.id', 'auditLog.actorId')
      .select([
        'auditLog.id',
        'auditLog.action',
        'auditLog.targetType',
        'auditLog.targetId',
        'auditLog.reason',
        'auditLog.details',
        'auditLog.createdAt',
        'auditLog.actorId',
        'users.handle',
        'users.displayName',
      ]);
    if (options.action !== null) query = query.where('auditLog.action', '=', options.action);
    const rows = await query
      .orderBy('auditLog.createdAt', 'desc')
      .orderBy('auditLog.id', 'desc')
      .limit(options.limit)
      .offset(options.offset)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      reason: r.reason,
      details: parseDetails(r.details),
      createdAt: r.createdAt,
      actor:
        r.actorId !== null && r.handle !== null && r.displayName !== null
          ? { id: r.actorId, handle: r.handle, displayName: r.displayName }
          : null,
    }));
  }

  /** The actions that occur in the log, for the filter. */
  async actions(): Promise<string[]> {
    const rows = await this.db.selectFrom('auditLog').select('action').distinct().orderBy('action').execute();
    return rows.map((r) => r.action);
  }
}

function parseDetails(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : { value };
  } catch {
    return { text };
  }
}
