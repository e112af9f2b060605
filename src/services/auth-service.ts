// Passwordless sign-in by emailed magic links, and the sessions that follow. Accounts are created
// at the first successful verification, so requesting a link reveals nothing about who has one.
import { emailProblem, handleFromEmail, normalizeEmail } from '../domain/account-rules.ts';
import { safeNextPath } from '../domain/next-path.ts';
import type { LoginTokenRepository } from '../db/repositories/login-token-repository.ts';
import type { SessionRepository } from '../db/repositories/session-repository.ts';
import type { ApiTokenRepository } from '../db/repositories/api-token-repository.ts';
import type { UserRepository, UserRow } from '../db/repositories/user-repository.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import { InvalidInputError, RateLimitedError, UnavailableError } from './errors.ts';
import type { Clock } from './secrets.ts';
import { hashSecret, minutesAfter, randomSecret, systemClock } from './secrets.ts';

export interface AuthOptions {
  baseUrl: string;
  sessionDays: number;
  signinTokenMinutes: number;
  /** Links one address may be sent per SIGNIN_WINDOW_MINUTES. */
  signinPerEmail: number;
  now?: Clock;
}

export interface AuthRepositories {
  users: UserRepository;
  sessions: SessionRepository;
  loginTokens: LoginTokenRepository;
  apiTokens: ApiTokenRepository;
}

/** The signed-in person as the web layer sees them. */
export interface AuthenticatedViewer {
  id: number;
  handle: string;
  displayName: string;
  role: UserRow['role'];
}

export type VerifyResult =
  | { ok: true; sessionId: string; next: string; user: UserRow; created: boolean }
  | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'banned' };

export type LinkState = 'valid' | 'unknown' | 'used' | 'expired';

export const SIGNIN_WINDOW_MINUTES = 15;
const TOUCH_INTERVAL_MS = 60_000;
export const API_TOKEN_PREFIX = 'pb_';

export class AuthService {
  private readonly now: Clock;

  constructor(
    private readonly repos: AuthRepositories,
    private readonly mail: MailTransport,
    private readonly options: AuthOptions,
  ) {
    this.now = options.now ?? systemClock;
  }

  /**
   * Emails a single-use sign-in link. The answer is the same whether or not the address has an
   * account; only a malformed address or too many requests for it are refused.
   */
  async requestLink(emailInput: string, nextInput?: unknown): Promise<{ email: string }> {
    const email = normalizeEmail(emailInput);
    const problem = emailProblem(email);
    if (problem) throw new InvalidInputError(problem, 'email');
    const now = this.now();
    await this.checkEmailLimit(email, now);
    const token = randomSecret();
    await this.repos.loginTokens.create({
      tokenHash: hashSecret(token),
      email,
      createdAt: now.toISOString(),
      expiresAt: minutesAfter(now, this.options.signinTokenMinutes),
      nextPath: safeNextPath(nextInput),
    });
    // Tokens are kept a day past expiry so that the per-address limit can count them.
    await this.repos.loginTokens.deleteExpiredBefore(minutesAfter(now, -24 * 60));
    try {
      await this.mail.send(this.signinMail(email, token));
    } catch (err) {
      throw new UnavailableError(
        'The sign-in email could not be sent just now. Please try again in a few minutes.',
        { cause: err },
      );
    }
    return { email };
  }

