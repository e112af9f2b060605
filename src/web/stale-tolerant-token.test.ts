import { describe, expect, it } from 'vitest';
import { staleTolerantToken } from './stale-tolerant-token.ts';

describe('staleTolerantToken', () => {
  it('is the token itself with no window', () => {
    let version = 1;
    const token = () => String(version);
    const wrapped = staleTolerantToken(token, 0);
    expect(wrapped).toBe(token);
    version = 2;
    expect(wrapped()).toBe('2');
  });

  it('re-reads the version once the window has passed, never later', () => {
    let version = 1;
    let clock = 1000;
    let reads = 0;
    const wrapped = staleTolerantToken(
      () => {
        reads += 1;
        return String(version);
      },
      500,
      () => clock,
    );
    expect(wrapped()).toBe('1');
    version = 2; // a write at t=1000
    clock = 1499;
    expect(wrapped()).toBe('1'); // within the window: the cached page may still be served
    clock = 1500;
    expect(wrapped()).toBe('2'); // the window is over: the change shows
    expect(reads).toBe(2);
    for (version = 3; clock < 1999; clock += 100) expect(wrapped()).toBe('2');
    clock = 2000;
    expect(wrapped()).toBe('3');
    expect(reads).toBe(3);
  });

  it('re-reads at once after a quiet spell longer than the window', () => {
    let version = 1;
    let clock = 0;
    const wrapped = staleTolerantToken(
      () => String(version),
      1000,
      () => clock,
    );
    expect(wrapped()).toBe('1');
    clock = 60_000;
    version = 2;
    expect(wrapped()).toBe('2');
  });
});
