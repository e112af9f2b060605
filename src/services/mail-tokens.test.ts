import { describe, expect, it } from 'vitest';
import { MailTokens } from './mail-tokens.ts';

describe('MailTokens', () => {
  const tokens = new MailTokens('a server secret of enough length');

  it('round-trips a subscription id for its purpose only', () => {
    const t = tokens.sign('unsubscribe', 42);
    expect(tokens.verify('unsubscribe', t)).toBe(42);
    expect(tokens.verify('confirm', t)).toBeNull();
    expect(tokens.verify('manage', t)).toBeNull();
  });

  it('rejects forged, altered and malformed tokens', () => {
    const t = tokens.sign('unsubscribe', 42);
    const other = new MailTokens('another secret of enough length');
    expect(tokens.verify('unsubscribe', other.sign('unsubscribe', 42))).toBeNull();
    expect(tokens.verify('unsubscribe', t.replace(/^42/, '43'))).toBeNull();
    const flipped = t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A');
    expect(tokens.verify('unsubscribe', flipped)).toBeNull();
    for (const bad of ['', '42', '42.', '0.abc', 'x.y', `${t}x`, '-1.' + t.split('.')[1]]) {
      expect(tokens.verify('unsubscribe', bad)).toBeNull();
    }
  });

  it('refuses a short secret', () => {
    expect(() => new MailTokens('short')).toThrow(/16 characters/);
  });
});
