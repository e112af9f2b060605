// A store for @fastify/rate-limit that keeps its counters in the database, shared by every web
// node (the plugin's own store is one process's memory: two nodes would each allow the full
// limit). Chosen by RATE_LIMIT_STORE (src/config/config.ts); see docs/decisions.md.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RouteOptions } from 'fastify';

export interface RateLimitCount {
  count: number;
  /** ISO-8601 UTC. */
  windowEndsAt: string;
}

/** What the store needs from the database (src/db/repositories/rate-limit-repository.ts). */
export interface RateLimitCounter {
  increment(key: string, windowMs: number, now: Date): Promise<RateLimitCount>;
  read(key: string, now: Date): Promise<RateLimitCount | null>;
  deleteExpired(now: Date): Promise<number>;
}

export interface DatabaseStoreOptions {
  now?: () => Date;
  /** How often ended windows are deleted (at most; on the back of a counted request). */
  pruneEveryMs?: number;
  /** Told when a clean-up fails; requests are unaffected. */
  onPruneError?: (err: unknown) => void;
}

type StoreCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;
type ChildOptions = RouteOptions & { path: string; prefix: string };

interface Shared {
  counter: RateLimitCounter;
  now: () => Date;
  pruneEveryMs: number;
  nextPruneAt: number;
  onPruneError: (err: unknown) => void;
}

class DatabaseStore implements FastifyRateLimitStore {
  constructor(
    private readonly shared: Shared,
    private readonly prefix: string,
  ) {}

  incr(key: string, callback: StoreCallback, timeWindow: number): void {
    const now = this.shared.now();
    this.shared.counter.increment(this.prefix + key, timeWindow, now).then(
      (row) => callback(null, result(row, now)),
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
    this.maybePrune(now);
  }

  /** The plugin's non-counting peek (`{ increment: false }`). */
  read(key: string, callback: StoreCallback): void {
    const now = this.shared.now();
    this.shared.counter.read(this.prefix + key, now).then(
      (row) => callback(null, row ? result(row, now) : { current: 0, ttl: 0 }),
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  }

  /**
   * The store of one route's limit. Keys are prefixed with the route's method and URL (as the
   * plugin's Redis store does), so each route counts apart, exactly as with the in-memory store.
   */
  child(routeOptions: ChildOptions): FastifyRateLimitStore {
    const options = routeOptions as ChildOptions & {
      continueExceeding?: boolean;
      exponentialBackoff?: boolean;
      routeInfo?: { method?: string | string[]; url?: string };
    };
    // Refused rather than silently ignored: this store implements fixed windows only.
    if (options.continueExceeding || options.exponentialBackoff) {
      throw new Error(
        'The database rate-limit store does not support continueExceeding or exponentialBackoff.',
      );
    }
    const method = [options.routeInfo?.method ?? ''].flat().join(',');
    return new DatabaseStore(this.shared, `${this.prefix}${method}${options.routeInfo?.url ?? ''}-`);
  }

  private maybePrune(now: Date): void {
    if (now.getTime() < this.shared.nextPruneAt) return;
    this.shared.nextPruneAt = now.getTime() + this.shared.pruneEveryMs;
    this.shared.counter.deleteExpired(now).catch(this.shared.onPruneError);
  }
}

function result(row: RateLimitCount, now: Date): { current: number; ttl: number } {
  return { current: row.count, ttl: Math.max(0, Date.parse(row.windowEndsAt) - now.getTime()) };
}

/** The `store` option of @fastify/rate-limit: a class the plugin instantiates once. */
export function databaseRateLimitStore(
  counter: RateLimitCounter,
  options: DatabaseStoreOptions = {},
): FastifyRateLimitStoreCtor {
  const now = options.now ?? (() => new Date());
  const shared: Shared = {
    counter,
    now,
    pruneEveryMs: options.pruneEveryMs ?? 60_000,
    // The first clean-up comes a period after start, not on the first request.
    nextPruneAt: now().getTime() + (options.pruneEveryMs ?? 60_000),
    onPruneError: options.onPruneError ?? (() => {}),
  };
  return class extends DatabaseStore {
    constructor() {
      super(shared, 'rl:');
    }
  };
}
