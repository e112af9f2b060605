// Deliveries: one row per digest and subscription, written (pending) before the message is handed
// to the mail server. See jobs/digest-job.ts for the exactly-once protocol built on it.
import type { Kysely, Selectable } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import type { Database, DeliveriesTable } from '../schema.ts';

export type DeliveryRow = Selectable<DeliveriesTable>;

export interface DeliveryClaim {
  subscriptionId: number;
  digestKey: string;
  messageId: string;
  recipient: string;
  subject: string;
  paperCount: number;
}

const CHUNK = 500;

export class DeliveryRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db(): Kysely<Database> {
    return this.handle.db;
  }

  /**
   * Writes the pending row that must exist before a message is handed over; false when a row for
   * this digest and subscription exists already (another run, or a run before a crash, has it).
   */
  async claim(claim: DeliveryClaim, now: string): Promise<boolean> {
    const result = await this.db
      .insertInto('deliveries')
      .values({ ...claim, status: 'pending', attempts: 0, createdAt: now, updatedAt: now })
      .onConflict((oc) => oc.columns(['subscriptionId', 'digestKey']).doNothing())
      .executeTakeFirst();
    this.handle.noteWrite();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Records that a period had nothing to send, so it is not composed again. */
  async recordEmpty(
    subscriptionId: number,
    digestKey: string,
    messageId: string,
    recipient: string,
    now: string,
  ) {
    await this.db
      .insertInto('deliveries')
      .values({
        subscriptionId,
        digestKey,
        messageId,
        recipient,
        status: 'empty',
        createdAt: now,
        updatedAt: now,
      })
      .onConflict((oc) => oc.columns(['subscriptionId', 'digestKey']).doNothing())
      .execute();
  }

  /** Rows of the given digest keys for the given subscriptions, keyed "id key". */
  async existing(subscriptionIds: number[], digestKeys: string[]): Promise<Map<string, DeliveryRow>> {
    const out = new Map<string, DeliveryRow>();
    if (digestKeys.length === 0) return out;
    const keys = [...new Set(digestKeys)];
    for (let i = 0; i < subscriptionIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('deliveries')
        .selectAll()
        .where('subscriptionId', 'in', subscriptionIds.slice(i, i + CHUNK))
        .where('digestKey', 'in', keys)
        .execute();
      for (const r of rows) out.set(`${r.subscriptionId} ${r.digestKey}`, r);
    }
    return out;
  }

  /** The last day covered by each subscription's newest topic alert (any status: it was claimed). */
  async lastAlertEnds(subscriptionIds: number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (let i = 0; i < subscriptionIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('deliveries')
        .select(['subscriptionId', (eb) => eb.fn.max('digestKey').as('key')])
        .where('subscriptionId', 'in', subscriptionIds.slice(i, i + CHUNK))
        .where('digestKey', 'like', 'alert:%')
        .groupBy('subscriptionId')
        .execute();
      for (const r of rows)
        if (r.key) out.set(r.subscriptionId, String(r.key).slice('alert:'.length, 'alert:'.length + 10));
    }
    return out;
  }

  find(subscriptionId: number, digestKey: string): Promise<DeliveryRow | undefined> {
    return this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('subscriptionId', '=', subscriptionId)
      .where('digestKey', '=', digestKey)
      .executeTakeFirst();
  }

  /** Rows left pending by a run that ended without settling them (killed) and deferred rows now due. */
  unsettled(now: string): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom('deliveries')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'deferred'), eb('nextAttemptAt', '<=', now)]),
        ]),
      )
      .orderBy('id')
      .execute();
  }

  async markSent(id: number, attempts: number, now: string): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({ status: 'sent', attempts, sentAt: now, updatedAt: now, lastError: null, nextAttemptAt: null })
      .where('id', '=', id)
      .execute();
    this.handle.noteWrite();
  }

  async markDeferred(id: number, attempts: number, error: string, nextAttemptAt: string, now: string) {
    await this.db
      .updateTable('deliveries')
      .set({ status: 'deferred', attempts, lastError: error, nextAttemptAt, updatedAt: now })
      .where('id', '=', id)
      .execute();
    this.handle.noteWrite();
  }

  async markFailed(id: number, attempts: number, error: string, now: string): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({ status: 'failed', attempts, lastError: error, nextAttemptAt: null, updatedAt: now })
      .where('id', '=', id)
      .execute();
    this.handle.noteWrite();
  }

  recent(limit: number): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom('deliveries')
      .selectAll()
      .orderBy('updatedAt', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
}
