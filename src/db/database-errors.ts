/** The configured database cannot be opened or used as it is; the message says why and what to do. */
export class DatabaseOpenError extends Error {}

/**
 * A unique constraint refused a write (PostgreSQL's unique_violation, SQLite's UNIQUE failure):
 * on PostgreSQL a concurrent transaction committed the same key first; callers that can tell the
 * user what happened retry or answer with a conflict instead of failing.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