  private async checkEmailLimit(email: string, now: Date): Promise<void> {
    const windowStart = minutesAfter(now, -SIGNIN_WINDOW_MINUTES);
    const sent = await this.repos.loginTokens.sentSince(email, windowStart);
    if (sent.count < this.options.signinPerEmail) return;
    const freesAt = Date.parse(sent.oldest ?? now.toISOString()) + SIGNIN_WINDOW_MINUTES * 60_000;
    const retryAfter = Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000));
    throw new RateLimitedError(
      `Too many sign-in links were sent to this address. Please wait ${Math.ceil(retryAfter / 60)} minute(s) and try again, or use the newest link you received.`,
      retryAfter,
    );
  }

  private signinMail(email: string, token: string) {
    const link = `${this.options.baseUrl}/signin/verify?token=${encodeURIComponent(token)}`;
    const minutes = this.options.signinTokenMinutes;
    const text = [
      'Hello,',
      '',
      'Open this link to sign in to paperboy:',
      '',
      link,
      '',
      `The link works once, within ${minutes} minutes.`,
      'If you did not ask to sign in, ignore this email: nothing happens without the link.',
    ].join('\n');
    const html =
      `<p>Hello,</p><p><a href="${escapeHtml(link)}">Sign in to paperboy</a></p>` +
      `<p>Or paste this address into your browser:<br>${escapeHtml(link)}</p>` +
      `<p>The link works once, within ${minutes} minutes. If you did not ask to sign in, ignore this email.</p>`;
    return { to: email, subject: 'Sign in to paperboy', text, html };
  }

  /** What a link would do if used now, without using it (the confirmation page asks first). */
  async inspectLink(token: string): Promise<{ state: LinkState; email: string | null }> {
    const row = token ? await this.repos.loginTokens.find(hashSecret(token)) : undefined;
    if (!row) return { state: 'unknown', email: null };
    if (row.usedAt) return { state: 'used', email: row.email };
    if (row.expiresAt <= this.now().toISOString()) return { state: 'expired', email: row.email };
    return { state: 'valid', email: row.email };
  }

  /**
   * Uses a magic link: marks it used (exactly once, even under concurrent requests), creates the
   * account on first sign-in, and starts a new session. `previousSessionId` is the browser's old
   * session, which is ended: every sign-in gets a fresh id (no session fixation).
   */
  async verifyLink(
    token: string,
    userAgent: string | null,
    previousSessionId?: string,
  ): Promise<VerifyResult> {
    const tokenHash = hashSecret(token);
    const row = token ? await this.repos.loginTokens.find(tokenHash) : undefined;
    if (!row) return { ok: false, reason: 'unknown' };
    const now = this.now();
    if (!(await this.repos.loginTokens.consume(tokenHash, now.toISOString()))) {
      return { ok: false, reason: row.usedAt || row.expiresAt > now.toISOString() ? 'used' : 'expired' };
    }
    let user = await this.repos.users.findByEmail(row.email);
    const created = !user;
    user ??= await this.repos.users.create(
      { email: row.email, displayName: handleFromEmail(row.email), createdAt: now.toISOString() },
      handleCandidates(row.email),
    );
    if (user.bannedAt) return { ok: false, reason: 'banned' };
    if (previousSessionId) await this.signOut(previousSessionId);
    const sessionId = await this.startSession(user.id, userAgent);
    return { ok: true, sessionId, next: safeNextPath(row.nextPath), user, created };
  }

  /** A new session for the user; returns the secret id that goes into the cookie. */
  async startSession(userId: number, userAgent: string | null): Promise<string> {
    const now = this.now();
    // Sign-ins are rare enough to sweep expired sessions here, without a job.
    await this.repos.sessions.deleteExpired(now.toISOString());
    const id = randomSecret();
    await this.repos.sessions.create({
      idHash: hashSecret(id),
      userId,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt: minutesAfter(now, this.options.sessionDays * 24 * 60),
      userAgent: userAgent ? userAgent.slice(0, 300) : null,
    });
    return id;
  }

  /** The viewer of a session cookie's value, or null for an unknown, expired or banned one. */
  async viewerForSession(sessionId: string): Promise<AuthenticatedViewer | null> {
    if (!sessionId) return null;
    const idHash = hashSecret(sessionId);
    const now = this.now();
    const found = await this.repos.sessions.findViewer(idHash, now.toISOString());
    if (!found) return null;
    const notBefore = new Date(now.getTime() - TOUCH_INTERVAL_MS).toISOString();
    if (found.lastSeenAt < notBefore) await this.repos.sessions.touch(idHash, now.toISOString(), notBefore);
    return { id: found.userId, handle: found.handle, displayName: found.displayName, role: found.role };
  }

  /** The owner of a `pb_…` API token, or null for an unknown or revoked one. */
  async viewerForApiToken(token: string): Promise<AuthenticatedViewer | null> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return null;
    const found = await this.repos.apiTokens.findViewer(hashSecret(token));
    if (!found) return null;
    const now = this.now();
    const notBefore = new Date(now.getTime() - TOUCH_INTERVAL_MS).toISOString();
    if (found.lastUsedAt === null || found.lastUsedAt < notBefore)
      await this.repos.apiTokens.touch(found.tokenId, now.toISOString(), notBefore);
    return { id: found.userId, handle: found.handle, displayName: found.displayName, role: found.role };
  }

  async signOut(sessionId: string): Promise<void> {
    await this.repos.sessions.delete(hashSecret(sessionId));
  }

  /** Ends every session of the user, this browser's included; returns how many ended. */
  signOutEverywhere(userId: number): Promise<number> {
    return this.repos.sessions.deleteAllOf(userId);
  }
}

/** Handles to try for a new account: the plain one from the address, then numbered ones. */
export function* handleCandidates(email: string): Generator<string> {
  for (let attempt = 0; attempt < 50; attempt++) yield handleFromEmail(email, attempt);
  // Fifty people with the same local part: fall back to random suffixes.
  for (let i = 0; i < 50; i++)
    yield `${handleFromEmail(email).slice(0, 21)}-${randomSecret(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 8)}`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
