// RateLimitRepository on every backend: the one-statement "count in this window or start anew",
// exact under concurrency, and the clean-up of ended windows.
import { expect, it } from 'vitest';
import { describeBackends } from '../../../test/helpers/backends.ts';
import { RateLimitRepository } from './rate-limit-repository.ts';

const T0 = new Date('2026-11-27T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describeBackends('rate limit repository', (backend) => {
  it('counts within a window, keys apart, and starts a new window once it has ended', async () => {
    const limits = new RateLimitRepository(await backend.open());
    expect(await limits.increment('a', 60_000, T0)).toEqual({
      count: 1,
      windowEndsAt: '2026-11-27T08:01:00.000Z',
    });
    expect(await limits.increment('a', 60_000, at(1_000))).toEqual({
      count: 2,
      windowEndsAt: '2026-11-27T08:01:00.000Z',
    });
    expect((await limits.increment('b', 60_000, at(2_000))).count).toBe(1);
    expect((await limits.increment('a', 60_000, at(59_999))).count).toBe(3);
    expect(await limits.read('a', at(59_999))).toEqual({
      count: 3,
      windowEndsAt: '2026-11-27T08:01:00.000Z',
    });

    // The window's end is its first instant outside it.
    expect(await limits.read('a', at(60_000))).toBeNull();
    expect(await limits.increment('a', 60_000, at(60_000))).toEqual({
      count: 1,
      windowEndsAt: '2026-11-27T08:02:00.000Z',
    });
    expect((await limits.increment('a', 60_000, at(61_000))).count).toBe(2);
    expect((await limits.read('b', at(61_000)))?.count).toBe(1);
  });

  it('counts 50 concurrent increments exactly, each seeing its own count', async () => {
    const limits = new RateLimitRepository(await backend.open());
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => limits.increment('burst', 60_000, at(i))),
    );
    expect(results.map((r) => r.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(new Set(results.map((r) => r.windowEndsAt))).toEqual(new Set(['2026-11-27T08:01:00.000Z']));
    expect((await limits.read('burst', at(100)))?.count).toBe(50);
  });

  it('deletes only the rows whose window has ended', async () => {
    const handle = await backend.open();
    const limits = new RateLimitRepository(handle);
    await limits.increment('short', 1_000, T0);
    await limits.increment('long', 60_000, T0);
    expect(await limits.deleteExpired(at(999))).toBe(0);
    expect(await limits.deleteExpired(at(1_000))).toBe(1);
    const keys = await handle.db.selectFrom('rateLimits').select('key').execute();
    expect(keys).toEqual([{ key: 'long' }]);
    expect((await limits.increment('short', 1_000, at(1_500))).count).toBe(1);
  });
});
