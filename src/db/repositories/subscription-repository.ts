// Email subscriptions (daily, weekly, topic alerts) and their subscriber state.
import type { Kysely, Selectable } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import type { Database, SubscriptionsTable } from '../schema.ts';

export type SubscriptionRow = Selectable<SubscriptionsTable>;

export interface NewSubscription {
  email: string;
  userId: number | null;
  kind: 'daily' | 'weekly' | 'topic';
  query: string | null;
  deliverHour: number;
  timeZone: string;
  /** Set at once for a signed-in user's own verified address; null until the link is opened. */
  confirmedAt: string | null;
  createdAt: string;
}

export class SubscriptionRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db(): Kysely<Database> {
    return this.handle.db;
  }

  async create(sub: NewSubscription): Promise<SubscriptionRow> {
    const row = await this.db
      .insertInto('subscriptions')
      .values({ ...sub, pausedAt: null, lastError: null, unsubscribedAt: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    this.handle.noteWrite();
    return row;
  }

  findById(id: number): Promise<SubscriptionRow | undefined> {
    return this.db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The live (not unsubscribed) subscriptions of an address, oldest first. */
  activeForEmail(email: string): Promise<SubscriptionRow[]> {
    return this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('email', '=', email)
      .where('unsubscribedAt', 'is', null)
      .orderBy('id')
      .execute();
  }

  activeForUser(userId: number): Promise<SubscriptionRow[]> {
    return this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('userId', '=', userId)
      .where('unsubscribedAt', 'is', null)
      .orderBy('id')
      .execute();
  }

  /** Confirmed, live and not paused: the subscriptions the digest job looks at. */
  deliverable(email?: string): Promise<SubscriptionRow[]> {
    let q = this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('confirmedAt', 'is not', null)
      .where('unsubscribedAt', 'is', null)
      .where('pausedAt', 'is', null);
    if (email !== undefined) q = q.where('email', '=', email);
    return q.orderBy('id').execute();
  }

  /** Whether any subscription could receive mail: lets an idle digest run stop at one query. */
  async anyDeliverable(): Promise<boolean> {
    const row = await this.db
      .selectFrom('subscriptions')
      .select('id')
      .where('confirmedAt', 'is not', null)
      .where('unsubscribedAt', 'is', null)
      .where('pausedAt', 'is', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  paused(): Promise<SubscriptionRow[]> {
    return this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('pausedAt', 'is not', null)
      .where('unsubscribedAt', 'is', null)
      .orderBy('pausedAt', 'desc')
      .execute();
  }

  /** Sets confirmed_at once; returns false when there is no such live subscription. */
  async confirm(id: number, now: string): Promise<boolean> {
    const live = await this.db
      .updateTable('subscriptions')
      .set({ confirmedAt: now })
      .where('id', '=', id)
      .where('unsubscribedAt', 'is', null)
      .where('confirmedAt', 'is', null)
      .executeTakeFirst();
    this.handle.noteWrite();
    return Number(live.numUpdatedRows) > 0 || (await this.findById(id))?.unsubscribedAt === null;
  }

  async unsubscribe(id: number, now: string): Promise<void> {
    await this.db
      .updateTable('subscriptions')
      .set({ unsubscribedAt: now })
      .where('id', '=', id)
      .where('unsubscribedAt', 'is', null)
      .execute();
    this.handle.noteWrite();
  }

  async updateSchedule(id: number, deliverHour: number, timeZone: string): Promise<void> {
    await this.db.updateTable('subscriptions').set({ deliverHour, timeZone }).where('id', '=', id).execute();
    this.handle.noteWrite();
  }

  /** A delivery went through: the failure streak ends. */
  async recordSuccess(id: number): Promise<void> {
    await this.db
      .updateTable('subscriptions')
      .set({ failureCount: 0, lastError: null })
      .where('id', '=', id)
      .where('failureCount', '>', 0)
      .execute();
  }

  /** A permanent failure; pauses the subscriber after `pauseAfter` in a row. Returns whether it is paused. */
  async recordPermanentFailure(id: number, error: string, pauseAfter: number, now: string): Promise<boolean> {
    const row = await this.db
      .updateTable('subscriptions')
      .set((eb) => ({ failureCount: eb('failureCount', '+', 1), lastError: error }))
      .where('id', '=', id)
      .returning(['failureCount'])
      .executeTakeFirst();
    const paused = (row?.failureCount ?? 0) >= pauseAfter;
    if (paused) {
      // Every subscription of the address stops: the address itself is what fails.
      const sub = await this.findById(id);
      await this.db
        .updateTable('subscriptions')
        .set({ pausedAt: now, lastError: error })
        .where('email', '=', sub!.email)
        .where('pausedAt', 'is', null)
        .execute();
    }
    this.handle.noteWrite();
    return paused;
  }

  /** An administrator resumes a paused subscriber (all subscriptions of its address). */
  async resume(id: number): Promise<boolean> {
    const sub = await this.findById(id);
    if (!sub || sub.pausedAt === null) return false;
    await this.db
      .updateTable('subscriptions')
      .set({ pausedAt: null, failureCount: 0 })
      .where('email', '=', sub.email)
      .execute();
    this.handle.noteWrite();
    return true;
  }
}

/** The verified address of a user (signing in by magic link proves it). */
export async function userEmail(handle: DatabaseHandle, userId: number): Promise<string | null> {
  const row = await handle.db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst();
  return row?.email ?? null;
}

/** Unconfirmed subscriptions of an address created since a time: a cap on confirmation mails. */
export async function recentUnconfirmed(
  handle: DatabaseHandle,
  email: string,
  since: string,
): Promise<number> {
  const row = await handle.db
    .selectFrom('subscriptions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email', '=', email)
    .where('confirmedAt', 'is', null)
    .where('createdAt', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
