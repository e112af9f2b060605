import type { DatabaseHandle } from './database.ts';

/**
 * Runs `fn` in a transaction, or inside the caller's when there already is one, so repositories
 * can be composed into one atomic unit (a page of an import and its checkpoint, say).
 */
export async function withTransaction<T>(
  handle: DatabaseHandle,
  fn: (tx: DatabaseHandle) => Promise<T>,
): Promise<T> {
  if (handle.db.isTransaction) return fn(handle);
  let wrote = false;
  const result = await handle.db.transaction().execute((trx) =>
    fn({
      ...handle,
      db: trx,
      noteWrite: () => {
        wrote = true;
      },
    }),
  );
  if (wrote) handle.noteWrite(); // only once committed
  return result;
}
