// withTransaction on every backend: commit, rollback, nesting, and the change token after commit.
import { expect, it } from 'vitest';
import { describeBackends } from '../../test/helpers/backends.ts';
import { IngestStateRepository } from './repositories/ingest-state-repository.ts';
import { withTransaction } from './transaction.ts';

const AT = '2024-10-25T00:00:00.000Z';

describeBackends('withTransaction', (backend) => {
  it('commits the work and moves the change token once, after the commit', async () => {
    const handle = await backend.open();
    const before = handle.changeToken();
    await withTransaction(handle, async (tx) => {
      await new IngestStateRepository(tx).set('a', 1, AT);
      await new IngestStateRepository(tx).set('b', 2, AT);
      expect(handle.changeToken()).toBe(before); // not yet committed
    });
    expect(handle.changeToken()).not.toBe(before);
    expect(await new IngestStateRepository(handle).get('b')).toBe(2);
  });

  it('rolls everything back when the work throws, nested calls included, and leaves the token', async () => {
    const handle = await backend.open();
    const before = handle.changeToken();
    await expect(
      withTransaction(handle, async (tx) => {
        await new IngestStateRepository(tx).set('outer', 1, AT);
        await withTransaction(tx, async (inner) => {
          expect(inner.db).toBe(tx.db); // joins the caller's transaction
          await new IngestStateRepository(inner).set('inner', 2, AT);
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const state = new IngestStateRepository(handle);
    expect(await state.get('outer')).toBeNull();
    expect(await state.get('inner')).toBeNull();
    expect(handle.changeToken()).toBe(before);
  });

  it('isolates uncommitted work from other connections', async () => {
    const handle = await backend.open();
    let seenOutside: unknown = 'unset';
    await withTransaction(handle, async (tx) => {
      await new IngestStateRepository(tx).set('pending', 1, AT);
      // On SQLite there is one connection, and it is the transaction's: nothing to compare with.
      if (backend.name === 'postgres') seenOutside = await new IngestStateRepository(handle).get('pending');
    });
    if (backend.name === 'postgres') expect(seenOutside).toBeNull();
    expect(await new IngestStateRepository(handle).get('pending')).toBe(1);
  });
});
