// Account rules against real databases (SQLite and PostgreSQL).
import { beforeEach, expect, it } from 'vitest';
import { describeBackends } from '../../test/helpers/backends.ts';
import { ApiTokenRepository } from '../db/repositories/api-token-repository.ts';
import { SessionRepository } from '../db/repositories/session-repository.ts';
import { UserRepository } from '../db/repositories/user-repository.ts';
import { AccountService } from './account-service.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';
import { hashSecret } from './secrets.ts';

let accounts: AccountService;
let sessions: SessionRepository;
const now = new Date('2026-11-27T12:00:00.000Z');

describeBackends('AccountService', (backend) => {
  beforeEach(async () => {
    const db = await backend.open();
    sessions = new SessionRepository(db);
    accounts = new AccountService(new UserRepository(db), sessions, new ApiTokenRepository(db), () => now);
  });

  it('creates, promotes and never demotes, idempotently', async () => {
    const first = await accounts.ensureUser(' Ada@Example.org ', { role: 'moderator' });
    expect(first.created).toBe(true);
    expect(first.user).toMatchObject({ email: 'ada@example.org', handle: 'ada', role: 'moderator' });
    const again = await accounts.ensureUser('ada@example.org', { role: 'moderator' });
    expect(again).toMatchObject({ created: false, changes: [] });
    expect((await accounts.ensureUser('ada@example.org', { role: 'user' })).user.role).toBe('moderator');
    const admin = await accounts.ensureUser('ada@example.org', { role: 'admin', handle: 'lovelace' });
    expect(admin.changes).toEqual(['handle ada → lovelace', 'role moderator → admin']);
    // A second "ada" gets a numbered handle; the first one's old handle is free again.
    expect((await accounts.ensureUser('ada@other.org')).user.handle).toBe('ada');
    expect((await accounts.ensureUser('ada@third.org')).user.handle).toBe('ada2');
    expect((await accounts.listUsers()).map((u) => u.handle)).toEqual(['lovelace', 'ada', 'ada2']);
  });

  it('validates profiles and refuses a taken handle', async () => {
    const { user } = await accounts.ensureUser('grace@example.org');
    await accounts.ensureUser('owner@example.org', { handle: 'owner' });
    await expect(
      accounts.updateProfile(user.id, { handle: 'Owner', displayName: 'G' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(accounts.updateProfile(user.id, { handle: 'api', displayName: 'G' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    // Keeping one's own handle is not a conflict.
    const saved = await accounts.updateProfile(user.id, { handle: 'grace', displayName: ' Grace  Hopper ' });
    expect(saved.displayName).toBe('Grace Hopper');
  });

  it('creates tokens shown once, lists them without secrets, and revokes only one’s own', async () => {
    const { user } = await accounts.ensureUser('t@example.org');
    const { user: other } = await accounts.ensureUser('o@example.org');
    const created = await accounts.createApiToken(user.id, 'ci');
    expect(created.token).toMatch(/^pb_[A-Za-z0-9_-]{43}$/);
    expect(created.summary.prefix).toBe(created.token.slice(0, 9));
    const listed = await accounts.apiTokensOf(user.id);
    expect(listed).toEqual([created.summary]);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    await expect(accounts.revokeApiToken(other.id, created.summary.id)).rejects.toBeInstanceOf(NotFoundError);
    await accounts.revokeApiToken(user.id, created.summary.id);
    expect(await accounts.apiTokensOf(user.id)).toEqual([]);
    await expect(accounts.revokeApiToken(user.id, created.summary.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists live sessions, marking the current one', async () => {
    const { user } = await accounts.ensureUser('s@example.org');
    const session = (id: string, expiresAt: string) => ({
      idHash: hashSecret(id),
      userId: user.id,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt,
      userAgent: null,
    });
    await sessions.create(session('a', '2026-12-27T12:00:00.000Z'));
    await sessions.create(session('b', '2026-12-27T12:00:00.000Z'));
    await sessions.create(session('old', '2026-11-01T00:00:00.000Z'));
    const listed = await accounts.sessionsOf(user.id, 'b');
    expect(listed.map((s) => s.current).sort()).toEqual([false, true]);
    expect(await sessions.deleteAllOf(user.id)).toBe(3);
  });
});
