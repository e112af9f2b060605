import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('mail configuration', () => {
  it('defaults to the outbox, a generated secret, pausing after 3 failures', () => {
    expect(loadConfig({}).mail).toEqual({
      smtpUrl: null,
      pauseAfter: 3,
      retryDelayMs: 2000,
      digestCheckMinutes: 10,
    });
    expect(loadConfig({}).secretKey).toBeNull();
  });

  it('reads SMTP_URL, SECRET_KEY and the delivery settings', () => {
    const c = loadConfig({
      SMTP_URL: 'smtps://user:pass@mail.example.org:465',
      SECRET_KEY: 'x'.repeat(40),
      MAIL_PAUSE_AFTER: '5',
      MAIL_RETRY_DELAY_MS: '100',
      DIGEST_CHECK_MINUTES: '0',
    });
    expect(c.mail).toEqual({
      smtpUrl: 'smtps://user:pass@mail.example.org:465',
      pauseAfter: 5,
      retryDelayMs: 100,
      digestCheckMinutes: 0,
    });
    expect(c.secretKey).toBe('x'.repeat(40));
  });

  it('names the variable and what it allows', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (err) {
        if (err instanceof ConfigError) return err.message;
      }
      return '';
    };
    expect(problems({ SMTP_URL: 'http://mail.example.org' })).toContain(
      'SMTP_URL="http://mail.example.org": must be smtp://',
    );
    expect(problems({ SECRET_KEY: 'short' })).toContain(
      'SECRET_KEY="short": must have at least 32 characters',
    );
    expect(problems({ MAIL_PAUSE_AFTER: '0' })).toContain('MAIL_PAUSE_AFTER="0"');
  });
});
