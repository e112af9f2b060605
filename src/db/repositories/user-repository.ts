// Accounts. Handles and emails are unique in the schema; callers normalise them before asking.
import type { Selectable } from 'kysely';
import type { DatabaseHandle } from '../database.ts';
import type { UsersTable } from '../schema.ts';

export type UserRow = Selectable<UsersTable>;
export type Role = UserRow['role'];

export interface NewUser {
  email: string;
  handle: string;
  displayName: string;
  role?: Role;
  createdAt: string;
}

export class UserRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  findById(id: number): Promise<UserRow | undefined> {
    return this.handle.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.handle.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  findByHandle(handle: string): Promise<UserRow | undefined> {
    return this.handle.db.selectFrom('users').selectAll().where('handle', '=', handle).executeTakeFirst();
  }

  /** Whether the user exists and is not banned: who may vote, submit and comment. */
  async isActive(id: number): Promise<boolean> {
    const row = await this.handle.db
      .selectFrom('users')
      .select('bannedAt')
      .where('id', '=', id)
      .executeTakeFirst();
    return row !== undefined && row.bannedAt === null;
  }

  async handleTaken(handle: string, exceptUserId?: number): Promise<boolean> {
    let query = this.handle.db.selectFrom('users').select('id').where('handle', '=', handle);
    if (exceptUserId !== undefined) query = query.where('id', '!=', exceptUserId);
    return (await query.executeTakeFirst()) !== undefined;
  }

  /**
   * Creates the account, trying each handle candidate in turn until one is free. Returns the
   * existing account instead when the email is already registered (two first sign-ins racing).
   */
  async create(user: Omit<NewUser, 'handle'>, handleCandidates: Iterable<string>): Promise<UserRow> {
    for (const handle of handleCandidates) {
      const existing = await this.findByEmail(user.email);
      if (existing) return existing;
      if (await this.handleTaken(handle)) continue;
      const row = await this.handle.db
        .insertInto('users')
        .values({ ...user, handle, role: user.role ?? 'user' })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row) {
        this.handle.noteWrite();
        return row;
      }
    }
    throw new Error(`no free handle for ${user.email}`);
  }

  async updateProfile(id: number, fields: { handle: string; displayName: string }): Promise<void> {
    await this.handle.db.updateTable('users').set(fields).where('id', '=', id).execute();
    // Names appear on pages (comments, submitters), so the shared page cache must refresh.
    this.handle.noteWrite();
  }

  async setRole(id: number, role: Role): Promise<void> {
    await this.handle.db.updateTable('users').set({ role }).where('id', '=', id).execute();
    this.handle.noteWrite();
  }

  async setBanned(id: number, bannedAt: string | null): Promise<void> {
    await this.handle.db.updateTable('users').set({ bannedAt }).where('id', '=', id).execute();
    this.handle.noteWrite();
  }

  list(options: { limit?: number; offset?: number } = {}): Promise<UserRow[]> {
    return this.handle.db
      .selectFrom('users')
      .selectAll()
      .orderBy('id')
      .limit(options.limit ?? 1000)
      .offset(options.offset ?? 0)
      .execute();
  }
}
