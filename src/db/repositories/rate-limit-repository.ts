// Rate-limit counters in the database, so that every web node counts against the same limit
// (docs/decisions.md, "Rate limits in the database"). Written with the portable builder: the upsert
// below is one statement on SQLite (≥ 3.35) and PostgreSQL alike.
import type { DatabaseHandle } from '../database.ts';

export interface RateLimitCount {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** ISO-8601 UTC: when the window ends. */
  windowEndsAt: string;
}

export class RateLimitRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  /**
   * Counts one request for `key`: adds one in the current window, or starts a new window of
   * `windowMs` with a count of 1 when there is none or it has ended. One INSERT … ON CONFLICT DO
   * UPDATE … RETURNING: concurrent calls, from any node, are serialised on the row by the database,
   * so none is lost and each sees its own count. (Both CASEs read the row as it was before the
   * update, so a reset sets the count and the new end together.)
   */
  async increment(key: string, windowMs: number, now: Date): Promise<RateLimitCount> {
    const nowIso = now.toISOString();
    const endsAt = new Date(now.getTime() + windowMs).toISOString();
    return this.handle.db
      .insertInto('rateLimits')
      .values({ key, count: 1, windowEndsAt: endsAt })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => {
          const ended = eb('rateLimits.windowEndsAt', '<=', nowIso);
          return {
            count: eb
              .case()
              .when(ended)
              .then(1)
              .else(eb('rateLimits.count', '+', 1))
              .end(),
            windowEndsAt: eb
              .case()
              .when(ended)
              .then(eb.ref('excluded.windowEndsAt'))
              .else(eb.ref('rateLimits.windowEndsAt'))
              .end(),
          };
        }),
      )
      .returning(['count', 'windowEndsAt'])
      .executeTakeFirstOrThrow();
  }

  /** The count of `key` in its current window, without counting (0 when there is none). */
  async read(key: string, now: Date): Promise<RateLimitCount | null> {
    const row = await this.handle.db
      .selectFrom('rateLimits')
      .select(['count', 'windowEndsAt'])
      .where('key', '=', key)
      .where('windowEndsAt', '>', now.toISOString())
      .executeTakeFirst();
    return row ?? null;
  }

  /** Deletes the rows whose window has ended (they would start again at 1 anyway); returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    const result = await this.handle.db
      .deleteFrom('rateLimits')
      .where('windowEndsAt', '<=', now.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
