// A person's own account: profile (handle, display name), their sessions and their API tokens;
// and the administrator's view (create or promote accounts from the command line, list them).
import {
  displayNameProblem,
  emailProblem,
  handleFromEmail,
  handleProblem,
  normalizeDisplayName,
  normalizeEmail,
  normalizeHandle,
} from '../domain/account-rules.ts';
import type { ApiTokenRepository, ApiTokenSummary } from '../db/repositories/api-token-repository.ts';
import type { SessionRepository } from '../db/repositories/session-repository.ts';
import type { Role, UserRepository, UserRow } from '../db/repositories/user-repository.ts';
import { API_TOKEN_PREFIX, handleCandidates } from './auth-service.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';
import type { Clock } from './secrets.ts';
import { hashSecret, randomSecret, systemClock } from './secrets.ts';

export interface SessionSummary {
  createdAt: string;
  lastSeenAt: string;
  userAgent: string | null;
  /** The session of the browser asking. */
  current: boolean;
}

export interface CreatedApiToken {
  /** The whole token: shown once, never stored. */
  token: string;
  summary: ApiTokenSummary;
}

const TOKEN_NAME_MAX = 60;
const MAX_TOKENS = 25;
/** Enough characters to tell tokens apart, far too few to guess the rest. */
const SHOWN_PREFIX = API_TOKEN_PREFIX.length + 6;

export class AccountService {
  private readonly now: Clock;

  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly apiTokens: ApiTokenRepository,
    now?: Clock,
  ) {
    this.now = now ?? systemClock;
  }

  async profile(userId: number): Promise<UserRow> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError('No such account.');
    return user;
  }

  /** Validates and saves a new handle and display name; the messages name the field. */
  async updateProfile(userId: number, input: { handle: string; displayName: string }): Promise<UserRow> {
    const handle = normalizeHandle(input.handle);
    const displayName = normalizeDisplayName(input.displayName);
    const handleError = handleProblem(handle);
    if (handleError) throw new InvalidInputError(handleError, 'handle');
    const nameError = displayNameProblem(displayName);
    if (nameError) throw new InvalidInputError(nameError, 'displayName');
    if (await this.users.handleTaken(handle, userId))
      throw new ConflictError(`The handle “${handle}” is taken; choose another.`, 'handle');
    await this.users.updateProfile(userId, { handle, displayName });
    return this.profile(userId);
  }

  async sessionsOf(userId: number, currentSessionId?: string): Promise<SessionSummary[]> {
    const currentHash = currentSessionId ? hashSecret(currentSessionId) : null;
    const rows = await this.sessions.listOf(userId, this.now().toISOString());
    return rows.map((r) => ({
      createdAt: r.createdAt,
      lastSeenAt: r.lastSeenAt,
      userAgent: r.userAgent,
      current: r.idHash === currentHash,
    }));
  }

  apiTokensOf(userId: number): Promise<ApiTokenSummary[]> {
    return this.apiTokens.listOf(userId);
  }

  async createApiToken(userId: number, nameInput: string): Promise<CreatedApiToken> {
    const name = normalizeDisplayName(nameInput);
    if (name === '') throw new InvalidInputError('Give the token a name, e.g. “laptop script”.', 'name');
    if ([...name].length > TOKEN_NAME_MAX)
      throw new InvalidInputError(`A token name has at most ${TOKEN_NAME_MAX} characters.`, 'name');
    if ((await this.apiTokens.listOf(userId)).length >= MAX_TOKENS)
      throw new ConflictError(`You have ${MAX_TOKENS} tokens; revoke one before creating another.`, 'name');
    const token = API_TOKEN_PREFIX + randomSecret();
    const createdAt = this.now().toISOString();
    const prefix = token.slice(0, SHOWN_PREFIX);
    const id = await this.apiTokens.create({ userId, name, tokenHash: hashSecret(token), prefix, createdAt });
    return { token, summary: { id, userId, name, prefix, createdAt, lastUsedAt: null, revokedAt: null } };
  }

  async revokeApiToken(userId: number, tokenId: number): Promise<void> {
    if (!(await this.apiTokens.revoke(userId, tokenId, this.now().toISOString())))
      throw new NotFoundError('There is no such token (it may already be revoked).');
  }

  /**
   * Creates the account or, when it exists, gives it the role (never lowers one: an admin asked
   * to be a moderator stays admin) and the handle asked for. Idempotent; says what it changed.
   */
  async ensureUser(
    emailInput: string,
    options: { role?: Role; handle?: string } = {},
  ): Promise<{ user: UserRow; created: boolean; changes: string[] }> {
    const email = normalizeEmail(emailInput);
    const problem = emailProblem(email);
    if (problem) throw new InvalidInputError(problem, 'email');
    const handle = options.handle === undefined ? undefined : normalizeHandle(options.handle);
    if (handle !== undefined) {
      const handleError = handleProblem(handle);
      if (handleError) throw new InvalidInputError(handleError, 'handle');
    }
    const changes: string[] = [];
    let user = await this.users.findByEmail(email);
    const created = !user;
    if (!user) {
      if (handle !== undefined && (await this.users.handleTaken(handle)))
        throw new ConflictError(`The handle “${handle}” is taken.`, 'handle');
      const candidates = handle !== undefined ? [handle] : handleCandidates(email);
      user = await this.users.create(
        { email, displayName: handle ?? handleFromEmail(email), createdAt: this.now().toISOString() },
        candidates,
      );
    } else if (handle !== undefined && handle !== user.handle) {
      if (await this.users.handleTaken(handle, user.id))
        throw new ConflictError(`The handle “${handle}” is taken.`, 'handle');
      await this.users.updateProfile(user.id, { handle, displayName: user.displayName });
      changes.push(`handle ${user.handle} → ${handle}`);
    }
    if (options.role && RANK[options.role] > RANK[user.role]) {
      await this.users.setRole(user.id, options.role);
      changes.push(`role ${user.role} → ${options.role}`);
    }
    return { user: (await this.users.findById(user.id))!, created, changes };
  }

  listUsers(): Promise<UserRow[]> {
    return this.users.list({ limit: 100_000 });
  }
}

const RANK: Record<Role, number> = { user: 0, moderator: 1, admin: 2 };
