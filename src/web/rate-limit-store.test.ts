// The database store of @fastify/rate-limit over a real (SQLite) rate_limits table: counts and
// time left as the plugin expects them, one key space per route, clean-up at most once a period,
// and errors handed back to the plugin (which then answers 500 rather than letting requests through).
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import { afterEach, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { RateLimitRepository } from '../db/repositories/rate-limit-repository.ts';
import { databaseRateLimitStore } from './rate-limit-store.ts';
import type { RateLimitCounter } from './rate-limit-store.ts';

let handle: DatabaseHandle | null = null;
afterEach(async () => {
  await handle?.close();
  handle = null;
});

let clock = new Date('2026-11-27T08:00:00.000Z');
const tick = (ms: number) => (clock = new Date(clock.getTime() + ms));

async function repository(): Promise<RateLimitRepository> {
  handle = await openDatabase({ kind: 'sqlite', file: ':memory:' });
  return new RateLimitRepository(handle);
}

function routeStore(counter: RateLimitCounter, method: string, url: string, extra: object = {}) {
  const Store = databaseRateLimitStore(counter, { now: () => clock, pruneEveryMs: 60_000 });
  // As the plugin does: one store for the plugin, one child per route with a limit.
  const root = new Store({});
  const child = (m: string, u: string, more: object = {}) =>
    root.child({ routeInfo: { method: m, url: u }, ...more } as unknown as Parameters<
      FastifyRateLimitStore['child']
    >[0]);
  return { root, child, store: child(method, url, extra) };
}

function incr(store: FastifyRateLimitStore, key: string, windowMs: number) {
  return new Promise<{ current: number; ttl: number }>((resolve, reject) =>
    store.incr(key, (err, res) => (err ? reject(err) : resolve(res!)), windowMs, 3),
  );
}

it('counts per route and key, with the time left in the window', async () => {
  clock = new Date('2026-11-27T08:00:00.000Z');
  const repo = await repository();
  const { store, child } = routeStore(repo, 'POST', '/signin');
  expect(await incr(store, 'ip:1', 60_000)).toEqual({ current: 1, ttl: 60_000 });
  tick(15_000);
  expect(await incr(store, 'ip:1', 60_000)).toEqual({ current: 2, ttl: 45_000 });
  const other = child('POST', '/comments');
  expect(await incr(other, 'ip:1', 60_000)).toEqual({ current: 1, ttl: 60_000 });
  // The same route on another store instance (another node) shares the count.
  const { store: again } = routeStore(repo, 'POST', '/signin');
  expect((await incr(again, 'ip:1', 60_000)).current).toBe(3);
  tick(45_000);
  expect(await incr(store, 'ip:1', 60_000)).toEqual({ current: 1, ttl: 60_000 });
  const keys = await handle!.db.selectFrom('rateLimits').select('key').orderBy('key').execute();
  expect(keys.map((k) => k.key)).toEqual(['rl:POST/comments-ip:1', 'rl:POST/signin-ip:1']);
});

it('deletes ended windows at most once a period, on the back of a counted request', async () => {
  clock = new Date('2026-11-27T08:00:00.000Z');
  const repo = await repository();
  const { store } = routeStore(repo, 'POST', '/signin');
  await incr(store, 'short', 1_000);
  const count = () => handle!.db.selectFrom('rateLimits').select('key').execute();
  tick(30_000);
  await incr(store, 'other', 1_000);
  expect(await count()).toHaveLength(2); // not yet a period since start
  tick(30_000);
  await incr(store, 'third', 1_000);
  await new Promise((r) => setTimeout(r, 20));
  expect((await count()).map((r) => r.key)).toEqual(['rl:POST/signin-third']);
});

it('hands database errors to the plugin and refuses options it cannot honour', async () => {
  clock = new Date('2026-11-27T08:00:00.000Z');
  const repo = await repository();
  const { store, child } = routeStore(repo, 'POST', '/signin');
  await handle!.close();
  handle = null;
  await expect(incr(store, 'ip:1', 60_000)).rejects.toThrow();
  expect(() => child('POST', '/x', { continueExceeding: true })).toThrow(/continueExceeding/);
  expect(() => child('POST', '/x', { exponentialBackoff: true })).toThrow(/exponentialBackoff/);
});
