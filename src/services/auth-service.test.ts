// The rules of sign-in against real databases (SQLite and PostgreSQL) with a clock the test moves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeBackends } from '../../test/helpers/backends.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { ApiTokenRepository } from '../db/repositories/api-token-repository.ts';
import { LoginTokenRepository } from '../db/repositories/login-token-repository.ts';
import { SessionRepository } from '../db/repositories/session-repository.ts';
import { UserRepository } from '../db/repositories/user-repository.ts';
import type { MailMessage, MailTransport } from '../mail/mail-transport.ts';
import { OutboxTransport } from '../mail/outbox-transport.ts';
import { AccountService } from './account-service.ts';
import { AuthService } from './auth-service.ts';
import { InvalidInputError, RateLimitedError, UnavailableError } from './errors.ts';

let db: DatabaseHandle;
let dir: string;
let now: Date;
let outbox: OutboxTransport;
let auth: AuthService;
let accounts: AccountService;
const clock = () => now;

function build(mail: MailTransport): AuthService {
  const users = new UserRepository(db);
  const sessions = new SessionRepository(db);
  const apiTokens = new ApiTokenRepository(db);
  accounts = new AccountService(users, sessions, apiTokens, clock);
  return new AuthService({ users, sessions, apiTokens, loginTokens: new LoginTokenRepository(db) }, mail, {
    baseUrl: 'https://paperboy.test',
    sessionDays: 30,
    signinTokenMinutes: 15,
    signinPerEmail: 5,
    now: clock,
  });
}

const minutes = (n: number) => {
  now = new Date(now.getTime() + n * 60_000);
};

const seen = new Set<string>();

/** The token of the one message sent since the last call (parsed: the body is quoted-printable). */
async function lastToken(): Promise<string> {
  const fresh = (await outbox.list()).filter((m) => !seen.has(m.file));
  expect(fresh).toHaveLength(1);
  seen.add(fresh[0]!.file);
  const mail = await simpleParser(fs.readFileSync(fresh[0]!.file));
  return /token=([A-Za-z0-9_-]{43})/.exec(mail.text ?? '')![1]!;
}

describeBackends('AuthService', (backend) => {
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-service-'));
    db = await backend.open();
    now = new Date('2026-11-27T12:00:00.000Z');
    outbox = new OutboxTransport(path.join(dir, 'outbox'), 'paperboy <p@paperboy.test>');
    auth = build(outbox);
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets a link work within SIGNIN_TOKEN_MINUTES and not after', async () => {
    await auth.requestLink('ada@example.org');
    const early = await lastToken();
    minutes(14);
    expect((await auth.inspectLink(early)).state).toBe('valid');
    expect((await auth.verifyLink(early, null)).ok).toBe(true);

    await auth.requestLink('ada@example.org');
    const late = await lastToken();
    minutes(15);
    expect(await auth.inspectLink(late)).toEqual({ state: 'expired', email: 'ada@example.org' });
    expect(await auth.verifyLink(late, null)).toEqual({ ok: false, reason: 'expired' });
  });

  it('creates the account at the first verification with a free handle', async () => {
    await accounts.ensureUser('ada@other.org', { handle: 'ada' });
    await auth.requestLink('Ada@Example.org');
    const result = await auth.verifyLink(await lastToken(), 'Firefox');
    expect(result.ok && result.created).toBe(true);
    expect(result.ok && result.user.handle).toBe('ada2');
    expect(result.ok && result.user.email).toBe('ada@example.org');
  });

  it('ends sessions after SESSION_DAYS', async () => {
    const sessionId = await auth.startSession((await accounts.ensureUser('s@example.org')).user.id, null);
    minutes(30 * 24 * 60 - 1);
    expect(await auth.viewerForSession(sessionId)).not.toBeNull();
    minutes(1);
    expect(await auth.viewerForSession(sessionId)).toBeNull();
  });

  it('records session activity at most once a minute', async () => {
    const { user } = await accounts.ensureUser('seen@example.org');
    const sessionId = await auth.startSession(user.id, null);
    const lastSeen = async () => (await accounts.sessionsOf(user.id))[0]!.lastSeenAt;
    const started = await lastSeen();
    minutes(0.5);
    await auth.viewerForSession(sessionId);
    expect(await lastSeen()).toBe(started);
    minutes(0.6);
    await auth.viewerForSession(sessionId);
    expect(await lastSeen()).toBe(now.toISOString());
  });

  it('records API token use at most once a minute', async () => {
    const { user } = await accounts.ensureUser('api@example.org');
    const { token } = await accounts.createApiToken(user.id, 'cli');
    const lastUsed = async () => (await accounts.apiTokensOf(user.id))[0]!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await auth.viewerForApiToken(token);
    const first = now.toISOString();
    expect(await lastUsed()).toBe(first);
    minutes(0.5);
    await auth.viewerForApiToken(token);
    expect(await lastUsed()).toBe(first);
    minutes(0.6);
    expect((await auth.viewerForApiToken(token))?.id).toBe(user.id);
    expect(await lastUsed()).toBe(now.toISOString());
  });

  it('allows 5 links per address per 15 minutes, in a sliding window', async () => {
    for (let i = 0; i < 5; i++) {
      await auth.requestLink('busy@example.org');
      minutes(2);
    }
    // 10 minutes after the first: it frees the window 5 minutes from now.
    const refused = await auth.requestLink('busy@example.org').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBe(5 * 60);
    minutes(5);
    await expect(auth.requestLink('busy@example.org')).resolves.toEqual({ email: 'busy@example.org' });
  });

  it('refuses malformed addresses before anything is stored or sent', async () => {
    await expect(auth.requestLink('nope')).rejects.toBeInstanceOf(InvalidInputError);
    expect(await outbox.list()).toEqual([]);
  });

  it('says clearly when the mail cannot be sent', async () => {
    const broken: MailTransport = {
      description: 'broken',
      send: (_m: MailMessage) => Promise.reject(new Error('connection refused')),
    };
    const failing = build(broken);
    const error = await failing.requestLink('ada@example.org').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('could not be sent');
  });

  it('gives banned users no session, old or new', async () => {
    const { user } = await accounts.ensureUser('bad@example.org');
    const sessionId = await auth.startSession(user.id, null);
    await new UserRepository(db).setBanned(user.id, now.toISOString());
    expect(await auth.viewerForSession(sessionId)).toBeNull();
    await auth.requestLink('bad@example.org');
    expect(await auth.verifyLink(await lastToken(), null)).toEqual({ ok: false, reason: 'banned' });
  });
});
