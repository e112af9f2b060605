// IngestStateRepository on every backend: JSON checkpoints per source.
import { expect, it } from 'vitest';
import { describeBackends } from '../../../test/helpers/backends.ts';
import { IngestStateRepository } from './ingest-state-repository.ts';

describeBackends('ingest state repository', (backend) => {
  it('keeps one JSON checkpoint per source, replaced on each set, until cleared', async () => {
    const handle = await backend.open();
    const state = new IngestStateRepository(handle);
    expect(await state.get('oai:cs')).toBeNull();
    const token = handle.changeToken();
    await state.set(
      'oai:cs',
      { resumptionToken: 'abc|1001', harvested: 1000, note: 'ünïcödé ✓' },
      '2024-10-25T00:00:00.000Z',
    );
    expect(handle.changeToken()).not.toBe(token);
    await state.set('snapshot', { offset: 123_456_789_012 }, '2024-10-25T00:00:00.000Z');
    await state.set('oai:cs', { resumptionToken: 'abc|2001', harvested: 2000 }, '2024-10-25T01:00:00.000Z');
    expect(await state.get('oai:cs')).toEqual({ resumptionToken: 'abc|2001', harvested: 2000 });
    expect(await state.get('snapshot')).toEqual({ offset: 123_456_789_012 });
    const rows = await handle.db.selectFrom('ingestState').selectAll().orderBy('source').execute();
    expect(rows.map((r) => [r.source, r.updatedAt])).toEqual([
      ['oai:cs', '2024-10-25T01:00:00.000Z'],
      ['snapshot', '2024-10-25T00:00:00.000Z'],
    ]);
    await state.clear('oai:cs');
    expect(await state.get('oai:cs')).toBeNull();
    expect(await state.get('snapshot')).not.toBeNull();
  });
});
